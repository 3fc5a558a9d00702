"""Request bodies are bounded before anything reads them.

`RequestSizeLimitMiddleware` compares a request's Content-Length with the limit of its path and
answers 413 at once, in the path's own error shape (the API's JSON, Open311's format, a page) and
language, without reading the body: a 200 MB "photo" is refused after its headers, not after it has
been received. The limits are settings: LAPOR_BODY_MAX_BYTES for any body, and for multipart bodies
(files) LAPOR_UPLOAD_MAX_BYTES, regular expressions on the path with the most a form there can
hold (e.g. five photos and five documents for a new report).

A body within its limit that the view left unread is read to its end and dropped after the answer,
so the connection stays usable. A body without a Content-Length (Transfer-Encoding: chunked) is
refused with 411: Django reads at most Content-Length bytes, so it would read such a body as empty
and answer as if nothing had been sent.

`bad_request` (handler400) does the same for Django's own refusal of form fields larger than
DATA_UPLOAD_MAX_MEMORY_SIZE (RequestDataTooBig), which Django answers with its HTML 400 page.
"""

import re

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.utils.translation import gettext as _
from django.views import defaults

from .errors import error_response, interface_of

MB = 1024 * 1024


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.uploads = [(re.compile(pattern), limit) for pattern, limit in settings.LAPOR_UPLOAD_MAX_BYTES]

    def __call__(self, request):
        refusal = self.refusal(request)
        if refusal is not None:
            return refusal  # the body is never read: the server closes the connection after the answer
        response = self.get_response(request)
        discard_unread_body(request)
        return response

    def limit(self, request) -> int:
        if request.content_type == "multipart/form-data":
            for pattern, limit in self.uploads:
                if pattern.match(request.path_info):
                    return limit
        return settings.LAPOR_BODY_MAX_BYTES

    def refusal(self, request):
        length = request.META.get("CONTENT_LENGTH")
        if not length and "HTTP_TRANSFER_ENCODING" in request.META:
            message = _("Send the request body with its length (a Content-Length header), not in chunks.")
            return error_response(request, 411, message, field="body")
        try:
            size = int(length or 0)
        except ValueError:
            return None  # Django reads such a body as empty
        limit = self.limit(request)
        if size <= limit:
            return None
        message = _("The request is too large (%(size).1f MB); at most %(limit).1f MB is accepted here.") % {
            "size": size / MB,
            "limit": limit / MB,
        }
        return error_response(request, 413, message, field="body")


def discard_unread_body(request) -> None:
    """A body within its limit that the view did not read (refused before reading, as another agency's
    after-photo is) is read and dropped, never parsed: otherwise the server closes the connection, and
    the client's next request on it fails."""
    try:
        while request.read(64 * 1024):
            pass
    except OSError:  # the client went away (UnreadablePostError is an OSError)
        pass


def bad_request(request, exception=None):
    """handler400: Django's refusals of a request (SuspiciousOperation) in the path's shape; form fields
    over DATA_UPLOAD_MAX_MEMORY_SIZE as 413."""
    if isinstance(exception, RequestDataTooBig):
        message = _("The request's fields (files apart) are too large; at most %(limit).1f MB is accepted.") % {
            "limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE / MB
        }
        return error_response(request, 413, message, field="body")
    if interface_of(request.path_info) is not None:
        return error_response(request, 400, _("The request is not valid."))
    return defaults.bad_request(request, exception)
