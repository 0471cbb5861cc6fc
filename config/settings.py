"""Settings for both run modes.

Embedded default: SpatiaLite file, in-memory channel layer, media on disk.
Production: DATABASE_URL=postgis://… and REDIS_URL=redis://… switch the database and the
channel layer; nothing else changes.
"""

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

from maps.basemap import basemap_from

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("GONGZHI_VAR_DIR", BASE_DIR / "var"))


def _env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = _env_bool("DJANGO_DEBUG", False)
# The embedded mode runs on a laptop or a street office's one server: an insecure fallback
# key is tolerated only there, and `check --deploy` flags it.
DEMO_SECRET_KEY = "embedded-insecure-key-change-me-in-production"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", DEMO_SECRET_KEY)
# GONGZHI_PROFILE=production: served behind a TLS proxy (see "Production profile" below);
# common/checks.py then refuses to start with the public demo keys.
PROFILE = os.environ.get("GONGZHI_PROFILE", "embedded")
ALLOWED_HOSTS = _env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = _env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.forms",  # the widget templates, found through TEMPLATES (FORM_RENDERER below)
    "channels",
    "leaflet",
    "ninja",  # Swagger UI from its own static files, not a CDN
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "common",
    "infra",
    "accounts",
    "grid",
    "maps",
    "notices",
    "realtime",
    "feedback",
    "notifications",
    "consultation",
    "voting",
    "opinions",
    "demo",  # the demo district (manage.py demo): imported by no domain app
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # every error under /api/ leaves as problem+json, whoever refused the request
    "common.middleware.ApiProblemMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # zh-Hans unless the user chose otherwise; Accept-Language only for machine clients
    "common.middleware.PageLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.AuditContextMiddleware",
    "accounts.middleware.StaffIdleTimeoutMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    # a signed-in page's place in the event stream, read before the view reads data
    "realtime.pages.StreamPosition",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # "database is locked" from a page, /login/ or Open311 is a 503 with Retry-After
    "infra.busy.DatabaseBusyMiddleware",
    # Last, as django-axes asks: it turns a request its backend refused into the
    # lockout answer (accounts.lockout).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
# Django's CSRF refusal is an English page; ours is Chinese (problem+json under /api/).
CSRF_FAILURE_VIEW = "common.views.csrf_failure"
ASGI_APPLICATION = "config.asgi.application"
# Threads that run Django for HTTP requests in each server process (config/asgi.py).
HTTP_THREADS = int(os.environ.get("GONGZHI_HTTP_THREADS", "4"))
# Request bodies are read whole before Django sees them (infra/asgi_body.py), and refused
# by their Content-Length before a byte is read: HTTP_BODY_MAX everywhere, the upload
# limit (nine photos of 12 MB and the form around them) on the routes that take photos.
HTTP_BODY_MAX = int(os.environ.get("GONGZHI_BODY_MAX_KB", "1024")) * 1024
HTTP_UPLOAD_BODY_MAX = int(os.environ.get("GONGZHI_UPLOAD_MAX_MB", "120")) * 1024 * 1024
HTTP_UPLOAD_PATHS = [
    r"^/cases/(report|on-spot|\d+/handle)/$",
    r"^/api/v1/cases/(on-spot|\d+/photos|\d+/handle)$",
    r"^/open311/v2/requests\.(json|xml)$",
    r"^/notices/(new|\d+/edit)/$",  # notice attachments (notices.attachments)
    r"^/topics/(create|actions/\d+/update)/$",  # topic files, follow-up photos
    r"^/api/v1/consultation/actions/\d+/updates$",
]
# A body that pauses longer than this, or averages less than HTTP_BODY_MIN_RATE bytes/s
# after its first HTTP_BODY_IDLE_SECONDS, is cut with 408 (a slow-sending client holds
# a place of HTTP_UPLOADS_READING, never a thread).
HTTP_BODY_IDLE_SECONDS = 20
HTTP_BODY_MIN_RATE = 20_000
# Per server process: photo uploads being read at once, and in Django threads at once
# (one fewer than the threads, so GETs always find one); waiting longer than
# HTTP_UPLOAD_WAIT_SECONDS for a place answers 503 + Retry-After.
HTTP_UPLOADS_READING = int(os.environ.get("GONGZHI_UPLOADS_READING", "16"))
HTTP_UPLOADS_WORKING = max(1, HTTP_THREADS - 1)
HTTP_UPLOAD_WAIT_SECONDS = 5
WSGI_APPLICATION = None

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
                "realtime.pages.live_position",
                "notifications.context_processors.inbox",
                "feedback.context_processors.case_entry",
            ],
        },
    },
]

