"""Bounds on abuse: rate limits per IP, per device and per chat account, and the administrators'
blocklist.

Counters live in the database (one row per key and hour, incremented with an upsert), so every
gunicorn worker and every app server shares them; no cache server is needed.
"""

import datetime as dt
import hashlib
import ipaddress

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import Refused

from .models import Blocklist, RateCounter

WINDOW = dt.timedelta(hours=1)
# A counter (its key holds an IP address or a device id) is deleted once its window is this old: the
# privacy notice (/privasi/) states it.
COUNTERS_KEPT = 2 * WINDOW
TABLE = RateCounter._meta.db_table


def client_ip(request) -> str:
    """The client's address; behind LAPOR_TRUSTED_PROXIES reverse proxies, the one they saw."""
    proxies = settings.LAPOR_TRUSTED_PROXIES
    if proxies:
        forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            candidate = forwarded[-proxies]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                pass
    return request.META.get("REMOTE_ADDR", "")


# One statement for both bounds: the blocklist is looked up, and only a sender not on it is counted.
GUARD_SQL = f"""
WITH blocked AS (
    SELECT 1 FROM {Blocklist._meta.db_table} WHERE (kind, value) IN (SELECT * FROM unnest(%s::text[], %s::text[]))
    LIMIT 1
),
counted AS (
    INSERT INTO {TABLE} (key, window_start, count)
    SELECT %s, %s, 1 WHERE %s AND NOT EXISTS (SELECT 1 FROM blocked)
    ON CONFLICT (key, window_start) DO UPDATE SET count = {TABLE}.count + 1
    RETURNING count
)
SELECT EXISTS (SELECT 1 FROM blocked), (SELECT count FROM counted)
"""  # noqa: S608 (table names are constants)


def count_and_check(
    *,
    key: str,
    limit: int,
    now: dt.datetime | None = None,
    ip: str = "",
    phone: str = "",
    email: str = "",
    account: str = "",
) -> None:
    """Refused(403) when the sender (ip, phone, email, chat account) is on the blocklist; else count
    one more action for `key` (when given) in this hour, Refused(429) beyond `limit`."""
    now = now or timezone.now()
    window_start = now.replace(minute=0, second=0, microsecond=0)
    wanted = [
        (Blocklist.Kind.IP, ip),
        (Blocklist.Kind.PHONE, phone),
        (Blocklist.Kind.EMAIL, email),
        (Blocklist.Kind.CHAT, account),
    ]
    values = [(str(kind), Blocklist.normalize(kind, value)) for kind, value in wanted if value]
    with connection.cursor() as cursor:
        cursor.execute(
            GUARD_SQL,
            [[k for k, _v in values], [v for _k, v in values], key[:200], window_start, bool(key)],
        )
        blocked, count = cursor.fetchone()
    if blocked:
        raise Refused(
            _("Reports from this sender are not accepted. Contact Diskominfo Kota Batu if this is a mistake."),
            status=403,
            code="blocked",
        )
    if key and count > limit:
        retry_after = int((window_start + WINDOW - now).total_seconds()) + 1
        raise Refused(
            _("Too many submissions from here. Please try again in %(minutes)d minutes.")
            % {"minutes": max(1, retry_after // 60)},
            status=429,
            retry_after=retry_after,
            code="rate_limited",
        )


def check_blocklist(*, ip: str = "", phone: str = "", email: str = "", account: str = "") -> None:
    """Refused(403) when the sender is on the blocklist (counts nothing)."""
    if ip or phone or email or account:
        count_and_check(key="", limit=0, ip=ip, phone=phone, email=email, account=account)


def account_key(account: str) -> str:
    """A chat account as a counter key: hashed, so the counters hold no phone number or chat id."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{account}".encode()).hexdigest()[:40]


def guard_report_submission(*, ip: str, phone: str = "", email: str = "", account: str = "") -> None:
    """`account`: the sender's chat account ("telegram:<chat id>"); every chat's messages reach us
    from the platform's servers, so the account, not the address, is what is counted."""
    key = f"report:chat:{account_key(account)}" if account else f"report:ip:{ip}"
    count_and_check(key=key, limit=settings.LAPOR_RATE_REPORTS, ip=ip, phone=phone, email=email, account=account)


def guard_support(*, ip: str, supporter: str, account: str = "") -> None:
    count_and_check(key=f"support:{supporter}", limit=settings.LAPOR_RATE_SUPPORTS, ip=ip, account=account)
    if ip:
        count_and_check(key=f"support:ip:{ip}", limit=settings.LAPOR_RATE_SUPPORTS * 10)


def guard_new_device(*, ip: str) -> None:
    """A new "+1" device cookie for `ip` (geo_reports.devices): LAPOR_RATE_NEW_DEVICES an hour per
    address, so dropping the cookie before each "+1" buys only that many supporters."""
    count_and_check(key=f"device:ip:{ip}", limit=settings.LAPOR_RATE_NEW_DEVICES, ip=ip)


def forget_old_counters(now: dt.datetime) -> int:
    """Housekeeping: counters of windows that have closed."""
    deleted, _rows = RateCounter.objects.filter(window_start__lt=now - COUNTERS_KEPT).delete()
    return deleted
