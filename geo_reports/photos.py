"""Photos: prove they are images, strip what they say about the person, keep what they show.

Each upload is decoded fully by Pillow (a file that only looks like an image fails), limited in
bytes and pixels (decompression bombs fail before decoding), turned upright from its EXIF
orientation, then re-encoded from pixels alone, so EXIF (GPS position, camera serial, owner name),
XMP and ICC comments are not stored or served. The GPS position is read first, so the form can offer
it as the report's location when no pin was placed.
"""

import hashlib
import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from common.errors import ApplicationError

FORMATS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}


class PhotoError(ApplicationError):
    default_field = "photos"

    def __init__(self, message, code: str):
        super().__init__(message, code=code)


@dataclass
class ProcessedPhoto:
    content: bytes
    extension: str
    thumbnail: bytes
    width: int
    height: int
    gps: tuple[float, float] | None  # (lon, lat) from EXIF, never stored
    source_sha256: str = ""  # of the bytes as sent: two uploads of one file are the same photo


def _gps_from_exif(image: Image.Image) -> tuple[float, float] | None:
    try:
        gps = image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    except Exception:
        return None
    try:
        lat = _degrees(gps[ExifTags.GPS.GPSLatitude]) * (-1 if gps.get(ExifTags.GPS.GPSLatitudeRef) == "S" else 1)
        lon = _degrees(gps[ExifTags.GPS.GPSLongitude]) * (-1 if gps.get(ExifTags.GPS.GPSLongitudeRef) == "W" else 1)
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None
    if -180 <= lon <= 180 and -90 <= lat <= 90 and (lon, lat) != (0.0, 0.0):
        return round(lon, 7), round(lat, 7)
    return None


def _degrees(value) -> float:
    d, m, s = (float(part) for part in value)
    return d + m / 60 + s / 3600


def process(upload) -> ProcessedPhoto:
    """An uploaded file (Django UploadedFile or bytes) → a clean image and a thumbnail."""
    size = upload.size if hasattr(upload, "size") else len(upload)
    limit_mb = settings.LAPOR_PHOTO_MAX_BYTES / (1024 * 1024)
    if size > settings.LAPOR_PHOTO_MAX_BYTES:
        raise PhotoError(
            _("The photo is too large (%(size).1f MB); the limit is %(limit).0f MB.")
            % {"size": size / (1024 * 1024), "limit": limit_mb},
            "photo_too_large",
        )
    if size == 0:
        raise PhotoError(_("The photo file is empty."), "photo_empty")
    data = upload.read() if hasattr(upload, "read") else bytes(upload)
    not_an_image = PhotoError(
        _("This file is not a photo we can read. Send a JPEG, PNG or WebP image."), "photo_not_image"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in FORMATS:
                    raise not_an_image
                if probe.width * probe.height > settings.LAPOR_PHOTO_MAX_PIXELS:
                    raise _too_many_pixels(probe.width, probe.height)
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                image_format = image.format
                gps = _gps_from_exif(image)
                upright = ImageOps.exif_transpose(image)
        except PhotoError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise _too_many_pixels(0, 0) from exc
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
            raise not_an_image from exc
    photo = _encode(upright, image_format, gps)
    photo.source_sha256 = hashlib.sha256(data).hexdigest()
    return photo


def _too_many_pixels(width: int, height: int) -> PhotoError:
    return PhotoError(
        _("The photo has too many pixels; the limit is %(limit)d megapixels.")
        % {"limit": settings.LAPOR_PHOTO_MAX_PIXELS // 1_000_000},
        "photo_too_many_pixels",
    )


def _encode(image: Image.Image, image_format: str, gps) -> ProcessedPhoto:
    has_alpha = image.mode in ("RGBA", "LA", "P") and image_format in ("PNG", "WEBP")
    pixels = image.convert("RGBA" if has_alpha else "RGB")
    pixels.thumbnail((settings.LAPOR_PHOTO_MAX_SIDE, settings.LAPOR_PHOTO_MAX_SIDE))
    # A fresh image from the pixels only: no info dict, EXIF, XMP, ICC profile or comments.
    clean = Image.new(pixels.mode, pixels.size)
    clean.paste(pixels)
    out = io.BytesIO()
    if image_format == "PNG":
        clean.save(out, "PNG", optimize=True)
    elif image_format == "WEBP":
        clean.save(out, "WEBP", quality=85)
    else:
        clean.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    thumb = clean.convert("RGB")
    thumb.thumbnail((settings.LAPOR_PHOTO_THUMB_SIDE, settings.LAPOR_PHOTO_THUMB_SIDE))
    thumb_out = io.BytesIO()
    thumb.save(thumb_out, "JPEG", quality=80, optimize=True)
    return ProcessedPhoto(
        content=out.getvalue(),
        extension=FORMATS[image_format],
        thumbnail=thumb_out.getvalue(),
        width=clean.width,
        height=clean.height,
        gps=gps,
    )