# Widgets render through TEMPLATES, so templates/ may override a library's widget
# (templates/leaflet/admin/widget.html gives the admin map's draw toolbar its Chinese).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- database -------------------------------------------------------------------------
# SQLite has one writer at a time. A transaction that reads and then writes cannot be
# upgraded while another writes ("database is locked" at once), so each transaction
# takes the write lock when it begins and the others queue for up to `timeout` s
# (infra/sqlite.py sets it again after mod_spatialite, whose loading resets it to 5 s).
# WAL lets readers go on while one writes (the rollback journal blocks them).
SPATIALITE_OPTIONS = {
    "timeout": 20,
    "transaction_mode": "IMMEDIATE",
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
DATABASE_URL = os.environ.get("DATABASE_URL") or f"spatialite:///{VAR_DIR / 'gongzhi.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
if DATABASES["default"]["ENGINE"].endswith("spatialite"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # Each HTTP thread keeps its connection (the pool of threads is fixed, config/asgi.py):
    # opening one loads SpatiaLite, which cost more CPU than the request it served.
    DATABASES["default"]["CONN_MAX_AGE"] = None
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"]["OPTIONS"] = SPATIALITE_OPTIONS
    # The test database is a file, not memory: browser tests of live pages serve it
    # from a real server process (tests/e2e/served.py), as Channels' own live server does.
    # One file per test process: several suites may run at once.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-spatialite-{os.getpid()}.sqlite3")}
else:
    # PostgreSQL connections come from a pool and go back after each request.
    DATABASES["default"]["OPTIONS"] = {
        "pool": {
            "min_size": int(os.environ.get("GONGZHI_DB_POOL_MIN", "2")),
            "max_size": int(os.environ.get("GONGZHI_DB_POOL_MAX", "20")),
            "timeout": 10,
        }
    }
# A report's rows as one statement on PostgreSQL (infra.db.insert_together, through
# Django's private InsertQuery): off runs the plain ORM saves, the reference path.
ONE_STATEMENT_INSERTS = _env_bool("GONGZHI_ONE_STATEMENT_INSERTS", True)
# Hot statements (a bearer token, a ballot being voted on, the voter's register row, the
# live tally) compiled once per connection and run with new values (infra.django_private
# ReusedSelect/ReusedUpdate, Django's private SQLCompiler): off compiles every time.
REUSE_COMPILED_STATEMENTS = _env_bool("GONGZHI_REUSE_COMPILED_STATEMENTS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SPATIALITE_LIBRARY_PATH = os.environ.get("SPATIALITE_LIBRARY_PATH", "mod_spatialite")

# --- channel layer --------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "realtime.layers.PipelinedPubSubLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
else:
    # One channel per process carries every group's events to its hub (realtime/hub.py):
    # room for a burst, not the library's 100.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels.layers.InMemoryChannelLayer",
            "CONFIG": {"capacity": 10_000},
        }
    }

# --- caches ---------------------------------------------------------------------------
# "memo" keeps hot reads for seconds (infra/memo.py): who holds a token, a user's roles,
# categories. On Redis every process shares it, so a forgotten token or role stops
# everywhere at once; the embedded mode is one process, and local memory is enough.
# One Redis client per pool, not one per call (infra/django_private.py; off: Django's own).
_REDIS_CACHE = (
    "infra.django_private.ReusedClientRedisCache"
    if _env_bool("GONGZHI_REDIS_CLIENT_REUSE", True)
    else "django.core.cache.backends.redis.RedisCache"
)
_MEMO_CACHE = (
    # short timeouts: with Redis away, the memo reads the database (infra/memo.py)
    {
        "BACKEND": _REDIS_CACHE,
        "LOCATION": REDIS_URL,
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
    }
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "memo",
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }
)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "memo": {**_MEMO_CACHE, "KEY_PREFIX": "memo"},
}
# With Redis, a batch of events leaves in one pipeline per shard (realtime/layers.py,
# through channels-redis internals); off sends each with the public group_send.
REALTIME_PIPELINED_SENDS = _env_bool("GONGZHI_REDIS_PIPELINE", True)
# At shutdown the server's sender gets this long to send what is queued; anything left
# stays in the outbox (realtime.Event) for a reconnecting screen to replay.
REALTIME_SHUTDOWN_DRAIN_SECONDS = 5
# Under uvicorn, the hub frames an event once and writes the same bytes to every socket
# of its group (infra/uvicorn_private.py, uvicorn internals); off: ASGI send per socket.
REALTIME_SHARED_FRAMES = _env_bool("GONGZHI_SHARED_FRAMES", True)
# A socket whose client leaves this much unread is closed (4408); it reconnects and
# replays what it missed, instead of the server holding a backlog for it.
REALTIME_SLOW_SOCKET_BYTES = 1_000_000

