"""Texts the staff pages' script (static/web/js/staff.js) shows, translated on the server and given in
the staff pages' own page_config (not in every page's strings: the public pages stay small)."""

from django.utils.translation import gettext as _


def staff_strings() -> dict:
    return {
        "km": _("%(distance)s km"),
        "m": _("%(distance)s m"),
        "away": _("%(distance)s away"),
        "assigned_to_me": _("Assigned to you"),
        "look_from_here": _("Tickets near the spot you chose on the map."),
        "look_from_desa": _("Tickets near %(place)s."),
        "look_from_you": _("Tickets near you."),
        "locate_failed_staff": _(
            "Your location is not available. Tap the map or choose a desa or kelurahan to see the tickets near it."
        ),
        "tickets_none": _("No open tickets within 5 km."),
        "tickets_none_mine": _("No open ticket assigned to you within 5 km."),
        "tickets_count": _("%(count)s open tickets within 5 km, nearest first."),
        "ticket_started": _("%(code)s: %(status)s. You are working on it."),
        "ticket_resolved": _("%(code)s: %(status)s, with your photo. It leaves your list of open tickets."),
        "sending_photo": _("Sending the photo for %(code)s…"),
        "here": _("You are here"),
        "chosen_spot": _("Where you look from"),
        "choose_status": _("Choose the new status."),
        "confirm": {
            "rejected": {
                "title": _("Reject report %(code)s?"),
                "text": _("Its public page will show your message as the reason, and the report is closed for good."),
                "yes": _("Yes, reject it"),
            },
            "duplicate": {
                "title": _("Mark %(code)s as a duplicate?"),
                "text": _("It is closed for good; people follow the original report instead."),
                "yes": _("Yes, it is a duplicate"),
            },
            "resolved": {
                "title": _("Mark %(code)s as resolved?"),
                "text": _("The reporter is asked to confirm the fix; they may reopen it within 14 days."),
                "yes": _("Yes, it is resolved"),
            },
            "hide": {
                "title": _("Hide %(code)s from the public?"),
                "text": _("It leaves every public map, list, count and feed. Its reporter and staff still see it."),
                "yes": _("Yes, hide it"),
            },
            "hide_photo": {
                "title": _("Hide this photo from the public?"),
                "text": _("Say why; staff still see the photo."),
                "yes": _("Hide the photo"),
            },
        },
        "photo_reason": _("Why is the photo hidden? (staff only)"),
        "reason_needed": _("Say why."),
        "crew": crew_offline_strings(),
    }


def crew_offline_strings() -> dict:
    """The nearest tickets without a signal (static/web/js/nearby.js): the queue, conflicts, the saved list."""
    return {
        "offline_waiting": {
            "one": _("Offline: 1 change waiting for a signal."),
            "other": _("Offline: %(count)s changes waiting for a signal."),
        },
        "offline_none": _("Offline: what you do is kept on this phone and sent when there is a signal."),
        "sending": {
            "one": _("Sending 1 change made without a signal…"),
            "other": _("Sending %(count)s changes made without a signal…"),
        },
        "sign_in_again": _("Sign in again to send the changes waiting on this phone."),
        "to_decide": {
            "one": _("1 change needs your decision."),
            "other": _("%(count)s changes need your decision."),
        },
        "saved_list": _("No connection: the tickets as saved at %(time)s."),
        "saved_count": _("%(count)s open tickets kept on this phone (near you, and assigned to you), nearest first."),
        "no_saved_list": _(
            "No connection, and no tickets are saved on this phone yet. Open this page once with a signal."
        ),
        "waiting": _("Waiting for signal"),
        "made_at": _("%(action)s, made at %(time)s"),
        "resolve": _("Resolved with a photo"),
        "kept": _("%(code)s: kept on this phone, sent when there is a signal."),
        "not_kept": _("%(code)s: the change could not be kept on this phone. Try again."),
        "sent_many": _("%(count)s changes made without a signal were sent."),
        "conflict_title": _("Someone else changed this ticket in the meantime"),
        "yours": _("Your change"),
        "yours_text": _("%(action)s, made at %(time)s on the ticket as %(status)s"),
        "theirs": _("Now on the server"),
        "theirs_text": _("%(status)s, changed by %(who)s at %(time)s"),
        "someone": _("another staff member"),
        "apply_mine": _("Apply mine anyway"),
        "keep_theirs": _("Keep theirs"),
        "applied_mine": _("%(code)s: your change is sent again on the ticket as it is now."),
        "kept_theirs": _("%(code)s: your change was removed; the ticket stays as it is on the server."),
        "refused_title": _("The server did not accept this change"),
        "remove_mine": _("Remove my change"),
        "your_photo": _("Your after-photo"),
        "photo_of": _("Photo %(number)s of %(code)s"),
        "sign_out_waiting": _(
            "%(count)s changes are not sent yet. Signing out removes them from this phone. Sign out anyway?"
        ),
    }
