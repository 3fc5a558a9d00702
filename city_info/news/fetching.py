"""One GET of a feed, bounded in time and size and conditional on the last good response, so that a slow,
huge or unreachable feed only ever costs its own fetch and an unchanged one costs the outlet a 304."""

import time
from dataclasses import dataclass

import httpx
from django.conf import settings
from django.utils.translation import gettext as _

ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
MAX_REDIRECTS = 5


class FetchError(Exception):
    """The feed could not be read; the message says why, for the admin."""


@dataclass(frozen=True)
class FeedResponse:
    content: bytes | None  # None: not modified since the validators sent (HTTP 304)
    content_type: str
    etag: str
    last_modified: str
    url: str  # after redirects: relative links in the feed are resolved against it


def fetch(
    url: str,
    *,
    etag: str = "",
    last_modified: str = "",
    timeout: float | None = None,
    max_bytes: int | None = None,
) -> FeedResponse:
    """The feed at `url`, or FetchError. `timeout` bounds the whole fetch, not only each read: a server
    that trickles bytes is cut off as surely as one that never answers."""
    timeout = timeout or settings.LAPOR_NEWS_TIMEOUT_SECONDS
    max_bytes = max_bytes or settings.LAPOR_NEWS_MAX_BYTES
    headers = {"Accept": ACCEPT, "User-Agent": f"LaporBatu/1.0 (+{settings.LAPOR_PUBLIC_URL})"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    deadline = time.monotonic() + timeout
    too_slow = _("No complete answer within %(seconds)s seconds.") % {"seconds": f"{timeout:g}"}
    too_large = _("The feed is larger than %(bytes)s bytes.") % {"bytes": f"{max_bytes:,}"}
    try:
        with (
            httpx.Client(timeout=timeout, follow_redirects=True, max_redirects=MAX_REDIRECTS) as client,
            client.stream("GET", url, headers=headers) as response,
        ):
            if response.status_code == 304:
                return FeedResponse(
                    content=None,
                    content_type="",
                    etag=response.headers.get("ETag", etag),
                    last_modified=response.headers.get("Last-Modified", last_modified),
                    url=str(response.url),
                )
            if response.status_code != 200:
                raise FetchError(
                    _("The server answered HTTP %(status)s %(reason)s.")
                    % {"status": response.status_code, "reason": response.reason_phrase}
                )
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(too_large)
            body = bytearray()
            # Decoded bytes are counted: a small compressed body that unpacks to gigabytes stops here too.
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > max_bytes:
                    raise FetchError(too_large)
                if time.monotonic() > deadline:
                    raise FetchError(too_slow)
            return FeedResponse(
                content=bytes(body),
                content_type=response.headers.get("Content-Type", ""),
                etag=response.headers.get("ETag", ""),
                last_modified=response.headers.get("Last-Modified", ""),
                url=str(response.url),
            )
    except httpx.TimeoutException as exc:
        raise FetchError(too_slow) from exc
    except httpx.TooManyRedirects as exc:
        raise FetchError(_("Too many redirects.")) from exc
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        error = str(exc) or exc.__class__.__name__
        raise FetchError(_("Could not read the feed: %(error)s") % {"error": error}) from exc
