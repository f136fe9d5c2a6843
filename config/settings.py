"""One settings module, configured by environment variables (see README, "Configuration").

With no variables set it runs for a newcomer: DEBUG on, SQLite, tasks in-process, mail kept
in the outbox and printed to the console. Production sets DJANGO_DEBUG=0, a secret key,
allowed hosts, DATABASE_URL, REDIS_URL and an EMAIL_URL.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import dj_email_url
from csp.constants import NONE, SELF
from kombu import Queue

from core.time import LOCAL_TZ

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Safe by default: debug (with its public key, open error pages and the outbox pages) only when
# DJANGO_DEBUG=1 says so, as `make run` does.
DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off. For development, run "
            "`make run` or set DJANGO_DEBUG=1."
        )
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
# The public address, for links in mail (password reset, invitations, calendar feeds): required in
# production, where a wrong default would send people to nowhere.
# The name people know the site by: in every mail (allauth's "Hello from ..." included).
SITE_NAME = os.environ.get("SITE_NAME", "Back on Track")
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")
if not SITE_URL:
    if not DEBUG:
        raise RuntimeError(
            "SITE_URL must be set when DJANGO_DEBUG is off: links in mail are built from it "
            "(e.g. SITE_URL=https://backontrack.example.org)."
        )
    SITE_URL = "http://127.0.0.1:8000"
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", SITE_URL)
if DEBUG and "DJANGO_ALLOWED_HOSTS" not in os.environ:
    # `make run HOST=192.168.1.5:8000`: the address links point at must also be served.
    ALLOWED_HOSTS.append(urlsplit(SITE_URL).hostname)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "csp",
    "auditlog",
    "django_celery_beat",
    "accounts",
    "schools",
    "heroes",
    "activities",
    "notifications",
    "scheduler",
    "campaigns",
    "reports",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "accounts.middleware.RolesMiddleware",
    # auditlog's middleware, extended: it also knows the person of an API call with a token,
    # whom DRF authenticates only inside the view.
    "accounts.audit.AuditMiddleware",
    "accounts.middleware.IdleSessionMiddleware",
    "accounts.middleware.RequireMFAMiddleware",
    "core.middleware.RefusalMiddleware",
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
                "accounts.context_processors.roles",
            ],
            # core is no app (it has no models), so its tags are named here.
            "libraries": {
                "when": "core.templatetags.when",
                "paging": "core.templatetags.paging",
            },
        },
    },
]

# How long a transaction waits for a row lock (core.locking) before it answers "busy, try again".
DB_LOCK_TIMEOUT_S = float(os.environ.get("DB_LOCK_TIMEOUT_S", "10"))
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Immediate transactions take the write lock at BEGIN, so two enrolments cannot both read
    # "one seat left" before either writes; the timeout lets a waiting writer queue briefly.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": DB_LOCK_TIMEOUT_S,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: email is the login; verification is required; parents and heroes may log in
# with a code sent by email; MFA (TOTP, WebAuthn) for everyone, enforced for staff and
# coordinators by accounts.middleware.RequireMFAMiddleware.
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = SITE_NAME
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG

LANGUAGE_CODE = "nl"
# Each language named in itself, so a parent who reads no Dutch finds their own in a list.
# Arabic is written right to left: base.html sets dir from LANGUAGE_BIDI.
LANGUAGES = [("nl", "Nederlands"), ("en", "English"), ("tr", "Türkçe"), ("ar", "العربية")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = LOCAL_TZ.key
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "bot",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: a Redis broker when REDIS_URL is set (production, CI). CELERY_BROKER_URL names another:
# `make run` uses kombu's filesystem transport (a folder, no server) so the demo has a real
# worker and beat. With neither, tasks run in-process and nothing runs on a schedule (tests).
# Tasks acknowledge late so a killed worker's task is delivered again.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or REDIS_URL or "memory://localhost/"
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL.startswith("memory://")
# In production, no broker means nothing runs on a schedule (lottery draws, expiries,
# reminders): /healthz then answers 503. In development that is allowed.
SCHEDULED_WORK_OPTIONAL = DEBUG
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
# Keep the worker's database connection between tasks (see scheduler/celery.py).
CELERY_DB_REUSE_MAX = 1_000_000
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_folder = Path(os.environ.get("CELERY_BROKER_FOLDER", BASE_DIR / ".run" / "broker"))
    _broker_folder.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_folder),
        "data_folder_out": str(_broker_folder),
        "control_folder": str(_broker_folder / "control"),
        "store_processed": False,
        "polling_interval": 0.2,
    }
# Three queues, so each has a pool of its own in production (docs/deploy.md): `mail` for every
# task that writes or delivers outbox mail (short, many, waits on SMTP), `matching` for the
# matching runs (CPU-bound, seconds each, one per municipality), `default` for the rest (the
# periodic scans, exports). A worker started without -Q reads all three (CELERY_TASK_QUEUES),
# so `make run`, CI and the benchmarks strand nothing. A task missing from the routes goes to
# `default`; tests/test_queues.py names every task's queue.
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES = [Queue("mail"), Queue("matching"), Queue("default")]
_MAIL_TASKS = [
    "notifications.tasks.deliver",
    "notifications.tasks.deliver_batch",
    "notifications.tasks.drain",
    "notifications.tasks.sweep_pending",
    "notifications.tasks.send_due_reminders",
    "campaigns.tasks.send_parent_message",
    "campaigns.tasks.send_due_parent_messages",
    "campaigns.tasks.send_monthly_digests",
    "heroes.tasks.remind_vog_expiring",
]
CELERY_TASK_ROUTES = {
    **{name: {"queue": "mail"} for name in _MAIL_TASKS},
    "scheduler.tasks.run_matching": {"queue": "matching"},
}
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# Beat keeps the schedule and each job's last run in the database (django-celery-beat): it
# survives restarts, admins can pause a job, and /healthz reads when scheduled work last ran.
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "notifications-sweep": {
        "task": "notifications.tasks.sweep_pending",
        "schedule": 120.0,
    },
    "activities-expire-offers": {
        "task": "activities.tasks.expire_place_offers",
        "schedule": 300.0,
    },
    "activities-draw-lotteries": {
        "task": "activities.tasks.draw_due_lotteries",
        "schedule": float(os.environ.get("LOTTERY_DRAW_EVERY_S", "60")),
    },
    "scheduler-expire-offers": {
        "task": "scheduler.tasks.expire_offers",
        "schedule": 300.0,
    },
    "scheduler-rematch": {
        "task": "scheduler.tasks.rematch_open_requests",
        "schedule": float(os.environ.get("MATCHING_EVERY_S", "900")),
    },
    "heroes-remind-vog-expiring": {
        "task": "heroes.tasks.remind_vog_expiring",
        "schedule": 86400.0,
    },
    "accounts-retention": {
        "task": "accounts.tasks.retention_run",
        "schedule": 86400.0,
    },
    "notifications-reminders": {
        "task": "notifications.tasks.send_due_reminders",
        "schedule": 300.0,
    },
    "campaigns-send-parent-messages": {
        "task": "campaigns.tasks.send_due_parent_messages",
        "schedule": 60.0,
    },
    "campaigns-monthly-digest": {
        "task": "campaigns.tasks.send_monthly_digests",
        "schedule": 86400.0,
    },
}

# Reminders (notifications/reminders.py): how long before the start each kind is sent, as
# "24h" (hours before) or "1d@15:00" (at 15:00 local time on the day before).
REMINDER_LEADS = {
    "parent_session": ["24h"],
    "hero_visit": ["48h", "2h"],
    "staff_visit": ["1d@15:00"],
}

# Matching (scheduler/runs.py): the engine's time budget per run, the travel buffer between
# visits at different schools, and how long a hero has to answer an offer.
MATCHING_TIME_LIMIT_S = float(os.environ.get("MATCHING_TIME_LIMIT_S", "10"))
MATCHING_TRAVEL_BUFFER_MIN = int(os.environ.get("MATCHING_TRAVEL_BUFFER_MIN", "30"))
OFFER_RESPONSE_HOURS = int(os.environ.get("OFFER_RESPONSE_HOURS", "48"))

# Calendar invites (notifications/ical.py): who organises the events, and the host part of
# every UID (never change it in production: calendars match events by UID).
CALENDAR_ORGANIZER_EMAIL = os.environ.get("CALENDAR_ORGANIZER_EMAIL", "agenda@backontrack.local")
CALENDAR_ORGANIZER_NAME = os.environ.get("CALENDAR_ORGANIZER_NAME", "Back on Track")
CALENDAR_UID_DOMAIN = os.environ.get("CALENDAR_UID_DOMAIN", "backontrack.local")

DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Back on Track <noreply@backontrack.local>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if os.environ.get("EMAIL_URL"):
    _email = dj_email_url.parse(os.environ["EMAIL_URL"])
    EMAIL_BACKEND = _email["EMAIL_BACKEND"]
    EMAIL_HOST = _email["EMAIL_HOST"]
    EMAIL_PORT = _email["EMAIL_PORT"]
    EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
    EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
    EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
    EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
    EMAIL_TIMEOUT = _email.get("EMAIL_TIMEOUT") or 20
    # file:///var/mail/bot keeps each message as a file (dj-email-url drops the leading slash).
    EMAIL_FILE_PATH = "/" + _email["EMAIL_FILE_PATH"].lstrip("/")
elif DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
    EMAIL_TIMEOUT = 20

# Privacy (accounts/privacy.py, accounts/retention.py; docs/privacy.md): how long an export's link
# works, and how long data is kept.
DATA_EXPORT_DAYS = int(os.environ.get("DATA_EXPORT_DAYS", "7"))
RETENTION_CHILD_SCHOOL_YEARS = int(os.environ.get("RETENTION_CHILD_SCHOOL_YEARS", "1"))
RETENTION_INVITATION_DAYS = int(os.environ.get("RETENTION_INVITATION_DAYS", "30"))
RETENTION_MAIL_DAYS = int(os.environ.get("RETENTION_MAIL_DAYS", "90"))
RETENTION_INACTIVE_DAYS = int(os.environ.get("RETENTION_INACTIVE_DAYS", str(2 * 365)))
RETENTION_WARNING_DAYS = int(os.environ.get("RETENTION_WARNING_DAYS", "30"))

# API tokens (accounts.ApiToken) stop working after this many days, and when the password changes.
API_TOKEN_DAYS = int(os.environ.get("API_TOKEN_DAYS", "90"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "accounts.authentication.ApiTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "config.permissions.SecondFactorRequired",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # drf-spectacular's schema, plus the errors every operation may answer.
    "DEFAULT_SCHEMA_CLASS": "core.api.ApiSchema",
    "EXCEPTION_HANDLER": "config.exceptions.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"anon": "60/minute", "user": "600/minute"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Back on Track API",
    "DESCRIPTION": "Schools, activities, enrolments, Local Hero and VR visits.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models call their choices field `status`: name each enum after its model.
    "ENUM_NAME_OVERRIDES": {
        "ActivityStatusEnum": "activities.models.Activity.Status",
        "EnrolmentStatusEnum": "activities.models.Enrolment.Status",
        "AttendanceStatusEnum": "activities.models.Attendance.Status",
        # The hero's decline (`code`) and the offers and requests that show it (`decline_code`).
        "DeclineCodeEnum": "scheduler.models.OfferDeclineCode",
        # What a figure is (reports): a count, a percentage, days, hours.
        "FigureKindEnum": "reports.tables.KIND_CHOICES",
        "SessionRequestKindEnum": "scheduler.models.SessionRequest.Kind",
    },
}

# --- audit trail (django-auditlog; accounts/audit.py registers the models) ---
AUDITLOG_INCLUDE_ALL_MODELS = False
# Fixtures (loaddata) are not someone's change to a record.
AUDITLOG_DISABLE_ON_RAW_SAVE = True
# --- end of the audit trail ---

# Content-Security-Policy (django-csp): scripts, styles, images and fonts from this site only; no
# inline script or style anywhere (the API's Redoc page alone allows inline styles, which Redoc
# writes at run time: config.urls).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Permissions-Policy (django-permissions-policy): no camera, microphone, location or payment;
# security keys and passkeys (WebAuthn) on this site only.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "camera": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "payment": [],
    "usb": [],
    "publickey-credentials-create": ["self"],
    "publickey-credentials-get": ["self"],
}

# Sessions end after inactivity (accounts.middleware.IdleSessionMiddleware): sooner for the people
# who see children's data (staff, coordinators, admins), and at most after SESSION_COOKIE_AGE.
SESSION_IDLE_S = int(os.environ.get("SESSION_IDLE_S", str(60 * 60 * 24 * 7)))
SESSION_IDLE_STAFF_S = int(os.environ.get("SESSION_IDLE_STAFF_S", str(60 * 60)))
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14

# Security: with DEBUG off these make `manage.py check --deploy` clean. Behind a TLS proxy set
# DJANGO_SECURE_PROXY_SSL_HEADER=1 (see docs/deploy.md).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_SSL_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
    if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Behind N proxies that set X-Forwarded-For, allauth's login limits count the family's address,
# not the proxy's (which would limit the whole site at an enrolment opening).
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "0"))
# PgBouncer in transaction mode keeps no server-side cursor between statements.
if env_bool("DATABASE_PGBOUNCER", False):
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Values sent apart from the SQL, and a statement run often on a connection prepared once
    # (psycopg prepares it on its 5th run): PostgreSQL then plans it once per connection, not
    # on every run. Planning was a third of the database's work in an enrolment rush
    # (docs/benchmarks.md). PgBouncer in transaction mode cannot keep prepared statements.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=5
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # In-process tasks would log every delivery; workers log their own tasks anyway.
        "celery.app.trace": {"level": "WARNING"},
    },
}