# Which event groups a socket may join: each domain's access policy answers for its own
# events (realtime.consumers asks every source and joins the union).
REALTIME_GROUP_SOURCES = ["feedback.access.socket_groups", "notices.access.socket_groups"]
# An open socket re-checks its session, account and groups this often: the longest a
# socket outlives an expired session, a deactivated account or a removed role.
REALTIME_SESSION_CHECK_SECONDS = float(os.environ.get("GONGZHI_SOCKET_CHECK_SECONDS", "30"))
# A reconnecting page gets the events it missed from the outbox for this long (older:
# it reloads its data). One shared read serves at most REALTIME_REPLAY_LIMIT events.
REALTIME_REPLAY_SECONDS = int(os.environ.get("GONGZHI_REPLAY_SECONDS", str(24 * 3600)))
REALTIME_REPLAY_LIMIT = 5000
# `manage.py prune_events` keeps this many days of the outbox (run it daily).
REALTIME_EVENT_RETENTION_DAYS = float(os.environ.get("GONGZHI_EVENT_RETENTION_DAYS", "30"))
# Outbox readers (replay, relay, notifications) also re-read this far back: an event
# whose transaction took its id first can commit after a later one.
REALTIME_LATE_COMMIT_SECONDS = 30
# Each server process reads the outbox this often for its sockets and sends what the
# channel layer did not deliver (realtime/hub.py).
REALTIME_RELAY_SECONDS = float(os.environ.get("GONGZHI_RELAY_SECONDS", "2"))
# ...and leaves an event this young to the layer (a busy layer is late, not lossy).
REALTIME_RELAY_GRACE_SECONDS = 3.0

