"""Promise 2: bad input is refused clearly and writes nothing; the server keeps serving.

One test function drives the whole corpus (corpus.REFUSED): each case must get a 4xx whose body says
what is wrong (in English, asked for), name the field at fault where there is one, leave every table
as it was (reports, timeline, photos, contacts, idempotency keys, notifications, +1s, audit log,
tokens), and the server must answer /healthz right after.

What "refused" means for text that merely looks hostile (corpus.ACCEPTED_AS_DATA): a description
with HTML or a <script> tag, SQL, or a right-to-left mark inside Arabic-script words is what a citizen
may legitimately write (people quote signs and web pages; Batu has Arabic-script shop signs); refusing
it would lose reports and protect nothing, because the platform never interprets text: it stores it
verbatim and escapes it on every output. So those are accepted, must come back exactly as sent in
JSON, and must appear escaped (never as markup) in the HTML page. Bidirectional overrides and isolates
(U+202A-E, U+2066-9) and control characters are refused: they make text display as something other
than what it says. A photo that is also a ZIP archive or an HTML page is a real photo: it is accepted,
and because it is re-encoded from pixels the stored file contains nothing of the other format.
"""

import re

import httpx
import pytest

from . import records
from .conftest import auth, file_report, row_counts
from .corpus import ACCEPTED_AS_DATA, REFUSED, Case

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="session")
def open311_key(committed) -> str:
    from open311.services import api_key_create

    with committed():
        return api_key_create(client_name="Reliability corpus").key


def _message(response: httpx.Response) -> str:
    """The human-readable message of any of the three APIs' error shapes."""
    body = response.json()
    if isinstance(body, list):  # Open311: [{"code": 400, "description": "..."}]
        return " ".join(str(row.get("description", "")) for row in body)
    return str(body.get("detail") or body.get("description") or "")


def _send(api: httpx.Client, case: Case, report_id: int, token: str, api_key: str) -> httpx.Response:
    headers = {"Accept-Language": "en", **(auth(token) if case.as_staff else {})}
    path = case.path.format(report=report_id)
    if case.method == "GET":
        return api.get(path, params=case.params, headers=headers)
    if case.content is not None:
        return api.post(path, content=case.content, headers={**headers, "Content-Type": "application/json"})
    if case.data is not None:
        data = {
            key: value.format(api_key=api_key) if value == "{api_key}" else value for key, value in case.data.items()
        }
        return api.post(path, data=data, files=case.files, headers=headers)
    return api.post(path, json=case.json, headers=headers)


@pytest.fixture(scope="module")
def target_report(server) -> dict:
    """A report for the cases aimed at one report's endpoints (never changed: every case is refused)."""
    return file_report(server, description="Sasaran korpus masukan buruk.")


@pytest.mark.parametrize("case", REFUSED, ids=[case.name for case in REFUSED])
def test_bad_input_is_refused_and_writes_nothing(api, staff_users, open311_key, target_report, case):
    records.count(__name__, f"refused_{case.kind}")
    before = row_counts()
    records.note(__name__, tables_watched=len(before))
    response = _send(api, case, target_report["id"], staff_users["admin-test"], open311_key)
    records.count(__name__, "server_errors", int(response.status_code >= 500))

    assert response.status_code == case.status, (case.name, response.status_code, response.text[:500])
    assert response.headers["Content-Type"].startswith("application/json"), response.headers["Content-Type"]
    message = _message(response)
    assert message.strip(), (case.name, response.text[:500])
    assert "Traceback" not in response.text
    if case.message:
        assert case.message in response.text, (case.name, response.text[:500])
    if case.field:
        assert case.field in response.json()["errors"], (case.name, response.text[:500])
    assert row_counts() == before, case.name
    assert api.get("/healthz").status_code == 200


def test_the_corpus_is_big_enough():
    kinds = {
        kind: [case for case in REFUSED if case.kind == kind] for kind in ("geometry", "photo", "text", "parameter")
    }
    assert len(kinds["geometry"]) >= 25
    assert all(len(cases) >= 10 for cases in kinds.values()), {k: len(v) for k, v in kinds.items()}
    assert len({case.name for case in REFUSED}) == len(REFUSED), "case names must be unique"


@pytest.mark.parametrize("case", ACCEPTED_AS_DATA, ids=[case.name for case in ACCEPTED_AS_DATA])
def test_hostile_looking_data_is_stored_verbatim_and_shown_inert(api, server, staff_users, case):
    import json

    records.count(__name__, "accepted_as_data")

    if case.photos:
        response = api.post(
            "/api/reports/",
            data={
                "category": "sampah",
                "geometry": json.dumps({"type": "Point", "coordinates": [112.5290, -7.8763]}),
                "answers": json.dumps({"problem": "dumping"}),
            },
            files=[("photos", photo) for photo in case.photos],
        )
        assert response.status_code == 201, response.text[:500]
        photos = response.json()["properties"]["photos"]
        assert len(photos) == len(case.photos)
        for photo in photos:
            for url in (photo["url"], photo["thumbnail_url"]):
                served = api.get(url)
                assert served.status_code == 200 and served.headers["Content-Type"].startswith("image/")
                for marker in case.forbidden_in_photo:
                    assert marker not in served.content, (url, marker)
        return

    created = file_report(server, **case.properties)
    assert created["description"] == case.stored  # exactly as sent, in JSON
    private = api.get(f"/api/staff/reports/{created['id']}/", headers=auth(staff_users["admin-test"]))
    assert private.json()["properties"]["description"] == case.stored
    page = api.get(f"/laporan/{created['tracking_code']}/")
    assert page.status_code == 200
    if "<" in case.stored:
        assert case.stored not in page.text  # never as markup
        assert re.search(r"&lt;script&gt;alert\(&#x27;lapor&#x27;\)&lt;/script&gt;", page.text)
    else:
        assert case.stored.replace("'", "&#x27;") in page.text
