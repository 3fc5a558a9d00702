"""Pages and files served by the reports app (the citizen pages live in `web`)."""

import re
import uuid

from django.http import FileResponse, Http404
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from .models import ReportPhoto

PHOTO_NAME = re.compile(r"^(?P<uuid>[0-9a-f]{32})(?P<thumb>-thumb)?\.(?:jpg|png|webp)$")


@require_GET
@cache_control(public=True, max_age=86400)
def photo_file(request, prefix: str, filename: str):
    """A report photo, served only while it and its report's category are public."""
    match = PHOTO_NAME.match(filename)
    if match is None or prefix != filename[:2]:
        raise Http404
    photo = (
        ReportPhoto.objects.filter(uuid=uuid.UUID(match["uuid"]), is_public=True, report__category__is_public=True)
        .only("image", "thumbnail")
        .first()
    )
    if photo is None:
        raise Http404
    field = photo.thumbnail if match["thumb"] else photo.image
    if not field.name.endswith(filename):
        raise Http404
    return FileResponse(field.open("rb"))
