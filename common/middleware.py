"""Middleware every interface shares: the language of machine clients, refusing NUL characters, and
answering 503 (never a 500) while the database is unreachable."""

import logging

from django.db import InterfaceError, OperationalError
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import defaults

from .errors import RETRY_AFTER_SECONDS, error_response, interface_of, unavailable_message

logger = logging.getLogger(__name__)


class ApiLanguageMiddleware:
    """Machine interfaces answer in the language the client asks for.

    The pages use URL prefixes (/ Indonesian, /en/ English), and for a path without a prefix
    Django's LocaleMiddleware picks the default language. The registered interfaces (the REST API,
    Open311, OGC API, ...) have no prefix, so for them the language comes from `?lang=` or
    Accept-Language, Indonesian when neither names a language we have.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if interface_of(request.path_info) is not None:
            try:
                language = translation.get_supported_language_variant(request.GET.get("lang", "")[:16])
            except LookupError:
                language = translation.get_language_from_request(request)
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


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
        return error_response(request, 400, message, field=bad.replace("\x00", "")[:40] or "parameter")


class DatabaseUnavailableMiddleware:
    """When the database is unreachable (restarting, failing over), every page and API answers 503
    with Retry-After, never a 500 or a traceback; the REST API does the same in its own exception
    handler (common.errors). Nothing here touches the database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.warning("database unavailable: %s", exception)
        response = error_response(request, 503, unavailable_message())
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response


def not_found(request, exception=None):
    """handler404: an address no route matches answers in its interface's shape (JSON for the API,
    Open311's XML or JSON, OGC API's exception), and as the site's page everywhere else."""
    if interface_of(request.path_info) is not None:
        return error_response(request, 404, _("Not found."))
    return defaults.page_not_found(request, exception)
