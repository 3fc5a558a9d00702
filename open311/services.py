"""Writes of the Open311 app: issuing API keys. (Reports are written by geo_reports.services.)"""

import secrets
from dataclasses import dataclass

from django.db import transaction

from .models import ApiKey, key_hash_of


@dataclass
class IssuedApiKey:
    api_key: ApiKey
    key: str  # the secret itself: shown once, never stored


@transaction.atomic
def api_key_issue(*, api_key: ApiKey) -> str:
    """Give an unsaved key row its secret and save it; returns the secret (only its hash is kept)."""
    key = secrets.token_urlsafe(24)
    api_key.prefix = key[:8]
    api_key.key_hash = key_hash_of(key)
    api_key.save(force_insert=True)
    return key


def api_key_create(*, client_name: str, is_active: bool = True) -> IssuedApiKey:
    api_key = ApiKey(client_name=client_name, is_active=is_active)
    key = api_key_issue(api_key=api_key)
    return IssuedApiKey(api_key=api_key, key=key)
