"""The bad-input corpus: named requests a client must not be able to hurt the service with.

Each REFUSED case must get a 4xx with a message (in English here, asked with Accept-Language: en),
write nothing, and leave the server serving. ACCEPTED_AS_DATA cases are inputs that look hostile but
are legitimate data: they are stored exactly as sent and made harmless on output (see
test_bad_input_corpus.py for why each is data rather than an error).

The cases extend tests/geo_reports/test_bad_input.py (which has one of each basic fault); none repeats
an input from there.
"""

import dataclasses
import io
import json
import struct
import zlib
from dataclasses import dataclass

from PIL import Image

from tests import images

BATU = [112.5290, -7.8763]
POINT = {"type": "Point", "coordinates": BATU}
SQUARE = [[112.529, -7.876], [112.530, -7.876], [112.530, -7.877], [112.529, -7.877], [112.529, -7.876]]


def report(geometry=None, **properties) -> dict:
    properties = {"category": "sampah", "answers": {"problem": "dumping"}, **properties}
    return {"type": "Feature", "geometry": POINT if geometry is None else geometry, "properties": properties}


def raw_report(geometry_text: str, properties_text: str = '{"category": "sampah", "answers": {"problem": "dumping"}}'):
    return f'{{"type": "Feature", "geometry": {geometry_text}, "properties": {properties_text}}}'.encode()


@dataclass(frozen=True)
class Case:
    name: str
    kind: str  # geometry, photo, text, parameter
    method: str = "POST"
    path: str = "/api/reports/"
    json: object = None
    content: bytes | None = None  # a raw JSON body
    data: dict | None = None  # multipart form fields
    files: list | None = None  # multipart files
    params: dict | None = None
    as_staff: bool = False  # sent with an administrator's token
    status: int = 400
    field: str | None = None  # the field the error names (top-level key of "errors")
    message: str = ""  # a fragment of the English message
    tags: tuple[str, ...] = dataclasses.field(default_factory=tuple)  # "bug": found a 5xx when written


def multipart(geometry=POINT, photos=(), **fields) -> dict:
    data = {"category": "sampah", "geometry": json.dumps(geometry), "answers": json.dumps({"problem": "dumping"})}
    data.update(fields)
    return {
        "data": data,
        "files": [("photos", photo) for photo in photos] or [("unused", ("x.txt", b"x", "text/plain"))],
    }


# --- geometry ---------------------------------------------------------------------------------------

NOT_VALID = "The geometry is not valid"
MANY = [[112.52 + i * 1e-7, -7.87 + (i % 2) * 1e-7] for i in range(100_000)]
JAVA = [[105.0, -8.8], [114.6, -8.8], [114.6, -5.9], [105.0, -5.9], [105.0, -8.8]]  # about 1,000 by 320 km
HOLE_OUTSIDE = [[112.540, -7.880], [112.541, -7.880], [112.541, -7.881], [112.540, -7.881], [112.540, -7.880]]
HOLE_A = [[112.5292, -7.8762], [112.5297, -7.8762], [112.5297, -7.8767], [112.5292, -7.8767], [112.5292, -7.8762]]
HOLE_B = [[112.5295, -7.8764], [112.5299, -7.8764], [112.5299, -7.8769], [112.5295, -7.8769], [112.5295, -7.8764]]