# --- auth -----------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Pluggable SMS sender for one-time codes; the embedded mode prints codes to the console.
SMS_SENDER = os.environ.get("GONGZHI_SMS_SENDER", "accounts.sms.ConsoleSender")
OTP_TTL_SECONDS = 300
# How long the memo cache keeps who holds a token and which roles a user has (infra/
# memo.py). Writes forget their entries on commit, so this bounds only writes that bypass
# the services (a raw UPDATE in a shell).
AUTH_MEMO_SECONDS = float(os.environ.get("GONGZHI_AUTH_MEMO_SECONDS", "10"))
OTP_MAX_ATTEMPTS = 5
# One code per phone per OTP_RESEND_SECONDS, at most OTP_MAX_PER_HOUR an hour: SMS cost
# money and a flood of codes is harassment.
OTP_RESEND_SECONDS = 60
OTP_MAX_PER_HOUR = 5
# Per client IP (django-ratelimit, counted in the default cache): codes texted, and
# registrations that look a name and ID number up. A per-phone limit alone let one client
# text eight phones. A code also stops after OTP_MAX_ATTEMPTS wrong codes and lookups.
REGISTRATION_SMS_RATE = "10/h"
REGISTRATION_LOOKUP_RATE = "20/h"
# Open311 reads without an api_key list the public cases under this area code ("" = every
# area of the platform); with a key, those of the key's communities.
OPEN311_PUBLIC_AREA = os.environ.get("GONGZHI_OPEN311_PUBLIC_AREA", "")
# Residents log in with their phone number; staff with their username. The backend
# checks the lockout (django-axes) first.
AUTHENTICATION_BACKENDS = ["accounts.backends.PhoneOrUsernameBackend"]
# Lockout (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one account from one
# IP, that account is refused from that IP until the cool-off ends or staff unlock it
# (`manage.py axes_reset_username <name>`, or the admin's access attempts).
AXES_FAILURE_LIMIT = int(os.environ.get("GONGZHI_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("GONGZHI_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# accounts/admin_sign_in.py shows axes' records under Chinese names; axes' own English ones
# stay unregistered, and its start-up banner stays out of every command's output.
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
# Bearer tokens expire this many days after they are issued.
API_TOKEN_DAYS = int(os.environ.get("GONGZHI_TOKEN_DAYS", "30"))
# A token's last use is written once per 5 minutes per process, and the first uses of
# this many seconds go out together in one UPDATE (accounts.tokens.LastUse; 0: at once).
API_TOKEN_LAST_USE_BATCH_SECONDS = float(os.environ.get("GONGZHI_TOKEN_LAST_USE_BATCH", "30"))
# TOTP two-factor (django-otp) is required of users holding these roles, and of
# superusers. TWO_FACTOR_ENFORCED exists for the test suite (tests/conftest.py).
TWO_FACTOR_ROLES = _env_list("GONGZHI_2FA_ROLES", "supervisor,admin")
TWO_FACTOR_ENFORCED = True
OTP_TOTP_ISSUER = "Gongzhi"
# A staff session with no request for this long is logged out; residents keep theirs.
STAFF_IDLE_SECONDS = 60 * int(os.environ.get("GONGZHI_STAFF_IDLE_MINUTES", "30"))
# Security events (accounts.audit) are kept at least this long (purge_security_log).
SECURITY_LOG_MIN_DAYS = 180

# --- personal data --------------------------------------------------------------------
# Fernet keys, newest first: encrypt with the first, decrypt with any (rotation).
# The hash key makes ID numbers and phones searchable without storing them in clear.
# The defaults are public demo values: the production profile refuses them (common/checks.py).
DEMO_FIELD_KEY = "Z29uZ3poaS1lbWJlZGRlZC1kZW1vLWtleS0wMDAwMDA="
DEMO_HASH_KEY = "gongzhi-embedded-demo-hash-key"
FIELD_ENCRYPTION_KEYS = _env_list("GONGZHI_FIELD_KEYS", DEMO_FIELD_KEY)
FIELD_HASH_KEY = os.environ.get("GONGZHI_HASH_KEY", DEMO_HASH_KEY)

# --- i18n -----------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static and media -----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("GONGZHI_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# --- maps -----------------------------------------------------------------------------
# No CDN and no basemap by default: a government intranet has no internet. Point this at
# a local tile server (e.g. http://tiles.intranet/{z}/{x}/{y}.png) to get a basemap.
BASEMAP_TILE_URL = os.environ.get("GONGZHI_BASEMAP_URL", "")
BASEMAP_ATTRIBUTION = os.environ.get("GONGZHI_BASEMAP_ATTRIBUTION", "")
# xyz (any {z}/{x}/{y} server), tianditu (天地图, needs GONGZHI_TIANDITU_KEY) or none; the
# CRS the basemap is drawn in (gcj02 for AMap/Tencent tiles, bd09 for Baidu's), so the
# page shifts our WGS84 data onto it.
BASEMAP = basemap_from(
    url=BASEMAP_TILE_URL,
    kind=os.environ.get("GONGZHI_BASEMAP_KIND", ""),
    crs=os.environ.get("GONGZHI_BASEMAP_CRS", "wgs84"),
    attribution=BASEMAP_ATTRIBUTION,
    subdomains=_env_list("GONGZHI_BASEMAP_SUBDOMAINS"),
    tianditu_key=os.environ.get("GONGZHI_TIANDITU_KEY", ""),
)
# Tiles change when cases do: a browser keeps a tile this long, then asks with its ETag.
MAP_TILE_MAX_AGE = int(os.environ.get("GONGZHI_MAP_TILE_MAX_AGE", "60"))
# Deadline colours move with the clock: an ETag holds for at most this many seconds.
MAP_COLOUR_SECONDS = int(os.environ.get("GONGZHI_MAP_COLOUR_SECONDS", "300"))
LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (31.2304, 121.4737),
    "DEFAULT_ZOOM": 13,
    "TILES": [(_("底图"), BASEMAP_TILE_URL, {"attribution": BASEMAP_ATTRIBUTION})]
    if BASEMAP_TILE_URL
    else [],
    "NO_GLOBALS": False,
}

# --- grid -----------------------------------------------------------------------------
# A child boundary may stick out of its parent by this much (degrees, ~1 m) before it is
# rejected: surveyed boundaries rarely match to the centimetre.
GRID_CONTAINMENT_TOLERANCE = 0.00001

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("GONGZHI_LOG_LEVEL", "INFO")},
}

