"""GET /healthz: 200 naming PostGIS when the database answers, 503 when it does not."""

import httpx

from tests.conftest import AppServer


def test_healthz_names_the_postgis_version(api):
    response = api.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["postgis"].startswith("3.")
    assert body["postgres"].startswith("15")
    assert "no-cache" in response.headers["Cache-Control"] or "max-age=0" in response.headers["Cache-Control"]


def test_healthz_is_503_when_the_database_is_unreachable():
    from tests.conftest import free_port

    closed = free_port()  # nothing listens there
    app = AppServer({"DATABASE_URL": f"postgis://nobody@127.0.0.1:{closed}/nothing"}, "nodb")
    try:
        app.wait_until_up()
        response = httpx.get(app.url + "/healthz", timeout=30)
        assert response.status_code == 503
        assert response.json()["status"] == "unavailable"
        assert response.headers["Retry-After"] == "5"
        # The server itself keeps serving.
        assert httpx.get(app.url + "/healthz", timeout=30).status_code == 503
    finally:
        app.stop()
