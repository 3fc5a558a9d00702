"""API keys: issued once, stored as a hash, made in the admin or with a command."""

import re
from io import StringIO

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command

from open311.models import ApiKey, key_hash_of
from open311.selectors import api_key_active

pytestmark = pytest.mark.django_db


def test_the_admin_shows_a_new_key_once_and_stores_only_its_hash(admin_client):
    response = admin_client.post("/admin/open311/apikey/add/", {"client_name": "Aplikasi Warga", "is_active": "on"})
    assert response.status_code == 302, response.content[:500]
    (message,) = [str(m) for m in get_messages(response.wsgi_request) if "Kunci API" in str(m)]
    api_key = ApiKey.objects.get(client_name="Aplikasi Warga")
    key = re.search(r"[A-Za-z0-9_-]{32}", message)[0]
    assert (
        message
        == f"Kunci API untuk Aplikasi Warga adalah {key}. Salin sekarang: kunci ini tidak dapat ditampilkan lagi."
    )
    assert api_key.key_hash == key_hash_of(key) and key not in api_key.key_hash
    assert api_key.prefix == key[:8]
    assert api_key_active(key=key) == api_key
    # Shown on the page after saving, and never again.
    assert key.encode() in admin_client.get("/admin/open311/apikey/").content
    page = admin_client.get(f"/admin/open311/apikey/{api_key.pk}/change/")
    assert page.status_code == 200 and key.encode() not in page.content and api_key.prefix.encode() in page.content


def test_the_command_prints_a_working_key():
    out = StringIO()
    call_command("open311_api_key", "Aplikasi Kecamatan", stdout=out)
    key = out.getvalue().strip()
    assert len(key) >= 30
    found = api_key_active(key=key)
    assert found is not None and found.client_name == "Aplikasi Kecamatan"
    found.is_active = False
    found.save()
    assert api_key_active(key=key) is None
    assert api_key_active(key="x" * 500) is None
