"""The reporter's private link, kept out of addresses (issue #19).

A link with `?t=<token>` (sent by mail, chat, kept by "Laporan saya") still opens the report, but a
browser trades the token for a cookie at the first visit and goes on at the clean address, so the
token is not in the address bar, the history, the Referer of the page's requests, nor the server's
log lines. The cookie is HttpOnly and SameSite=Strict, one per report (`lapor_r_<id>`): its path must
be "/" because the report's pages (`/laporan/<code>/`, `/en/laporan/<code>/`) and its documents
(`/api/reports/<id>/documents/…`) share no other prefix. The API takes the token in the
`X-Reporter-Token` header (the older `t` query parameter and `token` body field still work)."""

from django.http import HttpRequest, HttpResponse

COOKIE_PREFIX = "lapor_r_"
HEADER = "X-Reporter-Token"
QUERY = "t"
COOKIE_MAX_AGE = 365 * 24 * 3600  # a report may stay open (and be reopened) for months


def cookie_name(report_id: int) -> str:
    return f"{COOKIE_PREFIX}{report_id}"


def request_token(request: HttpRequest, report_id: int) -> str:
    """The token a request shows for one report: the header, else the report's cookie, else an old
    link's `t` query parameter; "" without any."""
    return request.headers.get(HEADER) or request.COOKIES.get(cookie_name(report_id)) or request.GET.get(QUERY, "")


def is_browser_navigation(request: HttpRequest) -> bool:
    """A page opened by a browser (every current one says so in Sec-Fetch-Mode), which keeps cookies
    and shows the address; other clients get the page itself, as before."""
    return request.headers.get("Sec-Fetch-Mode") == "navigate"


def is_cross_site(request: HttpRequest) -> bool:
    """Opened from another site (a webmail's link): a SameSite=Strict cookie set by a redirect would
    not be sent on the redirected request, which that other site still started."""
    return request.headers.get("Sec-Fetch-Site") == "cross-site"


def token_remember(response: HttpResponse, *, request: HttpRequest, report_id: int, token: str) -> None:
    response.set_cookie(
        cookie_name(report_id),
        token,
        max_age=COOKIE_MAX_AGE,
        path="/",
        secure=request.is_secure(),
        httponly=True,
        samesite="Strict",
    )


def no_referrer(response: HttpResponse) -> HttpResponse:
    """A page that handled a token names no address to anyone (its links, images, scripts, tiles)."""
    response["Referrer-Policy"] = "no-referrer"
    return response
