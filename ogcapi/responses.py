"""Responses of the API: JSON with its media type, and errors as {"code": ..., "description": ...}."""

import functools
import json
import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from common.errors import ApplicationError

logger = logging.getLogger(__name__)


class NotFound(LookupError):
    """No such collection or feature; `str(exc)` says which."""


def json_response(document, media_type: str, status: int = 200) -> HttpResponse:
    return text_response(json.dumps(document, ensure_ascii=False), media_type, status)


def text_response(text: str, media_type: str, status: int = 200) -> HttpResponse:
    # A media type with parameters of its own (the OpenAPI one) is sent as it is.
    content_type = media_type if ";" in media_type else f"{media_type}; charset=utf-8"
    return HttpResponse(text, content_type=content_type, status=status)


# The exception codes of OGC API – Common for the statuses this API answers with.
CODES = {400: "InvalidParameterValue", 404: "NotFound", 503: "ServiceUnavailable"}


def error_response(status: int, code: str, description: str) -> HttpResponse:
    return json_response({"code": code, "description": description}, "application/json", status)


def render_error_for_path(request, status: int, message: str) -> HttpResponse:
    """An error answered before a view ran (common.errors)."""
    return error_response(status, CODES.get(status, "Error"), message)


def endpoint(view):
    """GET and HEAD only (405 otherwise: nothing here writes, so there is no CSRF check to fail first);
    bad parameters → 400, missing things → 404, a database that cannot be reached → 503; the response
    varies with Accept and may be read from any web page (open data)."""

    @csrf_exempt
    @require_safe
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            response = view(request, *args, **kwargs)
        except ApplicationError as exc:  # a parameter the client must fix (ogcapi.params.InvalidParameter, bbox)
            response = error_response(exc.status, CODES.get(exc.status, "Error"), str(exc.message))
        except NotFound as exc:
            response = error_response(404, "NotFound", str(exc))
        except (OperationalError, InterfaceError):
            logger.exception("ogcapi: database unavailable")
            response = error_response(503, "ServiceUnavailable", _("The service is unavailable; try again shortly."))
            response["Retry-After"] = "5"
        patch_vary_headers(response, ["Accept"])
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return wrapped
