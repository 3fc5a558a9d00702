"""The platforms' webhooks. Each checks that the platform sent it (else 403 and nothing is stored),
stores the messages once each and answers 200 at once: the worker takes the steps (services.inbound).
A channel without its settings is off: 404."""

import json

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from common.errors import error_response

from .platforms import PLATFORMS
from .services.inbound import inbound_store


def _receive(request: HttpRequest, platform) -> HttpResponse:
    if not platform.verified(request):
        return error_response(request, 403, _("The request is not signed by the platform."))
    try:
        deliveries = platform.deliveries(json.loads(request.body))
    except (ValueError, KeyError, TypeError, AttributeError):
        return error_response(request, 400, _("The request body is not an update of the platform."))
    inbound_store(platform=platform.name, deliveries=deliveries)
    return HttpResponse("ok", content_type="text/plain")


# Platforms sign their requests; there is no session cookie to protect.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def whatsapp_webhook(request: HttpRequest) -> HttpResponse:
    platform = PLATFORMS["whatsapp"]
    if not platform.enabled():
        raise Http404
    if request.method == "GET":  # Meta's verification handshake, when the webhook is set up
        challenge = platform.handshake(request.GET)
        if challenge is None:
            return error_response(request, 403, _("The verify token is wrong."))
        return HttpResponse(challenge, content_type="text/plain")
    return _receive(request, platform)


@csrf_exempt
@require_http_methods(["POST"])
def telegram_webhook(request: HttpRequest) -> HttpResponse:
    platform = PLATFORMS["telegram"]
    if not platform.enabled():
        raise Http404
    return _receive(request, platform)
