"""One error model for the whole project, in the request's language (Indonesian unless asked otherwise).

Domain code raises `ApplicationError` (or a subclass kept beside the code that raises it): a message
for the person, the field at fault, a machine code and an HTTP status. It is turned into a response
once, here:

    400 and other statuses: {"detail": "<message>", "errors": {"<field>": ["<message>", ...]}}
    (no "errors" when no field is at fault); 503 when the database is unreachable, with Retry-After.

Interfaces with a wire format of their own (Open311, OGC API, the chat channels) register a renderer
for their URL prefix (`register_interface`); it is used for the errors answered before their views run
(a NUL in the query string, a database outage, an address no route matches). Their views turn an
`ApplicationError` into their own format themselves.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
API_PREFIX = "/api/"


class ApplicationError(Exception):
    """Something the caller must change: `message` says what, `field` where (None: the request as a
    whole), `code` names the fault for programs, `status` is the HTTP status it answers with."""

    status = 400
    default_code = "invalid"
    default_field: str | None = None

    def __init__(self, message, *, code: str | None = None, field: str | None = None, status: int | None = None):
        super().__init__(str(message))
        self.message = message
        self.code = code or self.default_code
        self.field = field if field is not None else self.default_field
        if status is not None:
            self.status = status

    def errors(self) -> dict[str, list[str]] | None:
        return {self.field: [str(self.message)]} if self.field else None

    def body(self) -> dict:
        errors = self.errors()
        return {"detail": str(self.message), **({"errors": errors} if errors else {})}

    def headers(self) -> dict[str, str]:
        return {}


class InvalidInput(ApplicationError):
    """Several fields at fault at once (a form, a report): `errors` maps each to its messages (a nested
    object, e.g. `reporter`, maps its own fields); the message is the first of them."""

    default_code = "invalid_input"

    def __init__(self, errors: dict, *, code: str | None = None):
        self._errors = errors
        super().__init__(first_message(errors) or _("The request is not valid."), code=code)

    def errors(self) -> dict:
        return self._errors


class Refused(ApplicationError):
    """Refused for who is asking or how often: 429 with Retry-After (seconds), or 403."""

    default_code = "refused"

    def __init__(self, message, *, status: int, retry_after: int | None = None, code: str | None = None):
        super().__init__(message, status=status, code=code)
        self.retry_after = retry_after

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)} if self.retry_after else {}


def first_message(errors) -> str | None:
    """The first message in DRF's error tree (nested dicts and lists)."""
    first = next(iter(errors.values()), None) if isinstance(errors, dict) else errors
    while isinstance(first, (list, dict)) and first:
        first = first[0] if isinstance(first, list) else next(iter(first.values()))
    return str(first) if first else None


def validation_error_body(detail) -> dict:
    errors = detail if isinstance(detail, dict) else {"non_field_errors": detail}
    return {"detail": first_message(errors) or _("The request is not valid."), "errors": errors}


def unavailable_message() -> str:
    return _("The service is briefly unavailable. Please try again shortly.")


def is_database_outage(exc: BaseException) -> bool:
    return isinstance(exc, (OperationalError, InterfaceError)) or (
        isinstance(exc, DatabaseError) and "connection" in str(exc).lower()
    )


def exception_handler(exc, context):
    """DRF's exception handler: application errors, DRF's own (validation, 401, 403 — Django's
    PermissionDenied included — 404, 405, 429) and database outages, all in the one shape."""
    if isinstance(exc, ApplicationError):
        return Response(exc.body(), status=exc.status, headers=exc.headers())
    if is_database_outage(exc):
        logger.warning("database unavailable: %s", exc)
        return Response(
            {"detail": unavailable_message()},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, ValidationError):
        response.data = validation_error_body(response.data)
    elif response is not None and isinstance(exc, ParseError) and str(exc.detail).startswith("JSON parse error"):
        response.data = {"detail": _("The request body is not valid JSON (NaN and Infinity are not JSON numbers).")}
    return response


# --- interfaces and their error formats ------------------------------------------------------------

ErrorRenderer = Callable[[HttpRequest, int, str], HttpResponse]


@dataclass(frozen=True)
class Interface:
    """A machine interface under a URL prefix: its clients choose their language by `?lang=` or
    Accept-Language (pages use /en/), and its errors may have a format of their own."""

    prefix: str
    render_error: ErrorRenderer | None = None


_interfaces: dict[str, Interface] = {API_PREFIX: Interface(API_PREFIX)}


def register_interface(prefix: str, render_error: ErrorRenderer | None = None) -> None:
    """Called by an app's AppConfig.ready() for the URL prefix it serves."""
    _interfaces[prefix] = Interface(prefix, render_error)


def interface_of(path: str) -> Interface | None:
    return next((i for prefix, i in _interfaces.items() if path.startswith(prefix)), None)


def error_response(request: HttpRequest, status: int, message: str, field: str | None = None) -> HttpResponse:
    """An error in the shape the path's clients read: the interface's own, the API's JSON, or a small
    page. Renders without a request context, so it works while the database is down."""
    interface = interface_of(request.path_info)
    if interface is not None and interface.render_error is not None:
        return interface.render_error(request, status, message)
    if interface is not None:
        body = {"detail": message, "errors": {field: [message]}} if field else {"detail": message}
        return JsonResponse(body, status=status)
    body = render_to_string("error.html", {"status": status, "message": message})  # no request: no database
    return HttpResponse(body, status=status)
