"""Texts the pages' JavaScript shows, translated on the server (one JSON block per page, no extra request)."""

from django.utils.translation import gettext as _

from geo_reports.models import Status


def js_strings() -> dict:
    return {
        "status": {value: str(label) for value, label in Status.choices},
        "groups": {
            "open": _("Open"),
            "in_progress": _("In progress"),
            "resolved": _("Resolved"),
            "dismissed": _("Rejected or duplicate"),
        },
        "flags": {
            "near_area_boundary": _("The pin is close to the border of another desa/kelurahan."),
            "asset_owner_ambiguous": _("Assets of different owners are about as close; staff will check."),
            "no_asset_in_reach": _("No mapped asset is close to the pin."),
            "partly_outside_city": _("Part of the drawing is outside Kota Batu."),
            "location_from_photo": _("The location was taken from the photo."),
        },
        "view_report": _("View report"),
        "reports_here": _("%(count)s reports here"),
        "zoom_in": _("Zoom in"),
        "reports_shown": _("%(count)s reports shown"),
        "loading": _("Loading…"),
        "load_failed": _("Reports could not be loaded. Check the connection and try again."),
        "try_again": _("Try again"),
        "pin_here": _("Report location"),
        "pin_placed": _("Location: %(place)s"),
        "pin_needed": _("Tap the map to place the pin where the problem is."),
        "locating": _("Finding your location…"),
        "locate_failed": _("Your location could not be found. Tap the map instead."),
        "outside_city_hint": _("That place is outside Kota Batu."),
        "no_places": _("No place found."),
        "draw_line_help": _("Tap the map to add points along the line (at least 2)."),
        "draw_area_help": _("Tap the map to add the corners of the area (at least 3)."),
        "preview_title": _("This report will be forwarded to"),
        "preview_waiting": _("Place the pin and choose a category to see where the report will go."),
        "already_reported": _("Already reported?"),
        "duplicates_intro": _(
            "These open reports of the same kind are nearby. If one is yours too, add +1 instead of a new report."
        ),
        "plus_one": _("+1, I have this too"),
        "plus_one_done": _("Counted. Thank you."),
        "plus_one_again": _("You already added +1 here."),
        "metres_away": _("%(distance)s m away"),
        "photo_too_large": _("%(name)s is larger than %(limit)s MB. Choose a smaller photo."),
        "photo_wrong_type": _("%(name)s is not a JPEG, PNG or WebP photo."),
        "too_many_photos": _("Choose at most %(count)s photos."),
        "document_too_large": _("%(name)s is larger than %(limit)s MB. Choose a smaller file."),
        "document_wrong_type": _("%(name)s is not a PDF, JPEG, PNG or WebP file."),
        "too_many_documents": _("Choose at most %(count)s documents."),
        "sending": _("Sending…"),
        "send": _("Send report"),
        "fix_errors": _("Please check the fields marked in red."),
        "network_error": _(
            "The report could not be sent. Check the connection and try again; it will not be sent twice."
        ),
        "undo": _("Undo point"),
        "confirmed": _("Thank you: the report is closed."),
        "reopened": _("The report has been reopened."),
        "rated": _("Thank you for your rating."),
        "tickets_found": _("%(count)s open tickets within 5 km, nearest first."),
        "directions": _("Directions"),
        "open": _("Open the ticket"),
        "start_work": _("Start work"),
        "resolve_with_photo": _("Resolved: take a photo"),
        "resolved_on_site": _("Fixed on site by the field crew."),
        "overdue": _("overdue"),
        "received": _("Received"),
        "resolved_label": _("Resolved"),
        "cluster_reports": _("%(count)s reports close together"),
        "no_hotspots": _("No asset has repeated reports."),
        "push": push_strings(),
        **form_strings(),
    }


