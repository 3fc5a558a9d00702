"""A public report as a GeoJSON Feature built by PostgreSQL: the shape ReportFeatureSerializer gives
(in the request's language, `asset.geometry` null as in lists), as one SQL expression, so that a page
of the report list costs one query and no serializer (selectors.report_public_features). The tests
compare the two for every report they make (tests/geo_reports/test_report_pages.py)."""

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Expression,
    ExpressionWrapper,
    F,
    Func,
    JSONField,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Concat, Now, NullIf
from django.utils.translation import get_language

from common.geojson_sql import (
    COORDINATE_DECIMALS,
    GeoJSONGeometry,
    JSONBuildArray,
    JSONBuildObject,
    JSONTruthy,
    LocalTimestamp,
    Rounded,
)
from districts.spatial import Latitude, Longitude

from .models import CategoryQuestion, ReportCoHandler, ReportPhoto, Status
from .workflow import OPEN_STATUSES

JSON_NULL = RawSQL("NULL::json", (), output_field=JSONField())
AREA_PREFIXES = {"kota": "Kota", "kecamatan": "Kec.", "desa": "Desa", "kelurahan": "Kel."}  # districts.Area.label
# A member that is absent or JSON null: what Python's dict.get() reads as None.
ABSENT = "coalesce(jsonb_typeof({member}), 'null') = 'null'"


class _Template(Func):
    """SQL written around its arguments, each named by position ({0}, {1}...) and used once."""

    sql = ""
    output_field = JSONField()

    def as_sql(self, compiler, connection, **extra_context):
        parts, params = [], []
        for expression in self.get_source_expressions():
            part, part_params = compiler.compile(expression)
            parts.append((part, part_params))
        order = sorted(range(len(parts)), key=lambda index: self.sql.index(f"{{{index}}}"))
        for index in order:
            params.extend(parts[index][1])
        return "(" + self.sql.format(*(part for part, _params in parts)) + ")", params


class RoutingAsset(_Template):
    """ReportFeatureSerializer.asset (outputs.asset_ref) from the stored decision `{0}` and whether the
    asset is synthetic `{1}`: null when the decision names no asset."""

    def as_sql(self, compiler, connection, **extra_context):
        # The stored decision is a column (no parameters): it may be written out several times.
        routing, _params = compiler.compile(self.get_source_expressions()[0])
        synthetic, params = compiler.compile(self.get_source_expressions()[1])
        sql = (
            f"CASE WHEN {ABSENT.format(member=f'{routing} -> ' + chr(39) + 'asset' + chr(39))} THEN NULL ELSE "
            f"json_build_object('layer', {routing} -> 'layer', 'external_id', {routing} -> 'asset', "
            f"'distance_m', {routing} -> 'distance_m', 'synthetic', {synthetic}, 'geometry', NULL) END"
        )
        return f"({sql})", params


class RoutingBrief(_Template):
    """ReportFeatureSerializer.routing (RoutingDecisionSerializer.of) from the stored decision `{0}`
    and the two explanations."""

    def as_sql(self, compiler, connection, **extra_context):
        (routing, _), (explanation, p1), (explanation_en, p2) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        rule = f"{routing} -> 'rule'"
        alternatives = f"{routing} -> 'alternatives'"
        sql = (
            f"json_build_object('explanation', {explanation}, 'explanation_en', {explanation_en}, "
            f"'reason', {routing} -> 'reason', "
            f"'rule', CASE WHEN {ABSENT.format(member=rule)} THEN NULL ELSE jsonb_build_object("
            f"'id', {rule} -> 'id', 'area', {rule} -> 'area', 'asset_condition', {rule} -> 'asset_condition', "
            f"'priority', {rule} -> 'priority', 'note', {rule} -> 'note') END, "
            f"'flags', coalesce({routing} -> 'flags', '[]'::jsonb), "
            f"'alternatives', json_build_object('areas', coalesce({alternatives} -> 'areas', '[]'::jsonb), "
            f"'assets', coalesce({alternatives} -> 'assets', '[]'::jsonb)))"
        )
        return f"({sql})", [*p1, *p2]


class PublicAnswers(_Template):
    """The answers `{0}` to the questions among `{1}` (selectors.report_answers for the public)."""

    sql = (
        "SELECT coalesce(jsonb_object_agg(a.key, a.value), '{{}}'::jsonb) FROM jsonb_each({0}) a WHERE a.key = ANY({1})"
    )