GEOMETRY = [
    Case(
        "ring of three positions",
        "geometry",
        json=report({"type": "Polygon", "coordinates": [SQUARE[:2] + SQUARE[:1]]}),
        field="geometry",
        message="a polygon ring at least 4",
    ),
    Case(
        "ring missing closure by 1e-12 degrees",
        "geometry",
        json=report({"type": "Polygon", "coordinates": [[*SQUARE[:-1], [112.529 + 1e-12, -7.876]]]}),
        field="geometry",
        message="the ring is not closed",
    ),
    Case(
        "figure-eight ring touching itself",
        "geometry",
        json=report(
            {
                "type": "Polygon",
                "coordinates": [
                    [
                        [112.529, -7.876],
                        [112.530, -7.877],
                        [112.531, -7.876],
                        [112.531, -7.877],
                        [112.530, -7.877],
                        [112.529, -7.877],
                        [112.529, -7.876],
                    ]
                ],
            }
        ),
        field="geometry",
        message=NOT_VALID,
    ),
    Case(
        "spike going out and back on itself",
        "geometry",
        json=report(
            {
                "type": "Polygon",
                "coordinates": [
                    [
                        [112.529, -7.876],
                        [112.530, -7.876],
                        [112.531, -7.8765],
                        [112.530, -7.876],
                        [112.530, -7.877],
                        [112.529, -7.877],
                        [112.529, -7.876],
                    ]
                ],
            }
        ),
        field="geometry",
        message=NOT_VALID,
    ),
    Case(
        "polygon of zero area (collinear ring)",
        "geometry",
        json=report(
            {
                "type": "Polygon",
                "coordinates": [[[112.529, -7.876], [112.530, -7.876], [112.531, -7.876], [112.529, -7.876]]],
            }
        ),
        field="geometry",
        message=NOT_VALID,
    ),
    Case(
        "hole outside its shell",
        "geometry",
        json=report({"type": "Polygon", "coordinates": [SQUARE, HOLE_OUTSIDE]}),
        field="geometry",
        message=NOT_VALID,
    ),
    Case(
        "two overlapping holes",
        "geometry",
        json=report(
            {
                "type": "Polygon",
                "coordinates": [
                    [[112.529, -7.876], [112.530, -7.876], [112.530, -7.877], [112.529, -7.877], [112.529, -7.876]],
                    HOLE_A,
                    HOLE_B,
                ],
            }
        ),
        field="geometry",
        message=NOT_VALID,
    ),
    Case(
        "line of two identical positions",
        "geometry",
        json=report(
            {"type": "LineString", "coordinates": [BATU, BATU]}, category="jalan-rusak", answers={"severity": "minor"}
        ),
        field="geometry",
        message=NOT_VALID,
    ),
    Case(
        "NaN inside a polygon ring",
        "geometry",
        content=raw_report(
            '{"type": "Polygon", "coordinates": [[[112.529, -7.876], [NaN, -7.876], [112.53, -7.877], '
            "[112.529, -7.876]]]}"
        ),
        message="not valid JSON",
    ),
    Case(
        "-Infinity as a longitude",
        "geometry",
        content=raw_report('{"type": "Point", "coordinates": [-Infinity, -7.8]}'),
        message="not valid JSON",
    ),
    Case(
        "1e308 as a latitude",
        "geometry",
        json=report({"type": "Point", "coordinates": [112.529, 1e308]}),
        field="geometry",
        message="Latitude must be between -90 and 90",
    ),
    Case(
        "-1e308 as a longitude in a line",
        "geometry",
        json=report(
            {"type": "LineString", "coordinates": [BATU, [-1e308, -7.8]]},
            category="jalan-rusak",
            answers={"severity": "minor"},
        ),
        field="geometry",
        message="Longitude must be between -180 and 180",
    ),
    Case(
        "1e400 overflowing to infinity",
        "geometry",
        content=raw_report('{"type": "Point", "coordinates": [1e400, -7.8]}'),
        field="geometry",
        message="finite numbers",
    ),
    Case(
        "integer of 400 digits as a longitude",
        "geometry",
        content=raw_report('{"type": "Point", "coordinates": [1' + "0" * 400 + ", -7.8]}"),
        field="geometry",
        message="Longitude must be between -180 and 180",
        tags=("bug",),
    ),
    Case(
        "integer of 400 digits in a multipart geometry",
        "geometry",
        data=multipart({"type": "Point", "coordinates": [0, 0]})["data"]
        | {"geometry": '{"type": "Point", "coordinates": [1' + "0" * 400 + ", -7.8]}"},
        files=[("unused", ("x.txt", b"x", "text/plain"))],
        field="geometry",
        message="Longitude must be between -180 and 180",
        tags=("bug",),
    ),
    Case(
        "arrays nested 100,000 deep",
        "geometry",
        content=raw_report("[" * 100_000 + "]" * 100_000),
        message="nested too deeply",
        tags=("bug",),
    ),
    Case(
        "coordinates nested 5,000 deep",
        "geometry",
        content=raw_report('{"type": "Point", "coordinates": ' + "[" * 5000 + "]" * 5000 + "}"),
        message="nested too deeply",
        tags=("bug",),
    ),
    Case(
        "point nested one level too deep",
        "geometry",
        json=report({"type": "Point", "coordinates": [BATU]}),
        field="geometry",
        message="Each position must be a list",
    ),
    Case(
        "line with flat coordinates",
        "geometry",
        json=report(
            {"type": "LineString", "coordinates": [112.529, -7.876, 112.53, -7.877]},
            category="jalan-rusak",
            answers={"severity": "minor"},
        ),
        field="geometry",
        message="Each position must be a list",
    ),
    Case(
        "polygon given a line's coordinates",
        "geometry",
        json=report({"type": "Polygon", "coordinates": SQUARE}),
        field="geometry",
        message="Each position must be a list",
    ),
    Case(
        "polygon given a multipolygon's coordinates",
        "geometry",
        json=report({"type": "Polygon", "coordinates": [[SQUARE]]}),
        field="geometry",
    ),
    Case(
        "coordinates as an object",
        "geometry",
        json=report({"type": "Point", "coordinates": {"lon": 112.529, "lat": -7.876}}),
        field="geometry",
        message="Each position must be a list",
    ),
    Case(
        "3D line",
        "geometry",
        json=report(
            {"type": "LineString", "coordinates": [[*BATU, 880.0], [112.53, -7.877, 881.0]]},
            category="jalan-rusak",
            answers={"severity": "minor"},
        ),
        field="geometry",
        message="3D/M coordinates",
    ),
    Case(
        "XYZM position",
        "geometry",
        json=report({"type": "Point", "coordinates": [*BATU, 880.0, 17.0]}),
        field="geometry",
        message="3D/M coordinates",
    ),
    Case(
        "3D polygon in a multipart form",
        "geometry",
        **multipart({"type": "Polygon", "coordinates": [[[*p, 1.0] for p in SQUARE]]}),
        field="geometry",
        message="3D/M coordinates",
    ),
    Case(
        "empty GeometryCollection",
        "geometry",
        json=report({"type": "GeometryCollection", "geometries": []}),
        field="geometry",
        message="Geometry type GeometryCollection is not accepted",
    ),
    Case(
        "GeometryCollection holding a point",
        "geometry",
        json=report({"type": "GeometryCollection", "geometries": [POINT]}),
        field="geometry",
        message="Geometry type GeometryCollection is not accepted",
    ),
    Case(
        "empty MultiPolygon",
        "geometry",
        json=report({"type": "MultiPolygon", "coordinates": []}),
        field="geometry",
        message="Geometry type MultiPolygon is not accepted",
    ),
    Case(
        "empty LineString",
        "geometry",
        json=report({"type": "LineString", "coordinates": []}, category="jalan-rusak", answers={"severity": "minor"}),
        field="geometry",
        message="The geometry is empty",
    ),
    Case(
        "polygon with one empty ring",
        "geometry",
        json=report({"type": "Polygon", "coordinates": [[]]}),
        field="geometry",
        message="a polygon ring at least 4",
    ),
    Case(
        "point with null coordinates",
        "geometry",
        json=report({"type": "Point", "coordinates": None}),
        field="geometry",
        message="The geometry is empty",
    ),
    Case(
        "100,000 vertices",
        "geometry",
        json=report({"type": "LineString", "coordinates": MANY}, category="jalan-rusak", answers={"severity": "minor"}),
        field="geometry",
        message="more than 5000 vertices",
    ),
    Case(
        "a polygon the size of Java",
        "geometry",
        json=report(
            {"type": "Polygon", "coordinates": [JAVA]}, category="drainase-banjir", answers={"flooding_now": "yes"}
        ),
        field="geometry",
    ),
    Case(
        "a polygon around the whole world",
        "geometry",
        json=report(
            {"type": "Polygon", "coordinates": [[[-180, -90], [180, -90], [180, 90], [-180, 90], [-180, -90]]]}
        ),
        field="geometry",
        tags=("bug",),
    ),
    Case(
        "a line 30 km long",
        "geometry",
        json=report(
            {"type": "LineString", "coordinates": [[112.40, -7.85], [112.67, -7.85]]},
            category="jalan-rusak",
            answers={"severity": "minor"},
        ),
        field="geometry",
    ),
    Case(
        "WKT instead of GeoJSON",
        "geometry",
        json=report("POINT(112.529 -7.8763)"),
        field="geometry",
        message="The geometry is not valid JSON",
    ),
    Case(
        "a Feature where the geometry belongs",
        "geometry",
        json=report({"type": "Feature", "geometry": POINT}),
        field="geometry",
        message="not a Feature",
    ),
    Case(
        "geometry type given as a number",
        "geometry",
        json=report({"type": 7, "coordinates": BATU}),
        field="geometry",
        message="is not accepted",
    ),
    Case(
        "booleans as coordinates",
        "geometry",
        json=report({"type": "Point", "coordinates": [True, False]}),
        field="geometry",
        message="Coordinates must be numbers",
    ),
    Case(
        "a position of one number",
        "geometry",
        json=report({"type": "Point", "coordinates": [112.529]}),
        field="geometry",
        message="Each position must be a list",
    ),
    Case(
        "a pin in the Indian Ocean",
        "geometry",
        json=report({"type": "Point", "coordinates": [110.0, -11.0]}),
        field="geometry",
        message="outside Kota Batu",
    ),
    Case(
        "the same faults sent to the routing preview",
        "geometry",
        path="/api/routing/preview/",
        json=report(
            {
                "type": "Polygon",
                "coordinates": [
                    [
                        [112.529, -7.876],
                        [112.530, -7.876],
                        [112.531, -7.8765],
                        [112.530, -7.876],
                        [112.530, -7.877],
                        [112.529, -7.877],
                        [112.529, -7.876],
                    ]
                ],
            }
        ),
        field="geometry",
        message=NOT_VALID,
    ),
    Case(
        "staff moving a pin to a bow-tie",
        "geometry",
        path="/api/reports/{report}/reroute/",
        as_staff=True,
        json={
            "version": 1,
            "geometry": {
                "type": "Polygon",
                "coordinates": [
                    [[112.529, -7.876], [112.530, -7.877], [112.530, -7.876], [112.529, -7.877], [112.529, -7.876]]
                ],
            },
        },
        field="geometry",
        message=NOT_VALID,
    ),
    Case(
        "staff moving a pin with a 400-digit integer",
        "geometry",
        path="/api/reports/{report}/reroute/",
        as_staff=True,
        content=b'{"version": 1, "geometry": {"type": "Point", "coordinates": [1' + b"0" * 400 + b", -7.8]}}",
        field="geometry",
        message="Longitude must be between -180 and 180",
        tags=("bug",),
    ),
]


