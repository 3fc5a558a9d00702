"""Pages and files served by the reports app (the citizen pages live in `web`)."""

import re
import uuid

from django.http import FileResponse, Http404
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from . import policy
from .models import ReportPhoto
from .selectors import report_readable_by_public

PHOTO_NAME = re.compile(r"^(?P<uuid>[0-9a-f]{32})(?P<thumb>-thumb)?\.(?:jpg|png|webp)$")


@require_GET
def photo_file(request, prefix: str, filename: str):
    """A report photo: for anyone while it and its report are public; a photo staff hid (or of a
    report they hid, or of a non-public category) only for staff who may read the report's private
    fields, and never from a shared cache."""
    match = PHOTO_NAME.match(filename)
    if match is None or prefix != filename[:2]:
        raise Http404
    photo = (
        ReportPhoto.objects.filter(uuid=uuid.UUID(match["uuid"]))
        .select_related("report", "report__category", "report__agency")
        .prefetch_related("report__co_handlers")
        .first()
    )
    if photo is None:
        raise Http404
    public = photo.is_public and report_readable_by_public(photo.report)
    if not (public or policy.can(request.user, photo.report, policy.Action.READ_PRIVATE)):
        raise Http404
    field = photo.thumbnail if match["thumb"] else photo.image
    if not field.name.endswith(filename):
        raise Http404
    response = FileResponse(field.open("rb"))
    patch_cache_control(
        response, **({"public": True, "max_age": 86400} if public else {"private": True, "no_store": True})
    )
    return response