def form_strings() -> dict:
    """The report and application form's texts (static/web/js/report_form.js)."""
    return {
        "pin_needed_request": _("Tap the map to mark the place your application is about."),
        "pin_from_photo": _("Location from your photo: %(place)s. Drag the pin if it is not quite right."),
        "line_length": _("a line of %(metres)s m"),
        "area_size": _("an area of about %(square_metres)s m²"),
        "load_failed_short": _("This could not be loaded. Check the connection and try again."),
        "network_error_short": _("No connection. Try again."),
        "questions_about": _("About the problem: %(category)s"),
        "questions_about_request": _("About your application: %(category)s"),
        "staff_only": _("Staff only"),
        "staff_only_hint": _("Only the agency handling it sees this answer; it is never shown in public."),
        "number_needed": _("Enter a number."),
        "number_min": _("Enter a number of at least %(min)s."),
        "number_max": _("Enter a number of at most %(max)s."),
        "preview_title_request": _("This application will go to"),
        "synthetic_asset": _("demo: synthetic asset data"),
        "supported_title": _("Your +1 is counted on report %(code)s."),
        "supported_body": _(
            "You do not need to send the same problem again: the agency sees how many people are affected, "
            "and you can follow the report on its page."
        ),
        "supported_view": _("View that report"),
        "supported_different": _("Is your problem a different one? Then carry on with the form below."),
        "take_photos": _("Take or choose photos"),
        "add_photos": _("Add more photos"),
        "photo_n": _("Photo %(n)s"),
        "remove_photo": _("Remove photo %(n)s"),
        "photos_preparing": _("Making the photos smaller for sending…"),
        "photos_ready": _("%(count)s of %(max)s photos, %(size)s to send."),
        "photo_unreadable": _("%(name)s could not be read as a photo. Choose another one."),
        "remove": _("Remove"),
        "remove_document": _("Remove %(name)s"),
        "sending_progress": _("Sending… %(percent)s (%(sent)s of %(total)s)"),
        "sending_wait": _("Sent. Waiting for the confirmation…"),
        "category_needed": _("Choose what the problem is."),
        "category_needed_request": _("Choose what you apply for."),
        "send_request": _("Send application"),
        "durations": {
            unit: {"one": one, "other": other}
            for unit, one, other in (
                ("hours", _("%(n)s hour"), _("%(n)s hours")),
                ("days", _("%(n)s day"), _("%(n)s days")),
                ("working_hours", _("%(n)s working hour"), _("%(n)s working hours")),
                ("working_days", _("%(n)s working day"), _("%(n)s working days")),
            )
        },
        "expect_report": _(
            "The agency answers within %(acknowledge)s (by %(date)s) and aims to fix the problem within "
            "%(resolve)s. You will see each step on the report's page."
        ),
        "expect_request": _(
            "The office answers within %(acknowledge)s (by %(date)s) and aims to decide within %(resolve)s. "
            "You will see each step through your private link."
        ),
        "share_text": _("My report %(code)s on Lapor Batu. Private link, keep it to myself:"),
        "share_text_request": _("My application %(code)s on Lapor Batu. Private link, keep it to myself:"),
        "link_copied": _("Link copied."),
        "link_selected": _("The link is selected: hold it to copy."),
        "link_emailed": _("The link will be sent to %(email)s in a moment."),
        "queued_refused": _("It was sent, but not accepted: open My reports to see why."),
        **app_strings(),
    }


def app_strings() -> dict:
    """The installed app's texts: offline data, "Laporan saya" (static/web/js/common.js, my_reports.js)."""
    return {
        "offline_data": _("No connection: this is the data as it was at %(time)s."),
        "mine_waiting": _("Waiting for a signal: it is sent by itself."),
        "mine_refused": _("Not accepted by the server: send it again from the form with the problem fixed."),
        "mine_discard": _("Delete from this phone"),
        "mine_discard_confirm": _("Delete this report from the phone? It has not been sent."),
        "mine_sent": _("Sent %(time)s"),
        "mine_open": _("Open with the private link"),
        "mine_forget": _("Remove from this list"),
        "mine_forget_confirm": _(
            "Remove it from this phone's list? The report itself stays; keep its private link if you need it."
        ),
    }


def push_strings() -> dict:
    """Web Push, turned on and off from the pages (static/web/js/push.js)."""
    return {
        "turn_on": _("Notify me of changes"),
        "turn_off": _("Stop notifications"),
        "on_report": _("Notifications are on: this browser will tell you when the report changes."),
        "on_staff": _("Notifications are on: this browser will tell you of reports assigned to you."),
        "off": _("Notifications are off in this browser."),
        "unsupported": _("This browser cannot show notifications from this site."),
        "denied": _(
            "Notifications are blocked for this site. Allow them in the browser's site settings and try again."
        ),
        "failed": _("Notifications could not be turned on. Check the connection and try again."),
    }
