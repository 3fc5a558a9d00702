"""How the items are read: a fixed number of queries whatever the page size (no query per feature),
GeoJSON built by PostgreSQL, and the spatial index used for bbox."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ogcapi.catalogue import collection_by_id
from ogcapi.params import items_query
from ogcapi.selectors import feature_page

pytestmark = pytest.mark.django_db

TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


def data_queries(client, path: str, **params) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params)
    assert response.status_code == 200
    return [q["sql"] for q in captured.captured_queries if not q["sql"].startswith(TRANSACTION_CONTROL)]


@pytest.mark.parametrize(
    ("path", "large_limit", "expected"),
    [
        # the layer, the settings of the page query, the page, the count
        ("/ogcapi/collections/street_lights/items", 1000, 4),
        # no layer to look up (28 areas: both pages are full, so both are counted)
        ("/ogcapi/collections/areas/items", 25, 3),
    ],
)
def test_an_items_request_costs_the_same_few_queries_whatever_the_limit(client, path, large_limit, expected):
    small = data_queries(client, path, limit=5)
    large = data_queries(client, path, limit=large_limit)
    large_html = data_queries(client, path, limit=large_limit, f="html")
    assert len(small) == len(large) == len(large_html) <= expected
    page = next(sql for sql in large if "json_build_object" in sql)
    assert "ST_AsGeoJSON" in page


def test_a_last_page_needs_no_count(client):
    queries = data_queries(client, "/ogcapi/collections/areas/items", limit=1000)
    assert not any("COUNT(" in sql.upper() for sql in queries)
    queries = data_queries(client, "/ogcapi/collections/areas/items", limit=5)
    assert sum("COUNT(" in sql.upper() for sql in queries) == 1


def test_a_single_feature_is_one_query(client):
    from districts.models import Area

    area = Area.objects.order_by("pk").first()
    assert len(data_queries(client, f"/ogcapi/collections/areas/items/{area.pk}")) == 1


def test_bbox_is_an_st_intersects_that_can_use_the_spatial_index():
    collection = collection_by_id("street_lights")
    query = items_query({"bbox": "112.515,-7.89,112.535,-7.87", "limit": "10"})
    with CaptureQueriesContext(connection) as captured:
        page = feature_page(collection, query)
    assert page.number_returned == 10 < page.number_matched
    statements = [q["sql"] for q in captured.captured_queries]
    assert any("json_build_object" in sql and "ST_Intersects" in sql for sql in statements)
    count = next(sql for sql in statements if sql.upper().startswith("SELECT COUNT("))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # tables this small would otherwise be scanned
        cursor.execute("EXPLAIN " + count)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "districts_asset_geom" in plan, plan
