"""Test images made with Pillow: a phone photo with EXIF secrets, and broken or hostile files."""

import io
import random
import struct
import zlib

from PIL import ExifTags, Image, ImageDraw, ImageFilter

SERIAL = "SN-RAHASIA-98765"
OWNER = "Budi Rahasia Fotografer"
# Near the Kelurahan Sisir test point: 7°52'34.56"S 112°31'44.4"E
GPS = {1: "S", 2: (7.0, 52.0, 34.56), 3: "E", 4: (112.0, 31.0, 44.4)}


def phone_photo(width=640, height=480, orientation=6, image_format="JPEG", gps=GPS) -> bytes:
    """A photo as a phone writes it: GPS position, camera serial, owner name, rotation flag."""
    image = Image.new("RGB", (width, height), (180, 120, 60))
    for x in range(0, width, 40):  # some structure, so it is not a flat colour
        image.paste((30, 90, 160), (x, 0, x + 10, height))
    out = io.BytesIO()
    image.save(out, image_format, exif=_phone_exif(orientation, gps).tobytes())
    return out.getvalue()


def camera_photo(seed=1, width=4000, height=3000, orientation=6, gps=GPS) -> bytes:
    """A 12-megapixel photo as a phone camera writes it, 3 to 4 MB: a scene with detail at every scale
    (shapes, texture, sensor noise), so it compresses like a real photo, with the EXIF of phone_photo.
    Orientation 6: stored sideways, to be shown turned a quarter clockwise (portrait)."""
    rng = random.Random(seed)
    light = Image.effect_noise((width // 50, height // 50), 60).convert("L")
    channels = [light.point(lambda v, a=a, b=b: min(255, int(v * a + b))) for a, b in ((0.6, 40), (0.8, 30), (0.5, 20))]
    scene = Image.merge("RGB", channels).resize((width, height), Image.BICUBIC)
    draw = ImageDraw.Draw(scene)
    for _ in range(400):
        x, y, r = rng.randrange(width), rng.randrange(height), rng.randrange(10, 180)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=tuple(rng.randrange(256) for _ in range(3)))
    scene = scene.filter(ImageFilter.GaussianBlur(2))
    texture = Image.effect_noise((width // 3, height // 3), 70).convert("RGB").resize((width, height), Image.BICUBIC)
    sensor = Image.effect_noise((width, height), 30).convert("RGB")
    image = Image.blend(Image.blend(scene, texture, 0.25), sensor, 0.1)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92, exif=_phone_exif(orientation, gps).tobytes())
    return out.getvalue()


def _phone_exif(orientation, gps) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Artist] = OWNER
    exif[ExifTags.Base.Orientation] = orientation
    if gps:
        exif[ExifTags.IFD.GPSInfo] = gps
    exif[ExifTags.IFD.Exif] = {ExifTags.Base.BodySerialNumber: SERIAL}
    return exif


def png(width=32, height=32) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (0, 128, 0, 128)).save(out, "PNG")
    return out.getvalue()


def truncated_jpeg() -> bytes:
    data = phone_photo()
    return data[: len(data) // 3]


def decompression_bomb(width=60_000, height=60_000) -> bytes:
    """A tiny PNG whose header claims 3.6 gigapixels."""
    raw = b"\x00" * (1 + width // 8)
    idat = zlib.compress(raw * 1, 9)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


SVG_WITH_SCRIPT = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'
