"""Exports of reports: GeoJSON (RFC 7946) and CSV, streamed row by row from a server-side cursor,
so memory stays flat however many reports match; and a GeoPackage made from that GeoJSON.

Each GeoJSON feature is built by PostgreSQL itself (common.geojson_sql: json_build_object,
ST_AsGeoJSON) and arrives as text; Python only joins the pieces. Private fields (the reporter's
contact, the assignee) are in the row only for reports the reader may see privately
(analytics.selectors.report_export_scope), decided in the same query. Times are written in WIB with
their offset (2026-12-06T12:10:43+07:00), as every page shows them.
"""

import csv
import io
import logging
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from django.db.models import Case, F, Func, JSONField, Q, QuerySet, TextField, Value, When
from django.utils.translation import gettext as _

from common.errors import ApplicationError
from common.geojson_sql import COORDINATE_DECIMALS, JSONBBuildObject, JSONBuildObject, LocalTimestamp, feature_text
from districts.spatial import Latitude, Longitude
from geo_reports.models import Report

logger = logging.getLogger(__name__)

CHUNK = 5000
# ogr2ogr must finish within a worker's time (gunicorn --timeout 60, scripts/run.sh), leaving time to
# send the file: past this the export is refused rather than the worker killed.
GEOPACKAGE_SECONDS = 45

PUBLIC_PROPERTIES = {
    "tracking_code": F("tracking_code"),
    "status": F("status"),
    "category": F("category__code"),
    "category_name": F("category__name"),
    "agency": F("agency__code"),
    "agency_name": F("agency__name"),
    "desa": F("desa__name"),
    "desa_code": F("desa__code"),
    "kecamatan": F("kecamatan__name"),
    "description": F("description"),
    "support_count": F("support_count"),
    "created_at": LocalTimestamp("created_at"),
    "resolve_due": LocalTimestamp("resolve_due"),
    "first_response_at": LocalTimestamp("first_response_at"),
    "resolved_at": LocalTimestamp("resolved_at"),
    "closed_at": LocalTimestamp("closed_at"),
    "asset": F("routing__asset"),
    "routing": F("routing_explanation"),
}
CSV_COLUMNS = ["id", "lon", "lat", "wkt", *PUBLIC_PROPERTIES]
PRIVATE_COLUMNS = ["reporter_name", "reporter_phone", "reporter_email", "assigned_to", "channel"]


def _private_condition(private_agencies) -> Q | None:
    """Rows whose private fields this reader may see: None = none, [] never, all = Q()."""
    if private_agencies is None:
        return None
    if private_agencies == "all":
        return Q()
    return Q(agency__in=private_agencies)


def _private_value(expression, condition: Q | None):
    if condition is None:
        return Value(None, output_field=TextField())
    if condition == Q():
        return expression
    return Case(When(condition, then=expression), default=Value(None), output_field=TextField())


def geojson_chunks(reports: QuerySet[Report], *, private_agencies=None) -> Iterator[str]:
    condition = _private_condition(private_agencies)
    properties = dict(PUBLIC_PROPERTIES)
    if condition is not None:
        properties["reporter"] = Case(
            When(
                (condition & Q(contact__isnull=False)) if condition != Q() else Q(contact__isnull=False),
                then=JSONBBuildObject(
                    {"name": F("contact__name"), "phone": F("contact__phone"), "email": F("contact__email")}
                ),
            ),
            default=Value(None, output_field=JSONField()),
            output_field=JSONField(),
        )
        properties["assigned_to"] = _private_value(F("assigned_to__username"), condition)
    feature = feature_text(geometry="geometry", properties=JSONBuildObject(properties))
    rows = reports.order_by("id").annotate(feature_text=feature).values_list("feature_text", flat=True)
    yield '{"type": "FeatureCollection", "features": [\n'
    first = True
    batch = []
    for text in rows.iterator(chunk_size=CHUNK):
        batch.append(text if first else ",\n" + text)
        first = False
        if len(batch) >= 500:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)
    yield "\n]}\n"


