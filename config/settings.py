"""Settings for Lapor Batu.

Every value that differs between machines comes from the environment (see the README's
"Configuration" table); nothing secret is written here.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .secret_key import install_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "").strip()
# Without DJANGO_SECRET_KEY (`make run`, the tests) the install makes its own key on first need and keeps
# it in this file, readable only by its owner (config/secret_key.py); never a key written in the code. The
# production settings insist on DJANGO_SECRET_KEY: several app servers must share one key.
LAPOR_SECRET_KEY_FILE = Path(os.environ.get("LAPOR_SECRET_KEY_FILE", BASE_DIR / "var" / "secret_key"))
if not SECRET_KEY:
    if not DEBUG and env_bool("DJANGO_REQUIRE_SECRET_KEY", False):
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set")
    SECRET_KEY = install_secret_key(LAPOR_SECRET_KEY_FILE)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "rest_framework_gis",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "leaflet",
    "django_tasks",
    "django_tasks_db",
    "common",
    "districts",
    "geo_reports",
    "notifications",
    "maps",
    "analytics",
    "web",
    "open311",
    "ogcapi",
    "city_info",
    "chat",
]

MIDDLEWARE = [
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "common.middleware.ApiLanguageMiddleware",
    "common.middleware.RefuseNulMiddleware",
    "common.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "web.context.page_strings",
            ],
        },
    },
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "staff:start"  # a field crew lands on their tickets, others on the inbox
LOGOUT_REDIRECT_URL = "web:home"

# --- Database ---------------------------------------------------------------------------------
# Default: the project-local cluster that scripts/pg.sh starts (same variables, same defaults).
_local_database_url = "postgis://{user}@{host}:{port}/{name}".format(
    user=os.environ.get("LAPOR_PGUSER", "laporbatu"),
    host=os.environ.get("LAPOR_PGHOST", "127.0.0.1"),
    port=os.environ.get("LAPOR_PGPORT", "54329"),
    name=os.environ.get("LAPOR_PGDATABASE", "laporbatu"),
)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or _local_database_url,
        engine="django.contrib.gis.db.backends.postgis",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# The tests' database (made and dropped by the test run); two runs side by side need two names.
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("LAPOR_TEST_DATABASE") or None}
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 5
# The app's queries are short, and map tiles at a million reports are judged "expensive" by the
# planner, which then spends longer compiling them (JIT) than running them.
DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Geometry -----------------------------------------------------------------------------------
# The one storage SRID: WGS84 longitude/latitude, as at every edge (GeoJSON RFC 7946, Open311).
# Metric work (distances, snapping, buffers) goes through PostGIS geography, in metres; see
# districts/spatial.py. A system check refuses a geometry column stored in any other SRID.
LAPOR_SRID = 4326
# The city every report must touch (an Area code); routing and validation read it from the database.
LAPOR_CITY_CODE = os.environ.get("LAPOR_CITY_CODE", "35.79")

# GDAL here is older than 3.9 and cannot block file and network access from spatial-reference
# strings itself (gis.W001). The project never hands user-supplied SRS text to GDAL: API input is
# GeoJSON in WGS84 only, and imported files are chosen by administrators on the server.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

# Routing and report limits (metres unless named otherwise).
LAPOR_BOUNDARY_TOLERANCE_M = 10  # a point this close to another desa is flagged as ambiguous
LAPOR_ASSET_TIE_M = 3  # assets of different owners this close in distance are flagged
LAPOR_MAX_VERTICES = 5000
LAPOR_MAX_REPORT_AREA_KM2 = 5.0
LAPOR_MAX_REPORT_LENGTH_KM = 20.0
LAPOR_REOPEN_DAYS = 14  # the reporter may reopen a resolved report this long
LAPOR_AUTO_CLOSE_DAYS = 10  # a resolved report closes by itself after this many days
LAPOR_OFFICE_HOURS = (8, 16)  # working hours for deadlines, local time, Monday to Friday

# Photos: JPEG, PNG or WebP, decoded by Pillow, re-encoded without metadata.
LAPOR_PHOTO_MAX_BYTES = int(os.environ.get("LAPOR_PHOTO_MAX_BYTES", str(10 * 1024 * 1024)))
LAPOR_PHOTO_MAX_PIXELS = 40_000_000
LAPOR_PHOTO_MAX_SIDE = 2560
LAPOR_PHOTO_THUMB_SIDE = 360
# The report form makes photos smaller in the browser before sending them (mobile data costs money):
# longest side in pixels, JPEG quality. The server still validates and re-encodes what arrives.
LAPOR_PHOTO_UPLOAD_SIDE = 1600
LAPOR_PHOTO_UPLOAD_QUALITY = 0.7
LAPOR_PHOTOS_PER_REPORT = 5
# Documents of service requests (permit applications, tax questions): PDF or images, kept private.
LAPOR_DOCUMENT_MAX_BYTES = int(os.environ.get("LAPOR_DOCUMENT_MAX_BYTES", str(5 * 1024 * 1024)))
LAPOR_DOCUMENTS_PER_REPORT = 5
DATA_UPLOAD_MAX_MEMORY_SIZE = 8 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 4 * 1024 * 1024

# Abuse bounds: submissions per IP per hour, "+1"s per device per hour; reverse proxies in front of
# the app whose X-Forwarded-For is trusted (0: use the connection's address).
LAPOR_RATE_REPORTS = int(os.environ.get("LAPOR_RATE_REPORTS", "20"))
LAPOR_RATE_SUPPORTS = int(os.environ.get("LAPOR_RATE_SUPPORTS", "30"))
LAPOR_TRUSTED_PROXIES = int(os.environ.get("LAPOR_TRUSTED_PROXIES", "0"))

# --- Internationalisation -----------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

# --- Static files and uploads -------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("LAPOR_STATIC_ROOT", BASE_DIR / "var" / "static"))  # collectstatic writes here
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Installed by scripts/setup.sh with `npm ci` (package-lock.json); served from here, never a CDN.
    ("vendor/vectorgrid", BASE_DIR / "node_modules" / "leaflet.vectorgrid" / "dist"),
    ("vendor/chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("LAPOR_MEDIA_ROOT", BASE_DIR / "var" / "media"))
# Private documents: outside MEDIA_ROOT and without a URL of their own; only a view that checks who
# asks serves them (geo_reports.apis.ReportDocumentApi).
LAPOR_PRIVATE_ROOT = Path(os.environ.get("LAPOR_PRIVATE_ROOT", BASE_DIR / "var" / "private"))
for _public in (MEDIA_ROOT, STATIC_ROOT):
    if LAPOR_PRIVATE_ROOT.resolve().is_relative_to(_public.resolve()):
        raise ImproperlyConfigured(f"LAPOR_PRIVATE_ROOT must not lie inside {_public}: its files would be public.")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names (cached for a year by browsers) and gzip/brotli files made by collectstatic,
    # which `make run` and `make test` run.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# --- Map ----------------------------------------------------------------------------------------
# Every map draws the app's own basemap (maps/basemap.py). An outside raster layer underneath is
# optional: set its URL template (and attribution) to add one.
LAPOR_TILE_URL = os.environ.get("LAPOR_TILE_URL", "")
LAPOR_TILE_ATTRIBUTION = os.environ.get("LAPOR_TILE_ATTRIBUTION", "")
LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (-7.8347, 112.5338),  # centroid of the Kota Batu boundary (SOURCES.md)
    "DEFAULT_ZOOM": 12,
    "MIN_ZOOM": 10,
    "MAX_ZOOM": 19,
    "TILES": [("Raster", LAPOR_TILE_URL, {"attribution": LAPOR_TILE_ATTRIBUTION})] if LAPOR_TILE_URL else [],
    "RESET_VIEW": False,
    # Panning stops a little beyond Kota Batu: nobody reports here from elsewhere.
    "SPATIAL_EXTENT": (112.30, -8.10, 112.78, -7.55),
    "NO_GLOBALS": False,
}

# Place search (geopy): "local" searches our own desa, kecamatan and named assets; "nominatim"
# asks LAPOR_NOMINATIM_URL (an OpenStreetMap Nominatim server) within the city's bounding box.
LAPOR_GEOCODER = os.environ.get("LAPOR_GEOCODER", "local")
LAPOR_NOMINATIM_URL = os.environ.get("LAPOR_NOMINATIM_URL", "nominatim.openstreetmap.org")
LAPOR_NOMINATIM_USER_AGENT = os.environ.get("LAPOR_NOMINATIM_USER_AGENT", "lapor-batu")

# --- Background work and notifications --------------------------------------------------------
# Notifications are rows (notifications.Notification) sent by the worker (`manage.py db_worker`,
# started by `make run`) through django-tasks' database backend; nothing is lost while a mail
# server or gateway is down: a failed send is retried with doubling delays.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
LAPOR_NOTIFY_MAX_ATTEMPTS = int(os.environ.get("LAPOR_NOTIFY_MAX_ATTEMPTS", "8"))
LAPOR_NOTIFY_RETRY_SECONDS = int(os.environ.get("LAPOR_NOTIFY_RETRY_SECONDS", "60"))  # then 2x, 4x, ...
LAPOR_PUBLIC_URL = os.environ.get("LAPOR_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
# Signs webhook bodies (HMAC-SHA256); falls back to a key derived from SECRET_KEY.
LAPOR_WEBHOOK_SECRET = os.environ.get("LAPOR_WEBHOOK_SECRET", "")
# The city's SMS/WhatsApp gateway for reporters who gave a phone number (a webhook), if any.
LAPOR_REPORTER_WEBHOOK_URL = os.environ.get("LAPOR_REPORTER_WEBHOOK_URL", "")
# Web Push (notifications/push.py): the install's VAPID key pair, made on first need and kept in this file
# (0600); LAPOR_VAPID_PRIVATE_KEY gives it instead (PEM, or the raw key in URL-safe base64), for several
# app servers sharing one key. The subject is the contact push services are given: LAPOR_VAPID_SUBJECT,
# else the privacy contact's address, else the site's address.
LAPOR_VAPID_PRIVATE_KEY_FILE = Path(
    os.environ.get("LAPOR_VAPID_PRIVATE_KEY_FILE", BASE_DIR / "var" / "vapid_private.pem")
)
LAPOR_VAPID_PRIVATE_KEY = os.environ.get("LAPOR_VAPID_PRIVATE_KEY", "")
LAPOR_VAPID_SUBJECT = os.environ.get("LAPOR_VAPID_SUBJECT", "")
# Push endpoints on loopback and over plain http are refused unless this is on (tests, development):
# a subscription must never make the server post to a local or private address.
LAPOR_PUSH_ALLOW_LOCAL_ENDPOINTS = env_bool("LAPOR_PUSH_ALLOW_LOCAL_ENDPOINTS", False)
DEFAULT_FROM_EMAIL = os.environ.get("LAPOR_MAIL_FROM", "Lapor Batu <noreply@lapor.batukota.go.id>")
if os.environ.get("LAPOR_SMTP_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["LAPOR_SMTP_HOST"]
    EMAIL_PORT = int(os.environ.get("LAPOR_SMTP_PORT", "25"))
    EMAIL_HOST_USER = os.environ.get("LAPOR_SMTP_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("LAPOR_SMTP_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("LAPOR_SMTP_TLS", False)
    EMAIL_TIMEOUT = 10
else:
    # Without a mail relay, mails are written to the worker's output.
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# --- City information: what the media say, and visits --------------------------------------------
# News sources (feeds) are read by the worker; one fetch gives up after this many seconds or bytes, so a
# slow or huge feed only ever costs its own fetch (city_info.news).
LAPOR_NEWS_TIMEOUT_SECONDS = float(os.environ.get("LAPOR_NEWS_TIMEOUT_SECONDS", "10"))
LAPOR_NEWS_MAX_BYTES = int(os.environ.get("LAPOR_NEWS_MAX_BYTES", str(2 * 1024 * 1024)))
# Count views of the information pages per day and page, and nothing about the visitor (no address,
# cookie or browser). Off unless the city enables it.
LAPOR_COUNT_PAGE_VIEWS = env_bool("LAPOR_COUNT_PAGE_VIEWS", False)

# --- Who runs the service, the emergency lines, and how long a reporter's contact is kept -------
# Shown in every page's footer and on /tentang/, /privasi/ and /ketentuan/. 112 is always shown; the
# city's disaster hotline only when its number is set (never a made-up default).
LAPOR_OPERATOR_NAME = os.environ.get("LAPOR_OPERATOR_NAME", "Pemerintah Kota Batu")
LAPOR_PRIVACY_CONTACT_EMAIL = os.environ.get("LAPOR_PRIVACY_CONTACT_EMAIL", "")
LAPOR_DISASTER_HOTLINE = os.environ.get("LAPOR_DISASTER_HOTLINE", "")
LAPOR_DISASTER_HOTLINE_NAME = os.environ.get("LAPOR_DISASTER_HOTLINE_NAME", "BPBD Kota Batu")
# A reporter's name, phone, e-mail and chat id are removed this many days after the report was closed,
# rejected or marked a duplicate (housekeeping job "contacts_expired"); the privacy notice says so.
LAPOR_CONTACT_RETENTION_DAYS = int(os.environ.get("LAPOR_CONTACT_RETENTION_DAYS", "365"))

# --- Chat channels: WhatsApp (Cloud API) and Telegram (Bot API) --------------------------------
# A channel is on when its settings are set (otherwise its webhook answers 404). See the README's
# "Reporting by WhatsApp and Telegram" for how to connect a number and a bot.
LAPOR_WHATSAPP_VERIFY_TOKEN = os.environ.get("LAPOR_WHATSAPP_VERIFY_TOKEN", "")
LAPOR_WHATSAPP_APP_SECRET = os.environ.get("LAPOR_WHATSAPP_APP_SECRET", "")
LAPOR_WHATSAPP_TOKEN = os.environ.get("LAPOR_WHATSAPP_TOKEN", "")
LAPOR_WHATSAPP_PHONE_NUMBER_ID = os.environ.get("LAPOR_WHATSAPP_PHONE_NUMBER_ID", "")
LAPOR_WHATSAPP_API_URL = os.environ.get("LAPOR_WHATSAPP_API_URL", "https://graph.facebook.com/v21.0")
# Approved message templates, the only messages WhatsApp lets through 24 hours after the citizen's last.
LAPOR_WHATSAPP_TEMPLATE_STATUS = os.environ.get("LAPOR_WHATSAPP_TEMPLATE_STATUS", "lapor_status_update")
LAPOR_WHATSAPP_TEMPLATE_REPLY = os.environ.get("LAPOR_WHATSAPP_TEMPLATE_REPLY", "lapor_public_reply")
LAPOR_TELEGRAM_BOT_TOKEN = os.environ.get("LAPOR_TELEGRAM_BOT_TOKEN", "")
LAPOR_TELEGRAM_SECRET = os.environ.get("LAPOR_TELEGRAM_SECRET", "")
LAPOR_TELEGRAM_API_URL = os.environ.get("LAPOR_TELEGRAM_API_URL", "https://api.telegram.org")
LAPOR_CHAT_IDLE_MINUTES = int(os.environ.get("LAPOR_CHAT_IDLE_MINUTES", "30"))  # then a conversation starts over
LAPOR_CHAT_PHOTOS = 2  # photos per report sent in a chat
# Messages per chat (phone number, chat id) and hour taken in; beyond, they get no answer.
LAPOR_RATE_CHAT_MESSAGES = int(os.environ.get("LAPOR_RATE_CHAT_MESSAGES", "120"))

# --- API ----------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PARSER_CLASSES": [
        "common.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous API call is then told 401 with a WWW-Authenticate challenge.
        "districts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "EXCEPTION_HANDLER": "common.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_PAGINATION_CLASS": "common.pagination.FeaturePagination",
    "PAGE_SIZE": 100,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Lapor Batu API",
    "DESCRIPTION": (
        "Map-first city services and complaints for Kota Batu. Geometry is GeoJSON "
        "(RFC 7946, WGS84 longitude/latitude)."
    ),
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the app's own static files: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name per choice set: the acknowledge and resolve units share one; several models have a "kind".
    "ENUM_NAME_OVERRIDES": {
        "DeadlineUnitEnum": "geo_reports.models.categories.DeadlineUnit",
        "AreaKindEnum": "districts.models.Area.Kind",
        "AgencyKindEnum": "districts.models.Agency.Kind",
        "CategoryKindEnum": "geo_reports.models.Category.Kind",
        "TimelineKindEnum": "geo_reports.models.ReportUpdate.Kind",
        "AnnouncementKindEnum": "city_info.models.Announcement.Kind",
        "CategoryGroupEnum": "geo_reports.models.Category.Group",
        "MapGroupEnum": "maps.serializers.MAP_GROUP_CHOICES",
        "StatisticsGroupEnum": "analytics.serializers.GROUP_CHOICES",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "common.openapi.document_errors",
    ],
}

# --- Logging ------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # httpx logs every request's address at INFO, and the Telegram Bot API's carry the bot's token.
        "httpx": {"level": "WARNING"},
    },
}

# --- security: Content-Security-Policy ---
# django-csp sends one policy on every response: scripts and style sheets only from the site itself,
# inline ones only with the request's nonce (templates write `nonce="{{ request.csp_nonce }}"`; the
# leaflet_map tag takes `csp_nonce=request.csp_nonce`), no eval; images and tiles from the site, data:
# and blob: (photo previews) and the optional outside raster layer (LAPOR_TILE_URL) only.
from urllib.parse import urlsplit  # noqa: E402

from csp.constants import NONCE, NONE, SELF  # noqa: E402


def _tile_origin(url: str) -> list[str]:
    """The origin of a tile URL template, `{s}` subdomains as a wildcard host (CSP host source)."""
    if not url:
        return []
    parts = urlsplit(url.replace("{s}", "*"))
    return [f"{parts.scheme}://{parts.netloc}"] if parts.scheme in {"http", "https"} and parts.netloc else []


LAPOR_TILE_ORIGINS = _tile_origin(LAPOR_TILE_URL)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:", "blob:", *LAPOR_TILE_ORIGINS],
        "connect-src": [SELF, *LAPOR_TILE_ORIGINS],
        "font-src": [SELF],
        "worker-src": [SELF],
        "manifest-src": [SELF],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    },
}
INSTALLED_APPS.append("csp")  # its system checks refuse settings of django-csp 3
# Right after SecurityMiddleware: every response gets the header, also those that a later middleware
# answers by itself (WhiteNoise's static files, the 503 while the database is away).
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "csp.middleware.CSPMiddleware")

# --- security: private links out of logs ---
# A private token never reaches a log line: every record through the console handler (django.request
# and the rest) has `t=`/`token=` values, X-Reporter-Token and the report cookies redacted. gunicorn
# writes its own access log: scripts/run.sh gives it common.log_redaction.GunicornLogger.
LOGGING["filters"] = {**LOGGING.get("filters", {}), "redact_tokens": {"()": "common.log_redaction.RedactTokens"}}
LOGGING["handlers"]["console"]["filters"] = [*LOGGING["handlers"]["console"].get("filters", []), "redact_tokens"]

# --- security: sign-in throttling and private responses ---
# django-axes counts failed sign-ins on every way in (/masuk/, the admin, POST /api/auth/token/; see
# common/signin.py): after LAPOR_SIGNIN_FAILURES failures in a row an account, or an address, is locked
# out for 15 minutes, doubling with each further round within a day (up to 24 hours); 429 with a clear
# message. Every failure is kept (AccessFailureLog) and an administrator unlocks in the admin.
INSTALLED_APPS.append("axes")
# Axes' backend first: it refuses a locked-out account or address before any password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
# Last, as Axes asks: it turns a lockout flagged while signing in into common.signin.lockout_response.
MIDDLEWARE.append("axes.middleware.AxesMiddleware")
AXES_FAILURE_LIMIT = int(os.environ.get("LAPOR_SIGNIN_FAILURES", "5"))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # per account, and per address (any account)
AXES_COOLOFF_TIME = "common.signin.cool_off"
AXES_USE_ATTEMPT_EXPIRATION = True  # each lockout expires by its own (growing) cool-off, not the caller's
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# Sign-in records (each with its address: personal data) are deleted after this many days (housekeeping).
LAPOR_SIGNIN_RECORDS_DAYS = int(os.environ.get("LAPOR_SIGNIN_RECORDS_DAYS", "90"))
AXES_LOCKOUT_CALLABLE = "common.signin.lockout_response"
AXES_CLIENT_IP_CALLABLE = "geo_reports.abuse.client_ip"  # LAPOR_TRUSTED_PROXIES, as the rate limits
# Addresses never locked out (comma-separated, exact): the test suite's own loopback address, which
# signs in thousands of times and fuzzes the token API. Empty unless set.
AXES_IP_WHITELIST = env_list("LAPOR_SIGNIN_NEVER_LOCK", "")
AXES_NEVER_LOCKOUT_WHITELIST = bool(AXES_IP_WHITELIST)
# axes says at INFO that it started (each process) and that a success cleared 0 failures (each
# sign-in); lockouts and failures still reach the log at WARNING.
AXES_VERBOSE = False
LOGGING["loggers"]["axes"] = {"level": "WARNING"}
# Staff data and reporters' tokens are never kept by a shared cache (common/caching.py). Right after
# WhiteNoise: static files (answered by WhiteNoise) keep their long lifetimes untouched.
MIDDLEWARE.insert(
    MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1, "common.caching.PrivateResponseMiddleware"
)

# --- security: uploads ---
# A "+1" counts once per signed device cookie (geo_reports/devices.py); one address is given at most
# this many new device cookies an hour.
LAPOR_RATE_NEW_DEVICES = int(os.environ.get("LAPOR_RATE_NEW_DEVICES", "10"))
# Request bodies are refused with 413 from their Content-Length, before anything reads them
# (common/request_limits.py): any body up to Django's own limit on form fields; multipart bodies on
# the paths that take files up to what the form there can hold, plus 1 MB of fields and framing.
LAPOR_BODY_MAX_BYTES = DATA_UPLOAD_MAX_MEMORY_SIZE
_PHOTOS_BYTES = LAPOR_PHOTOS_PER_REPORT * LAPOR_PHOTO_MAX_BYTES
_DOCUMENTS_BYTES = LAPOR_DOCUMENTS_PER_REPORT * LAPOR_DOCUMENT_MAX_BYTES
_FIELDS_BYTES = 1024 * 1024
LAPOR_UPLOAD_MAX_BYTES = [
    (r"^/api/reports/$", _PHOTOS_BYTES + _DOCUMENTS_BYTES + _FIELDS_BYTES),
    (r"^/api/routing/preview/$", _PHOTOS_BYTES + _DOCUMENTS_BYTES + _FIELDS_BYTES),
    (r"^/api/reports/\d+/transition/$", LAPOR_PHOTO_MAX_BYTES + _FIELDS_BYTES),
    (r"^/open311/v2/requests\.(xml|json)$", _PHOTOS_BYTES + _FIELDS_BYTES),
    (r"^/admin/", LAPOR_PHOTO_MAX_BYTES + _FIELDS_BYTES),
]
# Right after the language is chosen (the refusal speaks the request's language, pages' and machine
# interfaces' alike) and before anything that may read the body (CSRF, Axes, the views).
MIDDLEWARE.insert(
    MIDDLEWARE.index("common.middleware.ApiLanguageMiddleware") + 1, "common.request_limits.RequestSizeLimitMiddleware"
)

# Tile cache
# Rendered report and basemap tiles kept in PostgreSQL (maps.tile_cache): at most this many (oldest
# removed first); 0 keeps none.
LAPOR_TILE_CACHE_MAX_TILES = int(os.environ.get("LAPOR_TILE_CACHE_MAX_TILES", "10000"))
