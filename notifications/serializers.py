"""The push API's inputs and outputs. A browser's subscription arrives as PushSubscription.toJSON()
gives it: {"endpoint": ..., "keys": {"p256dh": ..., "auth": ...}} (its expirationTime is ignored)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from . import push
from .models import PushSubscription
from .vapid import b64url, b64url_decode

ENDPOINT_HELP = "The push service's address for this browser (https)."


class PushKeysSerializer(serializers.Serializer):
    p256dh = serializers.CharField(help_text="The browser's P-256 public key, URL-safe base64 (65 bytes).")
    auth = serializers.CharField(help_text="The browser's authentication secret, URL-safe base64 (16 bytes).")


@extend_schema_field(PushKeysSerializer)
class PushKeysField(serializers.Field):
    """The subscription's keys, checked as a whole so that every message about them stands under
    `keys` (one level below the subscription, as the error model nests)."""

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError(_("keys must be an object holding p256dh and auth."))
        p256dh, auth = data.get("p256dh"), data.get("auth")
        problems = []
        if not (isinstance(p256dh, str) and push.p256dh_valid(p256dh)):
            problems.append(_("The key p256dh must be a P-256 public key (65 bytes in URL-safe base64)."))
        if not (isinstance(auth, str) and push.auth_valid(auth)):
            problems.append(_("The secret auth must be 16 bytes in URL-safe base64."))
        if problems:
            raise serializers.ValidationError(problems)
        return {"p256dh": b64url(b64url_decode(p256dh)), "auth": b64url(b64url_decode(auth))}

    def to_representation(self, value):
        return value


class BrowserSubscriptionSerializer(serializers.Serializer):
    endpoint = serializers.CharField(max_length=push.ENDPOINT_MAX_LENGTH, help_text=ENDPOINT_HELP)
    keys = PushKeysField()

    def validate_endpoint(self, value: str) -> str:
        refusal = push.endpoint_refusal(value)
        if refusal:
            raise serializers.ValidationError(refusal)
        return value


LANGUAGE_HELP = "The language of the notifications: id or en (default: the request's language)."


class ReporterPushInputSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=200, help_text="The reporter's private token (of the private link).")
    subscription = BrowserSubscriptionSerializer()
    language = serializers.ChoiceField(
        choices=PushSubscription.Language.choices, required=False, help_text=LANGUAGE_HELP
    )


class ReporterPushDeleteSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=200, help_text="The reporter's private token (of the private link).")
    endpoint = serializers.CharField(max_length=push.ENDPOINT_MAX_LENGTH, help_text=ENDPOINT_HELP)


class StaffPushInputSerializer(serializers.Serializer):
    subscription = BrowserSubscriptionSerializer()
    language = serializers.ChoiceField(
        choices=PushSubscription.Language.choices, required=False, help_text=LANGUAGE_HELP
    )


class StaffPushDeleteSerializer(serializers.Serializer):
    endpoint = serializers.CharField(max_length=push.ENDPOINT_MAX_LENGTH, help_text=ENDPOINT_HELP)


class PushSubscribedSerializer(serializers.Serializer):
    subscribed = serializers.BooleanField(help_text="Always true: this browser now gets the notifications.")
    language = serializers.ChoiceField(choices=PushSubscription.Language.choices)


class PushKeySerializer(serializers.Serializer):
    public_key = serializers.CharField(
        help_text="The server's VAPID public key (uncompressed P-256 point, URL-safe base64): the "
        "applicationServerKey of pushManager.subscribe()."
    )
