"""The device a "+1" counts for: a random id the server issues in a signed cookie (HttpOnly,
SameSite=Lax, kept a year). A client cannot choose its id (the signature, made with the secret key,
proves the server issued it), so making up ids no longer makes up supporters; a client that drops
its cookie before each "+1" is given a new one, and one address is given at most
LAPOR_RATE_NEW_DEVICES new ones an hour (abuse.guard_new_device). The `device_id` older pages send
in the body is ignored."""

import secrets

from django.conf import settings

COOKIE = "lapor_device"
SALT = "geo_reports.devices"
MAX_AGE = 365 * 24 * 60 * 60


def device_of(request) -> str | None:
    """The device id of the request's cookie; None without one, or with one the server did not sign
    or issued more than a year ago."""
    return request.get_signed_cookie(COOKIE, default=None, salt=SALT, max_age=MAX_AGE) or None


def device_new() -> str:
    return secrets.token_urlsafe(18)


def device_remember(response, device: str) -> None:
    """Give the browser its device id; scripts never read it (HttpOnly), other sites' requests do
    not carry it (SameSite=Lax)."""
    response.set_signed_cookie(
        COOKIE,
        device,
        salt=SALT,
        max_age=MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
