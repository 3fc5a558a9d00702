"""Whatever a client sends, the answer is a 200, a 400 or a 404, never a 500."""

import pytest

pytestmark = pytest.mark.django_db

ODD_VALUES = [
    "\x00",
    "9" * 400,
    "-0",
    "%",
    "é",
    "1,2,3,4\x00",
    "0001-01-01",
    "0001-01-01T00:00:00Z/..",
    "9999-12-31T23:59:59-05:00",
    "9999-12-31",
    "2024-02-30",
    "2024-05-01T08:00:00+25:00",
    "2024-05-01T08:00:00.1234567891Z",
    "-180,-90,180,90",
    "1883-07-25T19:32:09-21:58/..",  # an offset Python takes and PostgreSQL would refuse
    "0001-01-01T00:00:00+01:00",  # before the first moment Python can hold in UTC
    "..",
    "/",
    "status = 'submitted' AND " * 80 + "TRUE",  # long, and many ANDs
    "(" * 1000,
    "T_DURING(created_at, INTERVAL('0001-01-01', '9999-12-31'))",
    "created_at > TIMESTAMP('9999-12-31T23:59:59-12:00')",
    "updated_at = '0001-01-01T'",
]


@pytest.mark.parametrize("value", ODD_VALUES)
@pytest.mark.parametrize(
    "parameter", ["bbox", "datetime", "limit", "offset", "f", "filter", "filter-lang", "filter-crs"]
)
def test_odd_parameter_values_never_break_the_items(api, parameter, value):
    response = api.get("/ogcapi/collections/reports/items", params={parameter: value})
    assert response.status_code in (200, 400), (parameter, value, response.text[:300])
    body = response.json()
    if response.status_code == 400:
        assert set(body) == {"code", "description"} and body["description"]


@pytest.mark.parametrize(
    "path",
    [
        "/ogcapi/collections/%00",
        "/ogcapi/collections/%00/items",
        "/ogcapi/collections/" + "x" * 300 + "/items",
        "/ogcapi/collections/reports/items/%00",
        "/ogcapi/collections/reports/items/0",
        "/ogcapi/collections/reports/items/" + "9" * 19,
        "/ogcapi/collections/roads/items/1.5",
        "/ogcapi/collections/..%2F..%2Fetc/items",
    ],
)
def test_odd_paths_are_not_found(api, path):
    response = api.get(path)
    assert response.status_code == 404, response.text[:300]