# --- photos -------------------------------------------------------------------------------------------


def _jpeg_claiming(width: int, height: int) -> bytes:
    """A small valid JPEG whose frame header (SOF0) claims another size: a JPEG decompression bomb."""
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (200, 50, 50)).save(out, "JPEG", quality=50)
    data = bytearray(out.getvalue())
    sof = data.index(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, height, width)
    return bytes(data)


def _image(image_format: str, **options) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 32), (10, 120, 200)).save(out, image_format, **options)
    return out.getvalue()


def _png_with_huge_text(megabytes: int) -> bytes:
    """A valid PNG carrying a compressed text chunk that inflates to `megabytes` MB."""
    png = bytearray(images.png())
    text = zlib.compress(b"A" * (megabytes * 1024 * 1024), 9)
    payload = b"Comment\x00\x00" + text
    chunk = struct.pack(">I", len(payload)) + b"zTXt" + payload
    chunk += struct.pack(">I", zlib.crc32(b"zTXt" + payload) & 0xFFFFFFFF)
    end = png.rindex(b"IEND") - 4
    return bytes(png[:end]) + chunk + bytes(png[end:])


NOT_A_PHOTO = "This file is not a photo we can read"

PHOTOS = [
    Case(
        "JPEG whose header claims 60,000 × 60,000 pixels",
        "photo",
        **multipart(photos=[("bom.jpg", _jpeg_claiming(60_000, 60_000), "image/jpeg")]),
        field="photos",
        message="too many pixels",
    ),
    Case(
        "50 MB upload",
        "photo",
        **multipart(photos=[("besar.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * (50 * 1024 * 1024), "image/jpeg")]),
        field="photos",
        message="The photo is too large",
    ),
    Case(
        "truncated PNG",
        "photo",
        **multipart(photos=[("potong.png", images.png(400, 400)[:200], "image/png")]),
        field="photos",
        message=NOT_A_PHOTO,
    ),
    Case(
        "truncated WebP",
        "photo",
        **multipart(photos=[("potong.webp", images.phone_photo(image_format="WEBP")[:300], "image/webp")]),
        field="photos",
        message=NOT_A_PHOTO,
    ),
    Case(
        "GIF",
        "photo",
        **multipart(photos=[("anim.gif", _image("GIF"), "image/gif")]),
        field="photos",
        message=NOT_A_PHOTO,
    ),
    Case(
        "BMP",
        "photo",
        **multipart(photos=[("foto.bmp", _image("BMP"), "image/bmp")]),
        field="photos",
        message=NOT_A_PHOTO,
    ),
    Case(
        "TIFF",
        "photo",
        **multipart(photos=[("foto.tif", _image("TIFF"), "image/tiff")]),
        field="photos",
        message=NOT_A_PHOTO,
    ),
    Case(
        "PDF sent as image/jpeg",
        "photo",
        **multipart(photos=[("foto.jpg", b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF", "image/jpeg")]),
        field="photos",
        message=NOT_A_PHOTO,
    ),
    Case(
        "HTML page named .jpg",
        "photo",
        **multipart(photos=[("foto.jpg", b"<html><script>alert(1)</script></html>", "image/jpeg")]),
        field="photos",
        message=NOT_A_PHOTO,
    ),
    Case(
        "SVG with script sent as image/png",
        "photo",
        **multipart(photos=[("foto.png", images.SVG_WITH_SCRIPT, "image/png")]),
        field="photos",
        message=NOT_A_PHOTO,
    ),
    Case(
        "empty file", "photo", **multipart(photos=[("kosong.jpg", b"", "image/jpeg")]), field="photos", message="empty"
    ),
    Case(
        "six photos (five allowed)",
        "photo",
        **multipart(photos=[(f"{n}.png", images.png(), "image/png") for n in range(6)]),
        field="photos",
        message="at most 5 photos",
    ),
    Case(
        "a bad after-photo from staff",
        "photo",
        path="/api/reports/{report}/transition/",
        as_staff=True,
        data={"status": "verified", "version": "1"},
        files=[("photo", ("bom.jpg", _jpeg_claiming(60_000, 60_000), "image/jpeg"))],
        field="photo",
        message="too many pixels",
    ),
]

# --- text ---------------------------------------------------------------------------------------------

RLO = "\u202e"
TEXT = [
    Case(
        "description of 10,000 characters",
        "text",
        json=report(description="x" * 10_000),
        field="description",
        message="at most 4,000 characters",
    ),
    Case(
        "description of 1,000,000 characters",
        "text",
        json=report(description="ab" * 500_000),
        field="description",
        message="at most 4,000 characters",
    ),
    Case(
        "reporter name of 10,000 characters",
        "text",
        json=report(reporter={"name": "N" * 10_000}),
        field="reporter",
        message="no more than 120 characters",
    ),
    Case(
        "escape sequence in the reporter name",
        "text",
        json=report(reporter={"name": "Budi\x1b[2J"}),
        field="reporter",
        message="control or text-direction characters",
    ),
    Case(
        "right-to-left override in the reporter name",
        "text",
        json=report(reporter={"name": f"Budi {RLO}idub"}),
        field="reporter",
        message="control or text-direction characters",
    ),
    Case(
        "NUL in the reporter name",
        "text",
        json=report(reporter={"name": "Bu\x00di"}),
        field="reporter",
        message="Null characters are not allowed",
    ),
    Case(
        "bell character in a text answer",
        "text",
        json=report(category="pipa-bocor", answers={"flow": "seep", "customer_number": "12\x0734"}),
        field="answers.customer_number",
        message="control or text-direction characters",
    ),
    Case(
        "left-to-right isolate in the description",
        "text",
        json=report(description="jalan \u2066rusak\u2069"),
        field="description",
        message="control or text-direction characters",
    ),
    Case(
        "text answer of 10,000 characters",
        "text",
        json=report(category="pipa-bocor", answers={"flow": "seep", "customer_number": "9" * 10_000}),
        field="answers.customer_number",
        message="At most 250 characters",
    ),
    Case(
        "lone surrogate in the description",
        "text",
        content=raw_report(
            json.dumps(POINT), '{"category": "sampah", "answers": {"problem": "dumping"}, "description": "a\\ud800b"}'
        ),
        field="description",
        message="Surrogate characters are not allowed",
    ),
    Case(
        "lone surrogate in the category",
        "text",
        content=raw_report(json.dumps(POINT), '{"category": "sampah\\udc00", "answers": {"problem": "dumping"}}'),
        field="category",
        tags=("bug",),
    ),
    Case(
        "lone surrogate in the category of a preview",
        "text",
        path="/api/routing/preview/",
        content=raw_report(json.dumps(POINT), '{"category": "sampah\\udc00"}'),
        field="category",
        tags=("bug",),
    ),
    Case("NUL in the category", "text", json=report(category="sampah\x00"), field="category", tags=("bug",)),
    Case(
        "NUL in the category of a multipart form",
        "text",
        **multipart(category="sampah\x00"),
        field="category",
        tags=("bug",),
    ),
    Case(
        "lone surrogate as a question code",
        "text",
        content=raw_report(
            json.dumps(POINT), '{"category": "sampah", "answers": {"problem": "dumping", "\\ud800": 1}}'
        ),
        tags=("bug",),
    ),
    Case(
        "400-digit integer as a number answer",
        "text",
        content=raw_report(
            json.dumps(POINT),
            '{"category": "jalan-rusak", "answers": {"severity": "minor", "width_m": 1' + "0" * 400 + "}}",
        ),
        field="answers.width_m",
        message="Enter a number",
        tags=("bug",),
    ),
    Case(
        "impossible date as a datetime answer",
        "text",
        json=report(category="air-mati", answers={"since": "2026-13-45T10:00:00+07:00"}),
        field="answers.since",
        message="Enter a date and time",
        tags=("bug",),
    ),
    Case(
        "email with a header injection",
        "text",
        json=report(reporter={"email": "warga@contoh.id\r\nBcc: semua@contoh.id"}),
        field="reporter",
        message="Enter a valid email address",
    ),
    Case(
        "SQL in the phone number",
        "text",
        json=report(reporter={"phone": "0812' OR '1'='1"}),
        field="reporter",
        message="Enter a phone number",
    ),
    Case("description as an object", "text", json=report(description={"$gt": ""}), field="description"),
    Case(
        "answers as a list",
        "text",
        json=report(answers=[{"problem": "dumping"}]),
        field="answers",
        message="Answers must be an object",
    ),
    Case(
        "answers as deeply nested JSON in a multipart form",
        "text",
        **multipart(answers="[" * 100_000 + "]" * 100_000),
        field="answers",
        tags=("bug",),
    ),
    Case(
        "staff reply of 10,000 characters",
        "text",
        path="/api/reports/{report}/comments/",
        as_staff=True,
        json={"message": "x" * 10_000},
        field="message",
        message="no more than 4000 characters",
    ),
    Case(
        "right-to-left override in an internal note",
        "text",
        path="/api/reports/{report}/comments/",
        as_staff=True,
        json={"message": f"catatan {RLO}tahasar", "internal": True},
        field="message",
        message="control or text-direction characters",
    ),
    Case(
        "NUL in a rejection reason",
        "text",
        path="/api/reports/{report}/transition/",
        as_staff=True,
        json={"status": "rejected", "version": 1, "message": "bukan\x00wewenang"},
        field="message",
        message="Null characters are not allowed",
    ),
    Case(
        "referral to an agency named with a NUL",
        "text",
        path="/api/reports/{report}/transition/",
        as_staff=True,
        json={"status": "referred", "version": 1, "agency": "pln\x00"},
        field="agency",
    ),
    Case(
        "duplicate of a code holding a NUL",
        "text",
        path="/api/reports/{report}/transition/",
        as_staff=True,
        json={"status": "duplicate", "version": 1, "duplicate_of": "ABCD\x00EFGH"},
        field="duplicate_of",
    ),
    Case(
        "assignee named with a NUL",
        "text",
        path="/api/reports/{report}/assign/",
        as_staff=True,
        json={"version": 1, "assignee": "dishub\x00crew"},
        field="assignee",
    ),
    Case(
        "reporter message of 10,000 characters",
        "text",
        path="/api/reports/{report}/reporter/",
        json={"token": "x", "action": "reopen", "message": "m" * 10_000},
        field="message",
        message="no more than 4000 characters",
    ),
    Case(
        "device id of 10,000 characters for a +1",
        "text",
        path="/api/reports/{report}/support/",
        json={"device_id": "d" * 10_000},
        field="device_id",
        message="no more than 100 characters",
    ),
]

# --- parameters -----------------------------------------------------------------------------------------

TEXT_Q = "Ensure this field has no more than 100 characters"
PARAMETERS = [
    Case(
        "reversed bbox",
        "parameter",
        method="GET",
        params={"bbox": "112.6,-7.8,112.5,-7.9"},
        field="bbox",
        message="reversed",
    ),
    Case("bbox of NaNs", "parameter", method="GET", params={"bbox": "nan,nan,nan,nan"}, field="bbox"),
    Case(
        "bbox of five numbers",
        "parameter",
        method="GET",
        path="/api/reports/map/",
        params={"bbox": "112.5,-7.9,112.6,-7.8,3"},
        field="bbox",
    ),
    Case(
        "bbox beyond the poles",
        "parameter",
        method="GET",
        path="/api/reports/export.geojson",
        params={"bbox": "112.5,-100,112.6,100"},
        field="bbox",
    ),
    Case(
        "page size of a trillion",
        "parameter",
        method="GET",
        params={"page_size": "1000000000000"},
        field="page_size",
        message="between 1 and 1000",
    ),
    Case("negative page size", "parameter", method="GET", params={"page_size": "-1"}, field="page_size"),
    Case("page zero", "parameter", method="GET", params={"page": "0"}, status=404, message="Invalid page"),
    Case("since that is not a date", "parameter", method="GET", params={"since": "kemarin"}, field="since"),
    Case("unknown status", "parameter", method="GET", params={"status": "lost"}, field="status"),
    Case("NUL in the search box", "parameter", method="GET", params={"q": "lampu\x00"}, field="q"),
    Case(
        "NUL in the category filter",
        "parameter",
        method="GET",
        path="/api/reports/map/",
        params={"category": "\x00"},
        field="category",
    ),
    Case(
        "negative radius for nearby tickets",
        "parameter",
        method="GET",
        path="/api/reports/nearby/",
        as_staff=True,
        params={"lon": "112.529", "lat": "-7.876", "radius": "-5"},
        field="radius",
        message="between 1 and 20,000",
    ),
    Case(
        "radius of 1e308",
        "parameter",
        method="GET",
        path="/api/reports/nearby/",
        as_staff=True,
        params={"lon": "112.529", "lat": "-7.876", "radius": "1e308"},
        field="radius",
    ),
    Case(
        "nearby limit of a million",
        "parameter",
        method="GET",
        path="/api/reports/nearby/",
        as_staff=True,
        params={"lon": "112.529", "lat": "-7.876", "limit": "1000000"},
        field="limit",
    ),
    Case(
        "NUL as the inbox's agency",
        "parameter",
        method="GET",
        path="/api/staff/inbox/",
        as_staff=True,
        params={"agency": "\x00"},
        field="agency",
        tags=("bug",),
    ),
    Case(
        "unknown status in the inbox",
        "parameter",
        method="GET",
        path="/api/staff/inbox/",
        as_staff=True,
        params={"status": "lost"},
        field="status",
    ),
    Case(
        "areas at longitude 1e308",
        "parameter",
        method="GET",
        path="/api/areas/",
        params={"lon": "1e308", "lat": "-7.87"},
        field="lon",
    ),
    Case(
        "place search of 1,500 characters",
        "parameter",
        method="GET",
        path="/api/geocode/",
        params={"q": "batu " * 300},
        field="q",
        message=TEXT_Q,
    ),
    Case(
        "boundaries of an unknown kind",
        "parameter",
        method="GET",
        path="/api/boundaries/",
        params={"kind": "planet"},
        field="kind",
    ),
    Case(
        "statistics grouped by nonsense",
        "parameter",
        method="GET",
        path="/api/stats/",
        params={"group": "astrology"},
        field="group",
    ),
    Case(
        "OGC API limit below one",
        "parameter",
        method="GET",
        path="/ogcapi/collections/reports/items",
        params={"limit": "-1"},
        message="limit must be a whole number",
    ),
    Case(
        "OGC API offset of 10^13",
        "parameter",
        method="GET",
        path="/ogcapi/collections/reports/items",
        params={"offset": "10000000000000"},
        message="offset must be a whole number",
    ),
    Case(
        "OGC API reversed bbox",
        "parameter",
        method="GET",
        path="/ogcapi/collections/reports/items",
        params={"bbox": "112.6,-7.8,112.5,-7.9"},
        message="bbox is reversed",
    ),
    Case(
        "OGC API reversed datetime interval",
        "parameter",
        method="GET",
        path="/ogcapi/collections/reports/items",
        params={"datetime": "2026-06-01T00:00:00Z/2026-01-01T00:00:00Z"},
        message="datetime is reversed",
    ),
    Case(
        "Open311 page size of zero",
        "parameter",
        method="GET",
        path="/open311/v2/requests.json",
        params={"page_size": "0"},
        message="page_size must be between 1 and 1000",
    ),
    Case(
        "Open311 window of ten years",
        "parameter",
        method="GET",
        path="/open311/v2/requests.json",
        params={"start_date": "2016-01-01T00:00:00+07:00", "end_date": "2026-01-01T00:00:00+07:00"},
        message="at most 90 days apart",
    ),
    Case(
        "Open311 latitude of 1e999",
        "parameter",
        path="/open311/v2/requests.json",
        data={
            "service_code": "sampah",
            "lat": "1e999",
            "long": "112.5",
            "attribute[problem]": "dumping",
            "api_key": "{api_key}",
        },
        message="Latitude must be between -90 and 90",
    ),
    Case(
        "Open311 service code holding a NUL",
        "parameter",
        path="/open311/v2/requests.json",
        data={"service_code": "sampah\x00", "lat": "-7.8763", "long": "112.529", "api_key": "{api_key}"},
        status=404,
        message="Unknown service_code",
    ),
]

REFUSED = GEOMETRY + PHOTOS + TEXT + PARAMETERS


# --- hostile-looking but legitimate ------------------------------------------------------------------


def _polyglot_zip() -> bytes:
    """A valid JPEG followed by a ZIP archive (readers of either format accept the file)."""
    archive = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("muatan.html", "<script>alert('zip')</script>")
    return images.phone_photo() + archive.getvalue()


def _polyglot_html() -> bytes:
    """A valid JPEG whose comment segment holds an HTML page with a script."""
    data = images.phone_photo()
    comment = b"<html><body><script>alert('polyglot')</script></body></html>"
    segment = b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment
    return data[:2] + segment + data[2:]


SCRIPT = "<script>alert('lapor')</script><img src=x onerror=alert(1)>"


@dataclass(frozen=True)
class DataCase:
    name: str
    properties: dict = dataclasses.field(default_factory=dict)
    photos: tuple = ()
    stored: str = ""  # the text that must be stored and returned exactly
    forbidden_in_photo: tuple[bytes, ...] = ()


ACCEPTED_AS_DATA = [
    DataCase(
        "HTML and script in the description",
        {"description": f"Sampah menumpuk {SCRIPT}"},
        stored=f"Sampah menumpuk {SCRIPT}",
    ),
    DataCase(
        "SQL in the description",
        {"description": "x'); DROP TABLE geo_reports_report; --"},
        stored="x'); DROP TABLE geo_reports_report; --",
    ),
    DataCase(
        "right-to-left mark in Arabic-script text",
        {"description": "Sampah di depan masjid \u200fمسجد\u200f"},
        stored="Sampah di depan masjid \u200fمسجد\u200f",
    ),
    DataCase(
        "a JPEG that is also a ZIP archive",
        photos=(("foto.jpg", _polyglot_zip(), "image/jpeg"),),
        forbidden_in_photo=(b"PK\x03\x04", b"muatan.html", b"<script"),
    ),
    DataCase(
        "a JPEG that is also an HTML page",
        photos=(("foto.jpg", _polyglot_html(), "image/jpeg"),),
        forbidden_in_photo=(b"<html", b"<script"),
    ),
]
