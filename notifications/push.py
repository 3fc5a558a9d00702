"""Web Push subscriptions: a reporter following their report (proven by the private link's token), a
staff member following their assignments and, for supervisors, their agency's overdue reports.

A subscription is personal data, kept only while it serves: deleted when its holder unsubscribes,
when the push service says it is gone, when the reporter's contact is erased (erasure.py) and once the
report it follows has ended (housekeeping). The endpoint is an address our worker will POST to, so it
must be a public https address: never loopback, a private network or a local name (unless
LAPOR_PUSH_ALLOW_LOCAL_ENDPOINTS is on, for tests and development); delivery.py checks the addresses
the name resolves to again before each push.
"""

import datetime as dt
import ipaddress
import socket
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from common.errors import ApplicationError
from geo_reports.models import OPEN_STATUSES, Report, Status
from geo_reports.services.base import reporter_token_matches
from geo_reports.services.reporter import ReporterError

from .models import Notification, PushSubscription
from .vapid import b64url_decode

# A report is worth following while something can still happen to it (a resolved one may be reopened).
FOLLOWABLE_STATUSES = (*OPEN_STATUSES, Status.RESOLVED)
# Bounds on what one report or one staff member may hold (the oldest go first).
MAX_PER_REPORT = 10
MAX_PER_USER = 10
ENDPOINT_MAX_LENGTH = 1000
# Names that only mean something inside a network.
LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa", ".intranet")


class PushRefused(ApplicationError):
    default_code = "push_refused"


def local_endpoints_allowed() -> bool:
    return settings.DEBUG or settings.LAPOR_PUSH_ALLOW_LOCAL_ENDPOINTS


def address_allowed(address: str) -> bool:
    """Whether the worker may POST to this IP address: a public one (loopback too, when local
    endpoints are allowed); never a private, link-local, reserved or shared one."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global or (ip.is_loopback and local_endpoints_allowed())


def endpoint_refusal(endpoint: str) -> str | None:
    """Why this endpoint is refused (a message for the person), or None when it may be stored."""
    allowed_local = local_endpoints_allowed()
    if len(endpoint) > ENDPOINT_MAX_LENGTH or not endpoint.isascii() or any(c.isspace() for c in endpoint):
        return _("The push endpoint is not a valid address.")
    try:
        parts = urlsplit(endpoint)
        port = parts.port
    except ValueError:
        return _("The push endpoint is not a valid address.")
    host = (parts.hostname or "").rstrip(".")
    if not host or parts.username is not None or parts.password is not None:
        return _("The push endpoint is not a valid address.")
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    is_loopback = literal.is_loopback if literal else host == "localhost"
    if parts.scheme != "https" and not (parts.scheme == "http" and allowed_local and is_loopback):
        return _("The push endpoint must be an https:// address of a push service.")
    if literal is not None:
        if not address_allowed(host):
            return _("The push endpoint must not point to a local or private network address.")
    elif host == "localhost" and allowed_local:
        pass
    elif "." not in host or host == "localhost" or host.endswith(LOCAL_SUFFIXES):
        return _("The push endpoint must not point to a local or private network address.")
    if port not in (None, 443) and not (allowed_local and is_loopback):
        return _("The push endpoint must use the standard https port.")
    return None


def endpoint_addresses_allowed(endpoint: str) -> bool:
    """At sending time: every address the endpoint's host resolves to is one we may POST to (a name
    may have been pointed at a private address since it was stored). OSError when it cannot be
    resolved now."""
    parts = urlsplit(endpoint)
    found = socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
    return bool(found) and all(address_allowed(info[4][0]) for info in found)


def p256dh_valid(text: str) -> bool:
    """The browser's public key: an uncompressed point on P-256 (65 bytes)."""
    try:
        raw = b64url_decode(text)
        if len(raw) != 65 or raw[0] != 4:
            return False
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except ValueError:
        return False
    return True


def auth_valid(text: str) -> bool:
    """The browser's authentication secret: 16 bytes."""
    try:
        return len(b64url_decode(text)) == 16
    except ValueError:
        return False


def _keep_newest(subscriptions, limit: int) -> None:
    stale = list(subscriptions.order_by("-created_at", "-pk").values_list("pk", flat=True)[limit:])
    if stale:
        PushSubscription.objects.filter(pk__in=stale).delete()


def _own_report(report_id: int, token: str) -> Report:
    report = Report.objects.select_for_update(of=("self",)).get(pk=report_id)
    if not reporter_token_matches(report, token):
        raise ReporterError(_("This private link is not valid for this report."), "bad_token")
    return report


@transaction.atomic
def push_reporter_subscribe(
    *, report_id: int, token: str, endpoint: str, p256dh: str, auth: str, language: str
) -> tuple[PushSubscription, bool]:
    """The reporter (holding the private link) has this browser told of the report's public changes.
    Subscribing again with the same endpoint changes its keys and language; (subscription, created)."""
    report = _own_report(report_id, token)
    if report.status not in FOLLOWABLE_STATUSES:
        raise PushRefused(_("The handling of this report has ended: there is nothing more to follow."), code="ended")
    subscription, created = PushSubscription.objects.update_or_create(
        endpoint=endpoint, report=report, defaults={"p256dh": p256dh, "auth": auth, "language": language}
    )
    _keep_newest(PushSubscription.objects.filter(report=report), MAX_PER_REPORT)
    return subscription, created


@transaction.atomic
def push_reporter_unsubscribe(*, report_id: int, token: str, endpoint: str) -> int:
    """This browser no longer follows the report; how many subscriptions were deleted (0 or 1)."""
    report = _own_report(report_id, token)
    deleted, _rows = PushSubscription.objects.filter(report=report, endpoint=endpoint).delete()
    return deleted


@transaction.atomic
def push_staff_subscribe(
    *, user, endpoint: str, p256dh: str, auth: str, language: str
) -> tuple[PushSubscription, bool]:
    """A staff member has this browser told of their assignments (and, for supervisors, of their
    agency's overdue reports). A browser serves one staff member: the last one who subscribed it."""
    subscription, created = PushSubscription.objects.update_or_create(
        endpoint=endpoint,
        user__isnull=False,
        defaults={"user": user, "p256dh": p256dh, "auth": auth, "language": language},
    )
    _keep_newest(PushSubscription.objects.filter(user=user), MAX_PER_USER)
    return subscription, created


@transaction.atomic
def push_staff_unsubscribe(*, user, endpoint: str) -> int:
    deleted, _rows = PushSubscription.objects.filter(user=user, endpoint=endpoint).delete()
    return deleted


def push_endpoint_gone(endpoint: str) -> int:
    """The push service says this endpoint no longer exists (404, 410): every subscription of it goes."""
    deleted, _rows = PushSubscription.objects.filter(endpoint=endpoint).delete()
    return deleted


def push_report_subscriptions_delete(*, report_ids: list[int]) -> int:
    """The reporters' subscriptions of these reports (their contact was erased)."""
    deleted, _rows = PushSubscription.objects.filter(report_id__in=report_ids).delete()
    return deleted


def push_subscriptions_ended(now: dt.datetime) -> int:
    """Housekeeping: reporters' subscriptions of reports whose handling has ended (nothing more can
    happen to them), once their last pushes have left."""
    waiting = Notification.objects.filter(
        report_id=OuterRef("report_id"), channel=Notification.Channel.REPORTER_PUSH, state=Notification.State.QUEUED
    )
    ended = PushSubscription.objects.filter(report__isnull=False).exclude(report__status__in=FOLLOWABLE_STATUSES)
    deleted, _rows = ended.exclude(Exists(waiting)).delete()
    return deleted