def csv_chunks(reports: QuerySet[Report], *, private_agencies=None) -> Iterator[str]:
    condition = _private_condition(private_agencies)
    columns = list(CSV_COLUMNS) + (PRIVATE_COLUMNS if condition is not None else [])
    annotations = {
        "lon": Longitude("location"),
        "lat": Latitude("location"),
        "wkt": Func(F("geometry"), COORDINATE_DECIMALS, function="ST_AsText", output_field=TextField()),
        **{f"p_{name}": expression for name, expression in PUBLIC_PROPERTIES.items()},
    }
    if condition is not None:
        annotations.update(
            {
                "x_reporter_name": _private_value(F("contact__name"), condition),
                "x_reporter_phone": _private_value(F("contact__phone"), condition),
                "x_reporter_email": _private_value(F("contact__email"), condition),
                "x_assigned_to": _private_value(F("assigned_to__username"), condition),
                "x_channel": _private_value(F("channel"), condition),
            }
        )
    names = ["id", "lon", "lat", "wkt", *(f"p_{n}" for n in PUBLIC_PROPERTIES)]
    if condition is not None:
        names += [f"x_{n}" for n in PRIVATE_COLUMNS]
    rows = reports.order_by("id").annotate(**annotations).values_list(*names)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for index, row in enumerate(rows.iterator(chunk_size=CHUNK), start=1):
        writer.writerow(_csv_value(value) for value in row)
        if index % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.7f}"
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        # A spreadsheet would run a cell starting so as a formula; quote it as text.
        return "'" + value
    return value


class ExportTooLarge(ApplicationError):
    """More reports than can be written as a GeoPackage within a request: the other formats stream."""

    status = 503
    default_code = "export_too_large"


def geopackage_file(reports: QuerySet[Report], *, private_agencies=None) -> BinaryIO:
    """The reports as a GeoPackage (one layer, `reports`, WGS84, `id` the report's id), open for reading.

    GDAL's ogr2ogr writes it from the GeoJSON export (the same features, fields and privacy rule),
    read as it is: times stay text with their offset (a GeoPackage DATETIME is UTC, and GDAL would
    write +07:00 there in breach of the standard), and the reporter's contact becomes
    reporter_name, reporter_phone and reporter_email as in the CSV. Django's GDAL bindings cannot
    write, and a hand-written GeoPackage would have to redo what GDAL does (the geometry blobs, the
    R-tree index with its triggers, the metadata tables).

    A GeoPackage is an SQLite file, written with seeks: it cannot be streamed while it is made. The
    GeoJSON and the GeoPackage are written to a temporary folder (memory stays flat), removed before
    the file is returned: the open file stays readable and its space is freed when it is closed."""
    folder = Path(tempfile.mkdtemp(prefix="lapor-export-"))
    try:
        source, target = folder / "reports.geojson", folder / "reports.gpkg"
        with source.open("w", encoding="utf-8") as out:
            out.writelines(geojson_chunks(reports, private_agencies=private_agencies))
        command = [
            "ogr2ogr", "-f", "GPKG", str(target), str(source),
            "-nln", "reports", "-preserve_fid", "-lco", "FID=id",
            "-oo", "DATE_AS_STRING=YES", "-oo", "FLATTEN_NESTED_ATTRIBUTES=YES", "-oo", "NESTED_ATTRIBUTE_SEPARATOR=_",
        ]  # fmt: skip
        try:
            # A fixed command: its only arguments of ours are the two paths made above.
            result = subprocess.run(  # noqa: S603
                command, capture_output=True, text=True, timeout=GEOPACKAGE_SECONDS, check=False
            )
        except subprocess.TimeoutExpired:
            logger.warning(
                "GeoPackage export of %d bytes of GeoJSON took over %d s", source.stat().st_size, GEOPACKAGE_SECONDS
            )
            raise ExportTooLarge(
                _("Too many reports to make a GeoPackage in time: narrow the filters, or export GeoJSON or CSV.")
            ) from None
        if result.returncode != 0:
            raise RuntimeError(f"ogr2ogr could not write the GeoPackage: {result.stderr[-2000:]}")
        return target.open("rb")
    finally:
        shutil.rmtree(folder)
