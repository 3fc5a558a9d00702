import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import defaults

from .api_errors import RETRY_AFTER_SECONDS

logger = logging.getLogger(__name__)


class ApiLanguageMiddleware:
    """API responses in the language the client asks for.

    The pages use URL prefixes (/ Indonesian, /en/ English), and for a path without a prefix
    Django's LocaleMiddleware picks the default language. API clients (the REST API, Open311, OGC API)
    have no prefix, so for them the language comes from `?lang=` or Accept-Language, Indonesian when
    neither names a language we have.
    """

    PREFIXES = ("/api/", "/open311/", "/ogcapi/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(self.PREFIXES):
            try:
                language = translation.get_supported_language_variant(request.GET.get("lang", "")[:16])
            except LookupError:
                language = translation.get_language_from_request(request)
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


def _is_api(path: str) -> bool:
    return path.startswith(ApiLanguageMiddleware.PREFIXES)


def _open311_format(path: str) -> str:
    return "json" if path.endswith(".json") else "xml"


class RefuseNulMiddleware:
    """A query parameter holding a NUL character is refused with 400 before any view sees it:
    PostgreSQL cannot store or compare text containing NUL, and no honest client sends one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        bad = next(
            (key for key, values in request.GET.lists() if "\x00" in key or any("\x00" in v for v in values)), None
        )
        if bad is None:
            return self.get_response(request)
        message = _("The parameter %(name)s holds a NUL character, which is not allowed.") % {
            "name": bad.replace("\x00", "\\0")[:40]
        }
        return _error_response(request, 400, message, field=bad.replace("\x00", "")[:40] or "parameter")


class DatabaseUnavailableMiddleware:
    """When the database is unreachable (restarting, failing over), every page and API answers 503
    with Retry-After, never a 500 or a traceback; the REST API does the same in its own error
    handler (config.api_errors). Nothing here touches the database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.warning("database unavailable: %s", exception)
        response = _error_response(request, 503, _("The service is briefly unavailable. Please try again shortly."))
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response


def _error_response(request, status: int, message: str, field: str | None = None) -> HttpResponse:
    """An error in the shape the path's clients read: Open311's, OGC API's, the API's JSON, or a small page."""
    path = request.path_info
    if path.startswith("/open311/"):
        from open311.errors import Open311Error
        from open311.render import render_error

        return render_error(fmt=_open311_format(path), error=Open311Error(status, message))
    if path.startswith("/ogcapi/"):
        from ogcapi.responses import error_response

        codes = {400: "InvalidParameterValue", 404: "NotFound", 503: "ServiceUnavailable"}
        return error_response(status, codes.get(status, "Error"), message)
    if _is_api(path):
        body = {"detail": message, "errors": {field: [message]}} if field else {"detail": message}
        return JsonResponse(body, status=status)
    body = render_to_string("error.html", {"status": status, "message": message})  # no request: no database
    return HttpResponse(body, status=status)


def not_found(request, exception=None):
    """handler404: an address no route matches answers in its interface's shape (JSON for the APIs,
    Open311's XML or JSON, OGC API's exception), and as the site's page everywhere else."""
    if _is_api(request.path_info):
        return _error_response(request, 404, _("Not found."))
    return defaults.page_not_found(request, exception)