# GDAL < 3.9 cannot stop a spatial reference string from opening files or URLs (gis.W001).
# Mitigation: no user-supplied string ever reaches SpatialReference, GDALRaster or a raster
# lookup; the importers take files from the operator's command line only, and every SRID
# we accept from a request is an integer from a fixed list. See README, "Security".
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

# --- production profile ---------------------------------------------------------------
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto (and strips it from clients):
# HTTPS is trusted from that header, cookies are secure-only, HSTS is sent. Passes
# `manage.py check --deploy --fail-level WARNING` (scripts/test.sh runs it).
if PROFILE == "production":
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = _env_bool("GONGZHI_SSL_REDIRECT", True)
    if not SECURE_SSL_REDIRECT:  # the proxy redirects http:// itself
        SILENCED_SYSTEM_CHECKS.append("security.W008")
    SECURE_HSTS_SECONDS = int(os.environ.get("GONGZHI_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("GONGZHI_HSTS_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = _env_bool("GONGZHI_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = True

# Content-Security-Policy (django-csp): every script, style, font and image from this
# site; inline <script> only with the request's nonce (django-leaflet's admin widget);
# images also as data: URIs (Leaflet's and Swagger UI's icons) and from the basemap.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *BASEMAP.origins],
        "connect-src": [SELF],  # same-origin WebSockets included (CSP Level 3)
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# --- feedback -------------------------------------------------------------------------
# Office hours for deadline arithmetic; working days come from chinese-calendar
# (statutory holidays and 调休 make-up days) and the CalendarOverride table.
OFFICE_HOURS = [("09:00", "12:00"), ("13:30", "17:30")]
CASE_REOPEN_DAYS = int(os.environ.get("GONGZHI_CASE_REOPEN_DAYS", "7"))
CASE_DUPLICATE_RADIUS_M = 50
CASE_DUPLICATE_DAYS = 30
# An overdue case is escalated one level up, and again after this many working hours.
CASE_ESCALATION_REPEAT_HOURS = 8
# Embedded mode: escalate overdue cases from a thread in the web process every N seconds
# (0 turns it off; production runs `manage.py escalate_overdue` from a timer instead).
CASE_ESCALATION_INTERVAL_SECONDS = int(os.environ.get("GONGZHI_ESCALATION_INTERVAL", "0"))

# --- consultation ---------------------------------------------------------------------
# A proposed topic reaches the agenda by itself when this share of the scope's households
# (basis "household") or of its adult residents (basis "resident") support it within
# CONSULTATION_SUPPORT_DAYS of its proposal; staff may also accept it before.
CONSULTATION_SUPPORT_SHARE = float(os.environ.get("GONGZHI_SUPPORT_SHARE", "0.2"))
CONSULTATION_SUPPORT_BASIS = os.environ.get("GONGZHI_SUPPORT_BASIS", "household")
CONSULTATION_SUPPORT_DAYS = int(os.environ.get("GONGZHI_SUPPORT_DAYS", "30"))
# A comment is hidden pending review once this many people reported it.
CONSULTATION_REPORTS_TO_HIDE = int(os.environ.get("GONGZHI_REPORTS_TO_HIDE", "3"))
# Embedded mode: open and close topic phases on their dates every N seconds (0 turns it
# off; production runs `manage.py advance_topic_phases` from a timer instead).
CONSULTATION_PHASE_INTERVAL_SECONDS = int(os.environ.get("GONGZHI_PHASE_INTERVAL", "0"))

# --- opinion map ----------------------------------------------------------------------
# A participant is placed on a topic's opinion map once they voted on this many statements
# (or on all of them, when there are fewer).
OPINION_MIN_VOTES = int(os.environ.get("GONGZHI_OPINION_MIN_VOTES", "7"))
# Embedded mode: recompute the maps of topics with new votes every N seconds (0 turns it
# off; production runs `manage.py compute_opinions` from a timer instead).
OPINION_INTERVAL_SECONDS = float(os.environ.get("GONGZHI_OPINION_INTERVAL", "0"))

# --- ballots --------------------------------------------------------------------------
# Embedded mode: open and close online ballots on their dates every N seconds (0 turns it
# off; production runs `manage.py ballots_due` from a timer instead).
BALLOT_INTERVAL_SECONDS = float(os.environ.get("GONGZHI_BALLOT_INTERVAL", "0"))

# --- notifications --------------------------------------------------------------------
# The inbox is filled from the outbox by notifications.projector: each domain names its
# recipient rules and its texts (notifications sits below the domains).
NOTIFICATION_SOURCES = [
    "feedback.notify.case_notifications",
    "consultation.notify.topic_notifications",
    "voting.notify.ballot_notifications",
]
NOTIFICATION_TEXTS = ["feedback.notify.TEXTS", "consultation.notify.TEXTS", "voting.notify.TEXTS"]
# Embedded mode: project the outbox into the inboxes every N seconds and send the due
# outside messages every M seconds, from the web process (0 turns each off; production
# runs `manage.py project_notifications --loop` and `send_notifications --loop` instead).
NOTIFY_INTERVAL_SECONDS = float(os.environ.get("GONGZHI_NOTIFY_INTERVAL", "0"))
NOTIFY_SEND_INTERVAL_SECONDS = float(os.environ.get("GONGZHI_NOTIFY_SEND_INTERVAL", "0"))
# Outside channels by name (a class with reaches(user) and send(user=, text=)); the one
# outside notifications use. A WeChat channel would be one more entry.
NOTIFY_CHANNELS = {"sms": "notifications.senders.SmsChannel"}
NOTIFY_OUTSIDE_CHANNEL = "sms"
# An event older than this sends nothing outside (a projector catching up after a stop).
NOTIFY_OUTSIDE_MAX_HOURS = 24
# A refused message is tried again after NOTIFY_RETRY_SECONDS, then twice as long each
# time, NOTIFY_MAX_ATTEMPTS attempts in all; then it is given up and logged.
NOTIFY_RETRY_SECONDS = 60
NOTIFY_MAX_ATTEMPTS = 5
