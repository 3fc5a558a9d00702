"""The guided conversation: one step per message from the citizen, from the conversation's state.

    idle ─► location ─(a place typed)─► place (confirm: Ya / Bukan)
                └──────(a pin, in Kota Batu)──► category ─► duplicates (+1 one of them, or go on)
                                                     └────► question (each required one) ─► photos
                                                            ─► description ─► confirm (Kirim / Batal) ─► idle

At any state: "batal" cancels, "cek <kode>" answers a report's status, "hapus data saya" erases the
chat from its reports, "bantuan" explains; a conversation idle for LAPOR_CHAT_IDLE_MINUTES starts over.
Bad input (a place outside Kota Batu, a photo too large or not an image, an unknown command) is
answered in the chat and changes nothing. The report is filed through the one submission service
(geo_reports.services.intake), like the web's.

The caller (services.inbound) holds the conversation's lock and saves it; a step returns its replies.
"""

import datetime as dt
import re

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from geopy.exc import GeopyError
from rest_framework import serializers

from common.errors import ApplicationError
from common.text import clean_text, printable
from districts.geocoding import search_places
from districts.models import Area
from districts.selectors import areas_containing, city_touches
from geo_reports import abuse, photos
from geo_reports.models import Category, CategoryQuestion
from geo_reports.personal_data import reporter_notice
from geo_reports.routing import RoutingError, route
from geo_reports.selectors import report_nearby_open, report_own_detail, report_public_list
from geo_reports.serializers.inputs import validate_answers
from geo_reports.services.intake import Sender, report_submit, submission_validate
from geo_reports.services.reporter import report_support

from .. import selectors, texts
from ..language import language_of
from ..messages import Button, Incoming, Reply, Row
from ..models import Conversation, ConversationPhoto
from ..platforms import MediaTooLarge, PlatformError
from .erasure import chat_data_erase

State = Conversation.State
NEEDS_CATEGORY = (State.DUPLICATES, State.QUESTION, State.PHOTOS, State.DESCRIPTION, State.CONFIRM)
LIST_SIZE = 10  # WhatsApp shows at most 10 rows in a list
CHECK = re.compile(r"^/?(cek|check)(?:@\w+)?\b\s*(.*)$", re.IGNORECASE | re.DOTALL)
# A command word → (what it does, the language it is in; None: either)
COMMANDS = {
    "batal": ("cancel", "id"),
    "/batal": ("cancel", "id"),
    "cancel": ("cancel", "en"),
    "/cancel": ("cancel", "en"),
    "hapus data saya": ("erase", "id"),
    "/hapus": ("erase", "id"),
    "delete my data": ("erase", "en"),
    "/delete": ("erase", "en"),
    "bantuan": ("help", "id"),
    "/bantuan": ("help", "id"),
    "help": ("help", "en"),
    "/help": ("help", "en"),
    "/start": ("start", None),
}


def conversation_reset(conversation: Conversation) -> None:
    """Back to the start; what was answered so far (and the photos) is dropped. The caller saves."""
    conversation.state = State.IDLE
    conversation.data = {}
    ConversationPhoto.objects.filter(conversation=conversation).delete()


def conversations_expire(now: dt.datetime) -> int:
    """Housekeeping: conversations idle for LAPOR_CHAT_IDLE_MINUTES start over, their photos dropped;
    the next message hears why."""
    idle = Conversation.objects.exclude(state=State.IDLE).filter(
        stepped_at__lt=now - dt.timedelta(minutes=settings.LAPOR_CHAT_IDLE_MINUTES)
    )
    ids = list(idle.values_list("pk", flat=True)[:1000])
    ConversationPhoto.objects.filter(conversation_id__in=ids).delete()
    return Conversation.objects.filter(pk__in=ids).update(state=State.IDLE, data={"expired": True})


def conversation_step(*, conversation: Conversation, incoming: Incoming, platform, message_key: str) -> "Step":
    """Take the step for one message; the Step holds the replies (and whether the conversation is to
    be forgotten once they are sent)."""
    step = Step(conversation, incoming, platform, message_key)
    step.run()
    return step


