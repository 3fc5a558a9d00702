"""Sign-in throttling (django-axes) for every way in: the staff sign-in page (/masuk/), the admin's
and the API's token (`POST /api/auth/token/`).

Axes counts failed sign-ins per account and per address (AccessAttempt, and every failure kept in
AccessFailureLog, both in the admin); after `AXES_FAILURE_LIMIT` failures in a row the account, or the
address, is locked out. The wait grows: the first lockout lasts `COOL_OFF`, and each further round of
failures within a day doubles it, up to `LONGEST_COOL_OFF`. A successful sign-in clears the count. An
administrator unlocks at once by deleting the account's access attempts in the admin ("Access
attempts") or with `manage.py axes_reset_username <name>`.
"""

import datetime as dt
import math

from axes.utils import reset
from django.conf import settings
from django.contrib.auth import authenticate
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .errors import ApplicationError, error_response, interface_of

COOL_OFF = dt.timedelta(minutes=15)
LONGEST_COOL_OFF = dt.timedelta(hours=24)
LOCKED_OUT_TEMPLATE = "web/staff/locked_out.html"


def signin_username(request: HttpRequest) -> str:
    """The account a sign-in names: the form's field, or what the token API read from its body."""
    return getattr(request, "signin_username", "") or request.POST.get("username", "")


def cool_off(request: HttpRequest | None) -> dt.timedelta:
    """AXES_COOLOFF_TIME: how long a lockout lasts, doubling with each round of `AXES_FAILURE_LIMIT`
    failures of this account or from this address in the last day (the first round: COOL_OFF)."""
    from axes.models import AccessFailureLog  # an installed app's models: imported once apps are ready

    if request is None or not getattr(request, "axes_ip_address", None):
        return COOL_OFF
    who = Q(ip_address=request.axes_ip_address)
    username = signin_username(request)
    if username:
        who |= Q(username=username)
    failures = AccessFailureLog.objects.filter(who, attempt_time__gte=timezone.now() - LONGEST_COOL_OFF).count()
    rounds = max(0, failures // settings.AXES_FAILURE_LIMIT - 1)
    return min(COOL_OFF * 2 ** min(rounds, 16), LONGEST_COOL_OFF)


def lockout_message(wait: dt.timedelta) -> str:
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    return _(
        "Too many failed sign-ins for this account or from this address. Try again in %(minutes)d minutes, "
        "or ask an administrator to unlock the account."
    ) % {"minutes": minutes}


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: 429 with Retry-After; the API's error shape under /api/, else the
    sign-in page saying why and for how long."""
    wait = cool_off(request)
    message = lockout_message(wait)
    if interface_of(request.path_info) is not None:
        response = error_response(request, 429, message)
    else:
        response = render(request, LOCKED_OUT_TEMPLATE, {"message": message}, status=429)
    response["Retry-After"] = str(int(wait.total_seconds()))
    response["Cache-Control"] = "private, no-store"
    return response


class TokenInputSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


class TokenApi(APIView):
    """`POST /api/auth/token/`: a user name and password in, the account's API token out (a crew's
    phone app). Counted like every sign-in: a locked-out account or address gets 429 and its password
    is not even checked."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(request=TokenInputSerializer, responses=TokenSerializer, summary="An API token")
    def post(self, request):
        data = TokenInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        username, password = data.validated_data["username"], data.validated_data["password"]
        # Axes reads the Django request (its address, the account named); AxesMiddleware turns a
        # lockout it flags there into lockout_response.
        http_request = request._request
        http_request.signin_username = username
        user = authenticate(http_request, username=username, password=password)
        if user is None or not user.is_active:
            raise ApplicationError(
                _("The user name or password is not right."), code="invalid_credentials", field="non_field_errors"
            )
        # As a page's sign-in does (AXES_RESET_ON_SUCCESS): the account's and the address's failures are
        # cleared. Not through user_logged_in, whose access log would start a session the API never uses.
        reset(ip=http_request.axes_ip_address, username=username, ip_or_username=True)
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


def signin_records_expired(now: dt.datetime) -> int:
    """Housekeeping: the sign-in records (successes and failures, with the address they came from)
    older than LAPOR_SIGNIN_RECORDS_DAYS; locks still running are never touched (AccessAttempt)."""
    from axes.models import AccessFailureLog, AccessLog

    before = now - dt.timedelta(days=settings.LAPOR_SIGNIN_RECORDS_DAYS)
    failures, _kinds = AccessFailureLog.objects.filter(attempt_time__lt=before).delete()
    accesses, _kinds = AccessLog.objects.filter(attempt_time__lt=before).delete()
    return failures + accesses
