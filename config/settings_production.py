"""Settings for a public server: everything in config.settings, hardened.

Use with DJANGO_SETTINGS_MODULE=config.settings_production behind a TLS-terminating reverse proxy
(nginx, a load balancer) that sets X-Forwarded-Proto. The server refuses to start without
DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS; `manage.py check --deploy` passes without warnings.

Environment (besides the README's table):
  DJANGO_SECRET_KEY        required; at least 50 characters, not the development key
  DJANGO_ALLOWED_HOSTS     required; comma-separated host names, e.g. lapor.batukota.go.id
  DJANGO_HSTS_SECONDS      HSTS max-age, default one year
  DJANGO_HSTS_PRELOAD      1 to ask browsers' preload lists for the domain (off unless told: it is
                           hard to undo, and every subdomain must serve HTTPS first)
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .settings import *  # noqa: F403 (the base settings, then what a public server changes)
from .settings import env_bool, env_list

DEBUG = False
WHITENOISE_USE_FINDERS = False
WHITENOISE_AUTOREFRESH = False

_DEVELOPMENT_KEY = "insecure-development-key-for-lapor-batu-only"  # refused, never used
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "").strip()
if not SECRET_KEY or SECRET_KEY == _DEVELOPMENT_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set to a secret value on a public server.")
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is too weak: use at least 50 random characters, e.g. "
        "`python -c 'import secrets; print(secrets.token_urlsafe(64))'`."
    )

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must name the server's host names (comma-separated).")
if "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must not be '*' on a public server.")
# Forms posted from the site itself: its own https origins, plus any the operator adds.
CSRF_TRUSTED_ORIGINS = sorted(
    {*env_list("DJANGO_CSRF_TRUSTED_ORIGINS", ""), *(f"https://{host.lstrip('.')}" for host in ALLOWED_HOSTS)}
)

# --- HTTPS ----------------------------------------------------------------------------------------
# TLS ends at the reverse proxy, which tells us the original scheme. The proxy must overwrite (not
# pass on) X-Forwarded-Proto from clients, or a client could claim https over plain http.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
# /healthz is probed by the proxy and the monitor over plain http on the private side.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    # Preloading is a decision for the city (hard to undo, binds every subdomain), not a default:
    # the check that asks for it is silenced only while it is deliberately off.
    SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "security.W021"]  # noqa: F405
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# --- Headers --------------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# --- Logging --------------------------------------------------------------------------------------
# Tracebacks go to the log (the console handler of the base settings), never to the client.
DEBUG_PROPAGATE_EXCEPTIONS = False
