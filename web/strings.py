"""Texts the pages' JavaScript shows, translated on the server (one JSON block per page, no extra request)."""

from django.utils.translation import gettext as _

from geo_reports.models import Status


def js_strings() -> dict[str, str]:
    return {
        "status": {value: str(label) for value, label in Status.choices},
        "groups": {
            "open": _("Open the ticket"),
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
    }
