"""Fixtures of the city information tests: staff of the labour and trade agencies, an outlet's feed
server on loopback, and the browser fixtures of tests/web."""

import pytest

from tests.conftest import STAFF_PASSWORD
from tests.web.conftest import axe_violations, desktop, new_phone, phone, screenshot  # noqa: F401

from .news_server import FeedServer

# username → (role, agency code); added to the project's staff_users.
INFO_STAFF = {
    "disnaker-operator": ("operator", "disnaker"),
    "diskumdag-operator": ("operator", "diskumdag"),
    "diskominfo-supervisor": ("supervisor", "diskominfo"),
}


@pytest.fixture(scope="session")
def info_staff(committed, staff_users) -> dict[str, str]:
    """The project's staff users plus operators of Disnaker and Diskumdag and a Diskominfo supervisor,
    committed; username → API token. Password: STAFF_PASSWORD."""
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from districts.models import Agency, Membership

    tokens = dict(staff_users)
    with committed():
        for username, (role, agency_code) in INFO_STAFF.items():
            user, created = get_user_model().objects.get_or_create(
                username=username, defaults={"email": f"{username}@contoh.go.id"}
            )
            if created:
                user.set_password(STAFF_PASSWORD)
                user.save()
            Membership.objects.get_or_create(user=user, agency=Agency.objects.get(code=agency_code), role=role)
            tokens[username] = Token.objects.get_or_create(user=user)[0].key
    return tokens


@pytest.fixture(scope="session")
def feed_server():
    """News outlets' web server on loopback (tests/city_info/news_server.py)."""
    server = FeedServer()
    yield server
    server.stop()


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Token {token}"}


def wider_than_the_phone(page) -> list[str]:
    """Elements that stick out to the right of a 360 px page (empty when the page fits).

    Measured once the page has loaded: a click that submits a form returns while the next page is
    still arriving, and a layout taken before site.css applies is not the one people see."""
    page.wait_for_load_state("load")
    return page.evaluate(
        """() => document.documentElement.scrollWidth <= 360 ? [] : Array.from(document.querySelectorAll('body *'))
            .filter(e => e.getBoundingClientRect().right > 360.5)
            .slice(0, 6)
            .map(e => `${e.tagName.toLowerCase()}#${e.id}.${e.className} → ${Math.round(e.getBoundingClientRect().right)}px`)"""
    ) or ([] if page.evaluate("document.documentElement.scrollWidth") <= 360 else ["(the page, by its scroll width)"])
