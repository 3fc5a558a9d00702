"""The reporter's name, phone and email never appear in any Open311 output."""

import pytest

from geo_reports.models import ReporterContact

from .helpers import CONTACT, FORMATS, created_id, post_request, request_form, url

pytestmark = pytest.mark.django_db

SECRETS = [
    CONTACT["first_name"],
    CONTACT["last_name"],
    CONTACT["email"],
    CONTACT["phone"],
    "Wiryaningsih",
    "Kusumawardhani",
    "contoh-unik",
    "5550",
    "7788",
]


def test_the_reporter_contact_never_appears_in_any_output(api, api_key, timeline_report):
    contact_fields = {k: CONTACT[k] for k in ("first_name", "last_name", "email", "phone")}
    posted = [
        post_request(api, fmt, request_form(description="Tolong segera.", **contact_fields), api_key=api_key)
        for fmt in FORMATS
    ]
    ids = [created_id(response, fmt) for response, fmt in zip(posted, FORMATS, strict=True)]
    ids.append(str(timeline_report["id"]))
    # The contact was stored, so its absence below means it was kept private, not lost.
    assert ReporterContact.objects.filter(report_id__in=[int(i) for i in ids], email=CONTACT["email"]).count() == 3

    outputs = [response.text for response in posted]
    for fmt in FORMATS:
        for lang in ("id", "en"):
            for extensions in ("false", "true"):
                params = {"lang": lang, "extensions": extensions}
                outputs.append(api.get(url("requests", fmt), params=params).text)
                outputs.append(
                    api.get(url("requests", fmt), params={**params, "service_request_id": ",".join(ids)}).text
                )
                outputs.extend(api.get(url(f"requests/{i}", fmt), params=params).text for i in ids)
            outputs.append(api.get(url(f"tokens/{timeline_report['tracking_code']}", fmt), params={"lang": lang}).text)
            outputs.append(api.get(url("servicerequestupdates", fmt), params={"lang": lang}).text)
            outputs.append(api.get(url("services", fmt), params={"lang": lang}).text)
    assert all(f"<service_request_id>{i}</service_request_id>" in "".join(outputs) for i in ids)
    for text in outputs:
        for secret in SECRETS:
            assert secret not in text