class Step:
    """One message's step: `run` dispatches on the conversation's state (or a command), each handler
    answers with `say` and moves the state on."""

    def __init__(self, conversation: Conversation, incoming: Incoming, platform, message_key: str):
        self.conversation = conversation
        self.data = conversation.data
        self.incoming = incoming
        self.platform = platform
        self.message_key = message_key
        self.replies: list[Reply] = []
        self.forget = False
        self.expired = False

    # --- the frame ------------------------------------------------------------------------------

    def run(self) -> None:
        conversation, incoming = self.conversation, self.incoming
        now = timezone.now()
        idle = now - conversation.stepped_at > dt.timedelta(minutes=settings.LAPOR_CHAT_IDLE_MINUTES)
        if conversation.state != State.IDLE and idle:
            conversation_reset(conversation)
            self.data = conversation.data
            self.expired = True
        elif self.data.pop("expired", False):  # reset by the housekeeping
            self.expired = True
        text = " ".join(incoming.text.split()) if incoming.kind == Incoming.TEXT else ""
        command, language = self._command(text)
        if language:
            conversation.language = language
        elif conversation.state == State.IDLE and text:
            conversation.language = language_of(text) or conversation.language
        if conversation.state in NEEDS_CATEGORY and self.category_chosen() is None:
            # The category was withdrawn by the administrators meanwhile: start again.
            self.reset()
        with translation.override(conversation.language):
            if command:
                self._run_command(command, text)
            elif incoming.kind == Incoming.CHOICE and incoming.choice == "cancel":
                self.cancel()
            else:
                handler = {
                    State.IDLE: self.start,
                    State.LOCATION: self.location,
                    State.PLACE: self.place,
                    State.CATEGORY: self.category,
                    State.DUPLICATES: self.duplicates,
                    State.QUESTION: self.question,
                    State.PHOTOS: self.photos,
                    State.DESCRIPTION: self.description,
                    State.CONFIRM: self.confirm,
                }[conversation.state]
                handler()
        conversation.data = self.data
        conversation.stepped_at = now

    def _command(self, text: str) -> tuple[str, str | None]:
        lowered = re.sub(r"^(/\w+)@\w+", r"\1", text.casefold()).rstrip(".!?")
        if lowered in COMMANDS:
            return COMMANDS[lowered]
        found = CHECK.match(lowered)
        if found:
            return "check", "en" if found.group(1) == "check" else "id"
        if lowered.startswith("/"):
            return "unknown", None
        return "", None

    def _run_command(self, command: str, text: str) -> None:
        if command == "cancel":
            self.cancel()
        elif command == "check":
            self.check(CHECK.match(text).group(2).strip())
        elif command == "erase":
            self.erase()
        elif command == "help":
            self.say(self.help_text(), aside=True)
        elif command == "start":
            self.reset()
            self.start()
        else:
            self.say(
                _("I do not know the command %(command)s.") % {"command": printable(text.split()[0], 30)}
                + "\n"
                + self.help_text(),
                aside=True,
            )

    def say(self, text: str, *, aside: bool = False, **answers) -> None:
        """A reply. The answers it offers are remembered, so that typing a button's title works too;
        an `aside` (a report's status, the help) leaves the last question's answers on offer."""
        reply = Reply(text=text, **answers)
        self.replies.append(reply)
        if not aside:
            self.data["offered"] = [[b.id, b.title] for b in reply.buttons] + [[r.id, r.title] for r in reply.rows]

    def chosen(self) -> str:
        """The id of the answer the citizen chose: a button or row pressed, or one's title typed."""
        if self.incoming.kind == Incoming.CHOICE:
            return self.incoming.choice
        if self.incoming.kind == Incoming.TEXT:
            typed = " ".join(self.incoming.text.split()).casefold()
            for option_id, title in self.data.get("offered", []):
                if typed == title.casefold():
                    return option_id
        return ""

    def reset(self) -> None:
        conversation_reset(self.conversation)
        self.data = self.conversation.data

    def help_text(self) -> str:
        return _(
            "Lapor Batu takes reports of problems in Kota Batu and passes them to the agency responsible. "
            "Write anything to start a report.\n"
            '"check <code>": the status of a report\n'
            '"cancel": stop the report you are writing\n'
            '"delete my data": remove your number from your reports'
        )

    # --- commands ---------------------------------------------------------------------------------

    def cancel(self) -> None:
        self.reset()
        self.say(_("Cancelled: nothing was sent. Write anything to start a new report."))

    def check(self, code: str) -> None:
        if not code:
            self.say(_('Write the tracking code after the word, e.g. "check ABCD-2345".'), aside=True)
            return
        conversation = self.conversation
        report = selectors.report_for_chat(code=code, platform=conversation.platform, chat_id=conversation.chat_id)
        if report is None:
            self.say(_("No report has the code %(code)s.") % {"code": printable(code, 20)}, aside=True)
            return
        self.say(texts.report_status_text(report), aside=True)

    def erase(self) -> None:
        count = chat_data_erase(conversation=self.conversation)
        self.data = self.conversation.data
        self.say(
            _(
                "Done: your number and this chat were removed from %(count)d report(s). The reports stay, "
                "without your contact, and you will no longer hear about them here."
            )
            % {"count": count}
        )
        self.forget = True

    # --- the location -----------------------------------------------------------------------------

    def start(self) -> None:
        conversation = self.conversation
        try:
            abuse.check_blocklist(phone=conversation.phone, account=conversation.account)
        except ApplicationError as exc:
            self.say(str(exc.message))
            return
        conversation.state = State.LOCATION
        if self.incoming.kind == Incoming.LOCATION:
            self.location()
            return
        opening = _("Your earlier report was not finished within %(minutes)d minutes, so we start again.") % {
            "minutes": settings.LAPOR_CHAT_IDLE_MINUTES
        }
        self.say(
            (opening + "\n\n" if self.expired else "")
            + _(
                "Hello! This is Lapor Batu: your report goes straight to the agency responsible.\n"
                "Where is the problem? Share its location (📎 › Location), or type the name of the place, "
                "e.g. a desa, kelurahan or street."
            ),
            ask_location=_("Send my location"),
        )

    def ask_location_again(self, text: str) -> None:
        self.conversation.state = State.LOCATION
        self.say(text, ask_location=_("Send my location"))

    def location(self) -> None:
        incoming = self.incoming
        if incoming.kind == Incoming.LOCATION:
            self.pin(incoming.lon, incoming.lat)
        elif incoming.kind == Incoming.TEXT:
            self.search(incoming.text)
        else:
            self.ask_location_again(
                _("First, where is the problem? Share its location, or type the name of the place.")
            )

    def pin(self, lon: float, lat: float) -> None:
        point = Point(lon, lat, srid=settings.LAPOR_SRID)
        if not (-180 <= lon <= 180 and -90 <= lat <= 90) or not city_touches(point):
            self.ask_location_again(
                _("The location is outside Kota Batu.") + " " + _("Share a place inside Kota Batu, or type its name.")
            )
            return
        areas = list(areas_containing(point=point))
        desa = next((a for a in areas if a.kind in Area.LOCAL_KINDS), None)
        kecamatan = next((a for a in areas if a.kind == Area.Kind.KECAMATAN), None)
        place = texts.place_of(desa, kecamatan)
        self.data.clear()
        self.data.update(lon=round(lon, 7), lat=round(lat, 7), place=place)
        self.conversation.state = State.CATEGORY
        self.ask_category(_("Location: %(place)s.") % {"place": place})

    def search(self, text: str) -> None:
        query = " ".join(text.split())[:100]
        try:
            places = search_places(query, limit=8) if len(query) >= 2 else []
        except GeopyError:
            places = []
        found = [
            {"name": p.name, "lon": p.lon, "lat": p.lat}
            for p in places
            if p.kind != Area.Kind.KOTA and city_touches(Point(p.lon, p.lat, srid=settings.LAPOR_SRID))
        ][:3]
        if not found:
            self.ask_location_again(
                _(
                    'I could not find "%(text)s" in Kota Batu. Type another name (a desa, kelurahan or street), '
                    "or share the location."
                )
                % {"text": printable(query, 60)}
            )
            return
        self.data.clear()
        self.data.update(candidates=found, candidate=0)
        self.conversation.state = State.PLACE
        self.ask_place()

    def ask_place(self) -> None:
        candidate = self.data["candidates"][self.data["candidate"]]
        self.say(
            _("Did you mean %(place)s?") % {"place": candidate["name"]},
            buttons=[Button("yes", _("Yes")), Button("no", _("Not this one"))],
        )

    def place(self) -> None:
        choice = self.chosen()
        if choice == "yes":
            candidate = self.data["candidates"][self.data["candidate"]]
            self.pin(candidate["lon"], candidate["lat"])
        elif choice == "no":
            if self.data["candidate"] + 1 < len(self.data["candidates"]):
                self.data["candidate"] += 1
                self.ask_place()
            else:
                self.data.clear()
                self.ask_location_again(_("Type another name, or share the location."))
        elif self.incoming.kind == Incoming.LOCATION:
            self.pin(self.incoming.lon, self.incoming.lat)
        elif self.incoming.kind == Incoming.TEXT:
            self.search(self.incoming.text)
        else:
            self.ask_place()

    # --- the category and nearby reports ----------------------------------------------------------

    def category_chosen(self) -> Category | None:
        return selectors.chat_categories().filter(code=self.data.get("category", "")).first()

    def point(self) -> Point:
        return Point(self.data["lon"], self.data["lat"], srid=settings.LAPOR_SRID)

    def ask_category(self, opening: str) -> None:
        categories = list(selectors.chat_categories())
        page = self.data.get("page", 0)
        per_page = LIST_SIZE if len(categories) <= LIST_SIZE else LIST_SIZE - 1
        shown = categories[page * per_page : (page + 1) * per_page]
        rows = [Row(f"cat:{category.code}", category.label) for category in shown]
        if len(categories) > LIST_SIZE:
            following = page + 1 if (page + 1) * per_page < len(categories) else 0
            rows.append(Row(f"more:{following}", _("More categories…")))
        self.say(opening + "\n" + _("What is the problem? Choose a category."), rows=rows, rows_label=_("Categories"))

    def category(self) -> None:
        choice = self.chosen()
        if choice.startswith("more:") and choice[5:].isdigit():
            self.data["page"] = int(choice[5:])
            self.ask_category(_("More categories:"))
            return
        if self.incoming.kind == Incoming.LOCATION:
            self.pin(self.incoming.lon, self.incoming.lat)
            return
        self.data["category"] = choice.removeprefix("cat:") if choice.startswith("cat:") else ""
        category = self.category_chosen()
        if category is None:
            self.data.pop("category")
            self.ask_category(_("Choose a category from the list."))
            return
        self.data["answers"] = {}
        nearby = list(report_nearby_open(category=category, point=self.point(), limit=3))
        if nearby:
            self.data["nearby"] = [report.tracking_code for report in nearby]
            self.conversation.state = State.DUPLICATES
            self.offer_nearby(nearby)
        else:
            self.ask_question(0)

    def offer_nearby(self, nearby: list) -> None:
        lines = [_("Open reports of this kind near this place:")]
        for number, report in enumerate(nearby, start=1):
            line = f"{number}. {report.tracking_code} · {texts.status_label(report.status)} · " + _(
                "%(distance)s m away"
            ) % {"distance": f"{report.distance_m:.0f}"}
            if report.description:
                line += f" · {report.description[:80]}"
            lines.append(line)
        lines.append(_("If one of them is your problem, add +1 to it instead of sending a new report."))
        buttons = [Button(f"plus:{report.tracking_code}", f"+1 {report.tracking_code}") for report in nearby[:2]]
        self.say("\n".join(lines), buttons=[*buttons, Button("new", _("New report"))])

    def duplicates(self) -> None:
        choice = self.chosen()
        if choice.startswith("plus:") and choice[5:] in self.data.get("nearby", []):
            self.support(choice[5:])
        elif choice == "new":
            self.ask_question(0)
        else:
            nearby = list(report_nearby_open(category=self.category_chosen(), point=self.point(), limit=3))
            if nearby:
                self.data["nearby"] = [report.tracking_code for report in nearby]
                self.offer_nearby(nearby)
            else:
                self.ask_question(0)

    def support(self, code: str) -> None:
        conversation = self.conversation
        report = report_public_list().filter(tracking_code=code).first()
        supporter = f"chat:{abuse.account_key(conversation.account)}"  # no number in the rate counters
        try:
            if report is None:
                raise ApplicationError(_("No report has the code %(code)s.") % {"code": code})
            abuse.guard_support(ip="", supporter=supporter, account=conversation.account)
            counted = report_support(report=report, supporter_key=supporter)
        except ApplicationError as exc:
            self.reset()
            self.say(str(exc.message))
            return
        report.refresh_from_db(fields=["support_count"])
        values = {"code": code, "count": report.support_count, "link": texts.report_link(report)}
        self.reset()
        if counted:
            self.say(
                _("Thank you: your +1 is counted for report %(code)s (%(count)d in all). Follow it at %(link)s")
                % values
            )
        else:
            self.say(_("You had already added +1 to report %(code)s. Follow it at %(link)s") % values)

    # --- the category's questions -----------------------------------------------------------------

    def required_questions(self, category: Category) -> list[CategoryQuestion]:
        return [q for q in category.questions.all() if q.required]

    def ask_question(self, index: int, opening: str = "") -> None:
        category = self.category_chosen()
        questions = self.required_questions(category)
        if index >= len(questions):
            self.ask_photos()
            return
        self.conversation.state = State.QUESTION
        self.data["question"] = index
        question = questions[index]
        text = (opening + "\n" if opening else "") + question.localized("label")
        hint = question.localized("help")
        if hint:
            text += f"\n{hint}"
        if not question.is_list:
            self.say(text)
            return
        options = [(f"ans:{value['key']}", question.choice_name(value["key"])) for value in question.values]
        if len(options) <= 3:
            self.say(text, buttons=[Button(option_id, title) for option_id, title in options])
        else:
            self.say(
                text, rows=[Row(option_id, title) for option_id, title in options[:LIST_SIZE]], rows_label=_("Answers")
            )

    def question(self) -> None:
        category = self.category_chosen()
        index = self.data.get("question", 0)
        question = self.required_questions(category)[index]
        answers = self.data.setdefault("answers", {})
        if question.is_list:
            choice = self.chosen()
            key = choice.removeprefix("ans:") if choice.startswith("ans:") else None
            if key not in question.choice_keys():
                self.ask_question(index, _("Choose one of the answers."))
                return
            answers[question.code] = [key] if question.datatype == CategoryQuestion.Datatype.MULTI else key
        else:
            if self.incoming.kind != Incoming.TEXT:
                self.ask_question(index, _("Type your answer."))
                return
            try:
                validate_answers(category, {**answers, question.code: self.incoming.text.strip()})
            except serializers.ValidationError as exc:
                problems = exc.detail.get(f"answers.{question.code}")
                if problems:
                    self.ask_question(index, str(problems[0]))
                    return
            answers[question.code] = self.incoming.text.strip()
        self.ask_question(index + 1)

    # --- photos and description -------------------------------------------------------------------

    def photo_count(self) -> int:
        return ConversationPhoto.objects.filter(conversation=self.conversation).count()

    def ask_photos(self) -> None:
        self.conversation.state = State.PHOTOS
        self.say(
            _("Send a photo of the problem (at most %(count)d), or tap Skip.") % {"count": settings.LAPOR_CHAT_PHOTOS},
            buttons=[Button("skip", _("Skip"))],
        )

    def photos(self) -> None:
        choice = self.chosen()
        if choice in ("skip", "next"):
            self.ask_description()
        elif self.incoming.kind == Incoming.PHOTO:
            self.take_photo()
        elif self.incoming.kind == Incoming.FILE:
            self.say_photo_problem(_("This file is not a photo we can read. Send a JPEG, PNG or WebP image."))
        else:
            self.say_photo_problem(_("Send a photo, or tap Skip."))

    def say_photo_problem(self, text: str) -> None:
        button = Button("next", _("Continue")) if self.photo_count() else Button("skip", _("Skip"))
        self.say(text, buttons=[button])

    def take_photo(self) -> None:
        limit_mb = settings.LAPOR_PHOTO_MAX_BYTES / (1024 * 1024)
        try:
            content = self.platform.download(self.incoming)
            photo = photos.process(content)
        except MediaTooLarge as exc:
            if exc.size:
                message = _("The photo is too large (%(size).1f MB); the limit is %(limit).0f MB.") % {
                    "size": exc.size / (1024 * 1024),
                    "limit": limit_mb,
                }
            else:
                message = _("The photo is too large; the limit is %(limit).0f MB.") % {"limit": limit_mb}
            self.say_photo_problem(message)
            return
        except PlatformError:
            self.say_photo_problem(_("The photo could not be fetched. Please send it again."))
            return
        except photos.PhotoError as exc:
            self.say_photo_problem(str(exc.message))
            return
        ConversationPhoto.objects.create(
            conversation=self.conversation, content=photo.content, extension=photo.extension
        )
        count = self.photo_count()
        if count >= settings.LAPOR_CHAT_PHOTOS:
            self.ask_description(_("Photo %(number)d received.") % {"number": count} + "\n")
        else:
            self.say(
                _("Photo %(number)d received. Send another, or tap Continue.") % {"number": count},
                buttons=[Button("next", _("Continue"))],
            )

    def ask_description(self, opening: str = "") -> None:
        self.conversation.state = State.DESCRIPTION
        self.say(
            opening
            + _('Describe the problem in a few words (e.g. "a deep hole in front of the mosque"), or tap Skip.'),
            buttons=[Button("skip", _("Skip"))],
        )

    def description(self) -> None:
        if self.chosen() == "skip":
            self.data["description"] = ""
            self.ask_confirmation()
            return
        if self.incoming.kind != Incoming.TEXT:
            self.say(_("Type the description, or tap Skip."), buttons=[Button("skip", _("Skip"))])
            return
        try:
            text = clean_text(self.incoming.text, _("The description"))
        except serializers.ValidationError as exc:
            self.say(str(exc.detail[0]), buttons=[Button("skip", _("Skip"))])
            return
        if len(text) > 4000:
            self.say(_("The description can be at most 4,000 characters."), buttons=[Button("skip", _("Skip"))])
            return
        self.data["description"] = text
        self.ask_confirmation()

    # --- the summary and sending ------------------------------------------------------------------

    def ask_confirmation(self) -> None:
        category = self.category_chosen()
        try:
            decision = route(category=category, geometry=self.point())
        except RoutingError as exc:
            self.data.clear()
            self.ask_location_again(str(exc.message) + " " + _("Share the location again, or type the place."))
            return
        self.conversation.state = State.CONFIRM
        answers = self.data.get("answers", {})
        lines = [
            _("Please check your report:"),
            _("Category: %(category)s") % {"category": category.label},
            _("Place: %(place)s") % {"place": self.data["place"]},
        ]
        for question in self.required_questions(category):
            value = answers.get(question.code)
            if question.is_list:
                value = ", ".join(question.choice_name(v) for v in ([value] if isinstance(value, str) else value))
            lines.append(f"{question.localized('label')} {value}")
        lines.append(_("Photos: %(count)d") % {"count": self.photo_count()})
        if self.data.get("description"):
            description = self.data["description"]
            lines.append(
                _("Description: %(text)s") % {"text": description[:300] + ("…" if len(description) > 300 else "")}
            )
        lines += ["", texts.routing_sentence(decision, filed=False), "", _("Send this report?")]
        self.say("\n".join(lines), buttons=[Button("send", _("Send")), Button("cancel", _("Cancel"))])

    def confirm(self) -> None:
        if self.chosen() == "send":
            self.submit()
        else:
            self.ask_confirmation()

    def submit(self) -> None:
        conversation = self.conversation
        stored = ConversationPhoto.objects.filter(conversation=conversation)
        data = {
            "category": self.data["category"],
            "geometry": {"type": "Point", "coordinates": [self.data["lon"], self.data["lat"]]},
            "description": self.data.get("description", ""),
            "answers": self.data.get("answers", {}),
            "photos": [SimpleUploadedFile(f"photo{p.extension}", bytes(p.content)) for p in stored],
        }
        if conversation.phone:
            data["reporter"] = {"phone": conversation.phone}
        try:
            submission = submission_validate(data)
            submission.contact.update(chat_platform=conversation.platform, chat_id=conversation.chat_id)
            result = report_submit(
                submission=submission,
                channel=conversation.platform,
                sender=Sender(account=conversation.account),
                # The "Kirim" message's own id: a step taken twice files one report.
                idempotency_key=f"chat-{conversation.platform}-{self.message_key[:40]}",
            )
        except ApplicationError as exc:
            self.reset()
            self.say(str(exc.message) + "\n" + _("Nothing was sent. Write anything to start again."))
            return
        report = report_own_detail().get(pk=result.report.pk)
        command = _("check %(code)s") % {"code": report.tracking_code}
        lines = [
            _("Thank you! Your report is filed with the tracking code %(code)s.") % {"code": report.tracking_code},
            texts.routing_sentence(texts.decision_of(report), filed=True),
        ]
        if report.resolve_due:
            lines.append(_("To be resolved %(deadline)s.") % {"deadline": texts.deadline_words(report.resolve_due)})
        if notice := reporter_notice(report):
            lines.append(notice)
        if result.reporter_token:
            lines.append(
                _("Your private link (keep it to yourself): %(link)s")
                % {"link": texts.report_link(report, result.reporter_token)}
            )
        lines.append(
            _('We will tell you here when its status changes. Write "%(command)s" to see it at any time.')
            % {"command": command}
        )
        self.reset()
        self.say("\n".join(lines))
