"""Responses that carry staff data or a reporter's private token are never kept by a shared cache (a
proxy, a CDN, an office's caching gateway) nor by the browser's disk cache.

`PrivateResponseMiddleware` marks them `Cache-Control: private, no-store` with `Vary: Cookie,
Authorization`: the staff API and pages, every answer to a request carrying a reporter's token (`?t=`
or the X-Reporter-Token header) and, unless its view said how it may be kept, every answer to a write.
Any other answer to a signed-in caller (a session or a token) without a Cache-Control of its view's is
`private`. A view's own Cache-Control elsewhere stands:
the staff basemap's tiles are `private` with a lifetime, the public tiles and statistics `public`;
static files are served by WhiteNoise before this middleware sees them.
"""

from django.utils.cache import patch_cache_control, patch_vary_headers

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# The staff API and the staff pages (Indonesian at /petugas/, English at /en/petugas/).
STAFF_PREFIXES = ("/api/staff/", "/api/reports/nearby/", "/petugas/", "/en/petugas/")


def carries_reporter_token(request) -> bool:
    return bool(request.GET.get("t") or request.headers.get("X-Reporter-Token"))


def depends_on_caller(request) -> bool:
    user = getattr(request, "user", None)  # missing when a middleware before authentication answered
    return bool(request.headers.get("Authorization")) or bool(user is not None and user.is_authenticated)


class PrivateResponseMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        forced = request.path_info.startswith(STAFF_PREFIXES) or carries_reporter_token(request)
        if forced:
            # Whatever lifetime a view gave, these never go into a cache.
            if "no-store" not in response.get("Cache-Control", ""):
                response.headers.pop("Cache-Control", None)
                patch_cache_control(response, private=True, no_store=True)
        elif response.has_header("Cache-Control"):
            return response  # the view said how it may be kept
        elif request.method not in SAFE_METHODS:
            patch_cache_control(response, private=True, no_store=True)  # e.g. a new report's private link
        elif depends_on_caller(request):
            # A signed-in caller's page names them: never in a shared cache, though their own browser
            # (and the installed app's offline copies) may keep it.
            patch_cache_control(response, private=True)
        else:
            return response  # nobody in particular asked
        patch_vary_headers(response, ["Cookie", "Authorization"])
        return response
