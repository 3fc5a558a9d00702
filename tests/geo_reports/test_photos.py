"""Photos: decoded to prove they are images, stripped of EXIF, limited in size and pixels."""

import io

import pytest
from PIL import Image

from geo_reports.photos import PhotoError, process
from tests import images


def test_exif_secrets_are_gone_and_the_photo_is_upright():
    original = images.phone_photo(640, 480, orientation=6)
    assert images.SERIAL.encode() in original and images.OWNER.encode() in original
    photo = process(original)
    for blob in (photo.content, photo.thumbnail):
        assert images.SERIAL.encode() not in blob
        assert images.OWNER.encode() not in blob
        reopened = Image.open(io.BytesIO(blob))
        assert not reopened.getexif()
        assert "exif" not in reopened.info
    assert (photo.width, photo.height) == (480, 640)  # orientation 6: rotated to stand upright
    assert max(Image.open(io.BytesIO(photo.thumbnail)).size) == 360
    assert photo.extension == ".jpg"


def test_the_gps_position_is_read_before_it_is_stripped():
    photo = process(images.phone_photo())
    lon, lat = photo.gps
    assert lon == pytest.approx(112 + 31 / 60 + 44.4 / 3600, abs=1e-6)
    assert lat == pytest.approx(-(7 + 52 / 60 + 34.56 / 3600), abs=1e-6)


def test_png_and_webp_keep_their_format():
    assert process(images.png()).extension == ".png"
    assert process(images.phone_photo(image_format="WEBP")).extension == ".webp"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (images.truncated_jpeg(), "photo_not_image"),
        (images.SVG_WITH_SCRIPT, "photo_not_image"),
        (b"%PDF-1.4 not a photo", "photo_not_image"),
        (b"", "photo_empty"),
        (images.decompression_bomb(), "photo_too_many_pixels"),
        (b"\xff\xd8\xff" + b"\x00" * (11 * 1024 * 1024), "photo_too_large"),
    ],
)
def test_bad_files_are_refused(data, code):
    with pytest.raises(PhotoError) as raised:
        process(data)
    assert raised.value.code == code
