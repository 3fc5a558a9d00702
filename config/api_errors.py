"""One shape for every API error, in the request's language (Indonesian unless asked otherwise).

400: {"detail": "<summary>", "errors": {"<field>": ["<message>", ...], ...}}
others: {"detail": "<message>"}
503 when the database is unreachable, with Retry-After, never a traceback.
"""

import logging

from django.db import DatabaseError, InterfaceError, OperationalError
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5


def validation_error_body(detail) -> dict:
    errors = detail if isinstance(detail, dict) else {"non_field_errors": detail}
    first = next(iter(errors.values()), None)
    while isinstance(first, (list, dict)) and first:
        first = first[0] if isinstance(first, list) else next(iter(first.values()))
    return {"detail": str(first) if first else _("The request is not valid."), "errors": errors}


def exception_handler(exc, context):
    if isinstance(exc, (OperationalError, InterfaceError)) or (
        isinstance(exc, DatabaseError) and "connection" in str(exc).lower()
    ):
        logger.warning("database unavailable: %s", exc)
        return Response(
            {"detail": _("The service is briefly unavailable. Please try again shortly.")},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, ValidationError):
        response.data = validation_error_body(response.data)
    elif response is not None and isinstance(exc, ParseError) and str(exc.detail).startswith("JSON parse error"):
        response.data = {"detail": _("The request body is not valid JSON (NaN and Infinity are not JSON numbers).")}
    return response
