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
        # The server itself keeps serving, and says "try again shortly" everywhere, never 500.
        assert httpx.get(app.url + "/healthz", timeout=30).status_code == 503
        for path, kind in (
            ("/", "text/html"),
            ("/lacak/?kode=ABCD-1234", "text/html"),
            ("/en/layanan/", "text/html"),
            ("/api/categories/", "application/json"),
            ("/open311/v2/services.json", "application/json"),
            ("/open311/v2/services.xml", "xml"),
        ):
            answer = httpx.get(app.url + path, timeout=30)
            assert answer.status_code == 503, (path, answer.text[:300])
            assert answer.headers["Retry-After"] == "5", path
            assert kind in answer.headers["Content-Type"], path
            assert "Traceback" not in answer.text
        assert "Try again" in httpx.get(app.url + "/en/", timeout=30).text
        assert "Coba lagi" in httpx.get(app.url + "/", timeout=30).text
    finally:
        app.stop()


def test_a_nul_in_a_query_parameter_is_refused_everywhere(api):
    api_answer = api.get("/api/staff/inbox/", params={"agency": "\x00"})
    assert api_answer.status_code == 400
    assert "agency" in api_answer.json()["errors"] and "NUL" in api_answer.json()["detail"]
    open311 = api.get("/open311/v2/requests.json", params={"service_code": "a\x00b"})
    assert open311.status_code == 400 and open311.json()[0]["code"] == 400
    page = api.get("/lacak/", params={"kode": "\x00"})
    assert page.status_code == 400 and "NUL" in page.text
    english = api.get("/api/info/prices/", params={"commodity": "\x00", "lang": "en"})
    assert english.status_code == 400 and "holds a NUL character" in english.json()["detail"]
    assert api.get("/healthz").status_code == 200