def _area_brief(prefix: str) -> Expression:
    label = Concat(
        Case(*[When(**{f"{prefix}__kind": kind}, then=Value(word)) for kind, word in AREA_PREFIXES.items()]),
        Value(" "),
        F(f"{prefix}__name"),
        output_field=CharField(),
    )
    brief = {"code": F(f"{prefix}__code"), "name": F(f"{prefix}__name"), "kind": F(f"{prefix}__kind"), "label": label}
    return Case(When(**{f"{prefix}__isnull": True}, then=JSON_NULL), default=JSONBuildObject(brief))


def _agency_brief(agency: str) -> dict:
    return {"code": F(f"{agency}__code"), "name": F(f"{agency}__name"), "short_name": F(f"{agency}__short_name")}


def public_feature(*, photo_base: str) -> Expression:
    """One public report as a GeoJSON Feature (json). `photo_base`: the absolute address of the media
    files, to which the photos' names are appended."""
    english = (get_language() or "id").startswith("en")
    category_name = (
        Coalesce(NullIf("category__name_en", Value("")), "category__name") if english else F("category__name")
    )
    status_label = Case(*[When(status=status, then=Value(str(status.label))) for status in Status], default="status")
    co_handlers = (
        ReportCoHandler.objects.filter(report_id=OuterRef("pk"))
        .order_by("created_at", "id")
        .values(brief=JSONBuildObject(_agency_brief("agency")))
    )
    photos = (
        ReportPhoto.objects.filter(report_id=OuterRef("pk"), update__isnull=True, is_public=True)
        .order_by("created_at", "id")
        .values(
            photo=JSONBuildObject(
                {
                    "url": Concat(Value(photo_base), "image", output_field=CharField()),
                    "thumbnail_url": Concat(Value(photo_base), "thumbnail", output_field=CharField()),
                    "width": F("width"),
                    "height": F("height"),
                }
            )
        )
    )
    public_questions = CategoryQuestion.objects.filter(
        category_id=OuterRef("category_id"), visibility=CategoryQuestion.Visibility.PUBLIC
    ).values("code")
    moments = ("acknowledge_due", "resolve_due")
    later = ("first_response_at", "resolved_at", "closed_at", "created_at", "updated_at")
    category = {
        "code": F("category__code"),
        "name": category_name,
        "icon": F("category__icon"),
        "group": F("category__group"),
    }
    properties = {
        "id": F("pk"),
        "tracking_code": F("tracking_code"),
        "status": F("status"),
        "status_label": status_label,
        "is_open": ExpressionWrapper(Q(status__in=OPEN_STATUSES), output_field=BooleanField()),
        "category": JSONBuildObject(category),
        "agency": Case(When(agency__isnull=True, then=JSON_NULL), default=JSONBuildObject(_agency_brief("agency"))),
        "co_handling_agencies": ArraySubquery(co_handlers),
        "areas": JSONBuildObject({"desa": _area_brief("desa"), "kecamatan": _area_brief("kecamatan")}),
        "asset": RoutingAsset(F("routing"), JSONTruthy(F("asset__attributes"), "synthetic")),
        "routing": RoutingBrief(F("routing"), F("routing_explanation"), F("routing_explanation_en")),
        "description": F("description"),
        "answers": PublicAnswers(F("answers"), ArraySubquery(public_questions)),
        "support_count": F("support_count"),
        "location": JSONBuildArray(
            Rounded(Longitude("location"), COORDINATE_DECIMALS), Rounded(Latitude("location"), COORDINATE_DECIMALS)
        ),
        "photos": ArraySubquery(photos),
        **{name: LocalTimestamp(name) for name in moments},
        "overdue": ExpressionWrapper(
            Q(status__in=OPEN_STATUSES, resolve_due__isnull=False, resolve_due__lt=Now()), output_field=BooleanField()
        ),
        **{name: LocalTimestamp(name) for name in later},
        "version": F("version"),
    }
    feature = {
        "type": Value("Feature"),
        "id": F("pk"),
        "geometry": GeoJSONGeometry(F("geometry")),
        "properties": JSONBuildObject(properties),
    }
    return JSONBuildObject(feature)
