"""The one settings file. Everything that differs between machines comes from the environment.

Development defaults are safe and embedded: SQLite, a private local folder for evidence,
background tasks stored in the database and run by ``manage.py db_worker``.
Production sets ``DEBUG=0`` and must then supply ``SECRET_KEY``, ``RECORD_MAC_KEY`` and
``ALLOWED_HOSTS``.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY", "")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Development only: a key kept in the untracked var/ folder so sessions survive restarts.
    key_file = BASE_DIR / "var" / "dev-secret-key"
    if not key_file.exists():
        from django.core.management.utils import get_random_secret_key

        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(get_random_secret_key())
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()


def _record_mac_keys() -> tuple[str, dict[str, str]]:
    """The decision record's MAC keys: (current key id, {key id: secret}).

    RECORD_MAC_KEY signs new entries under the id RECORD_MAC_KEY_ID; RECORD_MAC_KEYS keeps
    retired keys verifiable, as ``id=secret`` pairs separated by commas. Kept outside the
    database, so someone who can write to the database cannot recompute a valid MAC."""
    current_id = env_str("RECORD_MAC_KEY_ID", "k1").strip()
    key = os.environ.get("RECORD_MAC_KEY", "")
    if not key:
        if not DEBUG:
            raise ImproperlyConfigured("RECORD_MAC_KEY must be set when DEBUG is off.")
        # Development only, like SECRET_KEY: a key kept in the untracked var/ folder.
        current_id = "dev"
        key_file = BASE_DIR / "var" / "dev-record-mac-key"
        if not key_file.exists():
            import secrets

            key_file.parent.mkdir(parents=True, exist_ok=True)
            key_file.write_text(secrets.token_hex(32))
            key_file.chmod(0o600)
        key = key_file.read_text().strip()
    if len(key) < 32:
        raise ImproperlyConfigured("RECORD_MAC_KEY must be at least 32 characters long.")
    keys = {}
    for pair in env_list("RECORD_MAC_KEYS", []):
        key_id, sep, secret = pair.partition("=")
        if not sep or not key_id.strip() or len(secret.strip()) < 32:
            raise ImproperlyConfigured(
                "RECORD_MAC_KEYS must be id=secret pairs (secrets of 32 characters or more), "
                "separated by commas."
            )
        keys[key_id.strip()] = secret.strip()
    if not current_id or any(c in current_id for c in "=, "):
        raise ImproperlyConfigured(f"RECORD_MAC_KEY_ID is not a usable key id: {current_id!r}")
    if keys.get(current_id, key) != key:
        raise ImproperlyConfigured(
            f"RECORD_MAC_KEYS has a different secret for the current key id {current_id!r}."
        )
    keys[current_id] = key
    return current_id, keys


RECORD_MAC_KEY_ID, RECORD_MAC_KEYS = _record_mac_keys()
# The record's head is anchored outside the database by ``manage.py anchor_record``: a line
# per centre appended to this file, and optionally emailed to ANCHOR_EMAIL (comma-separated).
RECORD_ANCHOR_PATH = Path(
    env_str("RECORD_ANCHOR_PATH", str(BASE_DIR / "var" / "record-anchors.log"))
)
ANCHOR_EMAIL = env_list("ANCHOR_EMAIL", [])
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "portal.admin_site.PlatformAdminConfig",  # django.contrib.admin, for superusers only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # Ours, lowest first: standards <- assessments <- evidence <- review, portal on top.
    "standards",
    "assessments",
    "evidence",
    "review",
    "quality",
    "portal.accounts",
    "portal.centres",
    "portal.portfolio",
    "portal.privacy",
    "portal.notifications",
    "portal.badges",
    "portal.staff",
    "portal.visits",
    "portal.transfer",
    "portal",
]

MIDDLEWARE = [
    # First: every log line of the request, and its tasks, carry the request id.
    "portal.observability.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "portal.security.IdleSessionMiddleware",
    "portal.accounts.two_factor.TwoFactorMiddleware",
    "portal.security.PrivateCacheMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "portal.middleware.CentreTimezoneMiddleware",
    # Last, so it turns a lock-out flagged anywhere below into the locked-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


# Persistent connections: each web thread or worker keeps its connection for CONN_MAX_AGE
# seconds (0 closes it after every request, "none" keeps it forever) and, with
# CONN_HEALTH_CHECKS, checks it is still alive before reusing it after a request.
# DB_CONN_MAX_AGE is the older name of CONN_MAX_AGE.
def _conn_max_age() -> int | None:
    value = os.environ.get("CONN_MAX_AGE") or os.environ.get("DB_CONN_MAX_AGE") or "0"
    if value.strip().lower() == "none":
        return None
    try:
        seconds = int(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"CONN_MAX_AGE must be a number of seconds or 'none', not {value!r}"
        ) from None
    if seconds < 0:
        raise ImproperlyConfigured("CONN_MAX_AGE must not be negative.")
    return seconds


DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'portal.sqlite3'}"),
        conn_max_age=_conn_max_age(),
        conn_health_checks=env_bool("CONN_HEALTH_CHECKS", True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    # WAL lets the web process read while the task worker writes.
    DATABASES["default"]["OPTIONS"].setdefault(
        "init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)

AUTH_USER_MODEL = "accounts.User"
# Axes first: it refuses a locked-out username+address before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["portal.formats"]  # UK dates, 24-hour times

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "var" / "static")))

# Evidence lives outside anything served: a private folder by default, S3 when configured.
PRIVATE_STORAGE_ROOT = Path(env_str("PRIVATE_STORAGE_ROOT", str(BASE_DIR / "var" / "private")))
EVIDENCE_STORAGE = env_str("EVIDENCE_STORAGE", "local")  # "local" or "s3"
if EVIDENCE_STORAGE == "local":
    _private_storage: dict = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_STORAGE_ROOT), "base_url": None},
    }
elif EVIDENCE_STORAGE == "s3":
    # Any S3-compatible store (AWS, MinIO, Ceph, moto). Keys come from S3_ACCESS_KEY_ID and
    # S3_SECRET_ACCESS_KEY, else from the usual AWS variables, profile or instance role.
    _private_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ.get("S3_BUCKET", ""),
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION") or None,
            "access_key": os.environ.get("S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY") or None,
            "addressing_style": os.environ.get("S3_ADDRESSING_STYLE") or None,
            "signature_version": "s3v4",
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": env_int("S3_SIGNED_URL_SECONDS", 60),
            "file_overwrite": False,
        },
    }
    if not _private_storage["OPTIONS"]["bucket_name"]:
        raise ImproperlyConfigured("S3_BUCKET must be set when EVIDENCE_STORAGE=s3.")
    if _private_storage["OPTIONS"]["addressing_style"] not in {None, "auto", "path", "virtual"}:
        raise ImproperlyConfigured("S3_ADDRESSING_STYLE must be auto, path or virtual.")
else:
    raise ImproperlyConfigured(
        f"EVIDENCE_STORAGE must be 'local' or 's3', not {EVIDENCE_STORAGE!r}"
    )

# Downloads from the object store are 302s to a signed URL that expires after this many
# seconds (evidence.storage); S3_PUBLIC_ENDPOINT_URL signs them for the address browsers use
# when the web servers reach the store by another (e.g. http://minio:9000 inside compose).
S3_SIGNED_URL_SECONDS = env_int("S3_SIGNED_URL_SECONDS", 60)
if not 5 <= S3_SIGNED_URL_SECONDS <= 3600:
    raise ImproperlyConfigured("S3_SIGNED_URL_SECONDS must be between 5 and 3600.")
S3_PUBLIC_ENDPOINT_URL = env_str("S3_PUBLIC_ENDPOINT_URL", "").rstrip("/")

STORAGES = {
    "default": _private_storage,
    "private": _private_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Nothing is served from MEDIA_URL: evidence goes through access-checked views only.
MEDIA_ROOT = PRIVATE_STORAGE_ROOT
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024  # larger uploads stream to a temporary file
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
EVIDENCE_MAX_UPLOAD_BYTES = env_int("EVIDENCE_MAX_UPLOAD_BYTES", 1024 * 1024 * 1024)
# Expert witnesses write their testimony through an emailed single-use link that expires
# after WITNESS_LINK_DAYS (evidence.witness).
WITNESS_LINK_DAYS = env_int("WITNESS_LINK_DAYS", 14)
if not 1 <= WITNESS_LINK_DAYS <= 90:
    raise ImproperlyConfigured("WITNESS_LINK_DAYS must be between 1 and 90.")
# Office macros, embedded programs and PDF JavaScript: "refuse" the upload, or "flag" it to
# the assessor on the review page.
EVIDENCE_ACTIVE_CONTENT = env_str("EVIDENCE_ACTIVE_CONTENT", "refuse")
if EVIDENCE_ACTIVE_CONTENT not in {"refuse", "flag"}:
    raise ImproperlyConfigured(
        f"EVIDENCE_ACTIVE_CONTENT must be 'refuse' or 'flag', not {EVIDENCE_ACTIVE_CONTENT!r}"
    )
# Malware scanning of every uploaded file by the task worker before it can be reviewed:
# "" (none), or "clamd" with CLAMD_ADDRESS "tcp://host:3310" or "unix:///run/clamd.ctl".
EVIDENCE_MALWARE_SCANNER = env_str("EVIDENCE_MALWARE_SCANNER", "")
if EVIDENCE_MALWARE_SCANNER not in {"", "clamd", "eicar-test"}:
    raise ImproperlyConfigured(
        "EVIDENCE_MALWARE_SCANNER must be empty or 'clamd' ('eicar-test' is for tests), "
        f"not {EVIDENCE_MALWARE_SCANNER!r}"
    )
CLAMD_ADDRESS = env_str("CLAMD_ADDRESS", "tcp://127.0.0.1:3310")
if not CLAMD_ADDRESS.startswith(("tcp://", "unix://")):
    raise ImproperlyConfigured(f"CLAMD_ADDRESS must start tcp:// or unix://, not {CLAMD_ADDRESS!r}")
CLAMD_TIMEOUT_SECONDS = env_int("CLAMD_TIMEOUT_SECONDS", 120)
# First-page previews of PDF and Word evidence, rendered by the task worker (evidence.previews).
EVIDENCE_PREVIEWS = env_bool("EVIDENCE_PREVIEWS", True)

# Background tasks: stored in the database and run by `manage.py db_worker` by default;
# TASK_BACKEND=rq with REDIS_URL scales out onto RQ workers.
TASK_BACKEND = env_str("TASK_BACKEND", "database")
if TASK_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
elif TASK_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    RQ_QUEUES = {"default": {"URL": env_str("REDIS_URL", "redis://127.0.0.1:6379/0")}}
    # Workers (`manage.py rqworker --with-scheduler`) must run jobs as django-tasks' Job.
    RQ = {"JOB_CLASS": "django_tasks_rq.backend.Job"}
elif TASK_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    raise ImproperlyConfigured(
        f"TASK_BACKEND must be 'database', 'rq' or 'immediate', not {TASK_BACKEND!r}"
    )

# `manage.py cleanup` deletes finished task results after this many days, failed ones (shown
# to admins on the failed-tasks page) after FAILED_TASK_RETENTION_DAYS.
TASK_RESULT_RETENTION_DAYS = env_int("TASK_RESULT_RETENTION_DAYS", 14)
FAILED_TASK_RETENTION_DAYS = env_int("FAILED_TASK_RETENTION_DAYS", 30)
if TASK_RESULT_RETENTION_DAYS < 1 or FAILED_TASK_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("Task result retention must be at least one day.")

# Portfolio export (portal.portfolio): archival PDFs rendered by the task worker.
PORTFOLIO_EMBED_MAX_BYTES = env_int("PORTFOLIO_EMBED_MAX_BYTES", 20 * 1024 * 1024)
# /portfolio/verify/ accepts PDFs of at most this size (was 2 GB). A PDF embeds each evidence
# file of up to PORTFOLIO_EMBED_MAX_BYTES and images downscaled to PORTFOLIO_IMAGE_MAX_PX, so a
# typical portfolio is tens of MB; 256 MB covers a long one with several embedded videos while
# bounding the disk, hashing (~0.5 s) and parsing one signed-in request can cost. A larger PDF
# is verified by its verification code instead.
PORTFOLIO_VERIFY_MAX_BYTES = env_int("PORTFOLIO_VERIFY_MAX_BYTES", 256 * 1024 * 1024)
# The manifest embedded in an exported PDF: its inflated size and JSON nesting are capped.
PORTFOLIO_MANIFEST_MAX_BYTES = env_int("PORTFOLIO_MANIFEST_MAX_BYTES", 16 * 1024 * 1024)
PORTFOLIO_EXPORT_TTL_HOURS = env_int("PORTFOLIO_EXPORT_TTL_HOURS", 72)
PORTFOLIO_IMAGE_MAX_PX = env_int("PORTFOLIO_IMAGE_MAX_PX", 1200)
PORTFOLIO_PDF_VARIANT = env_str("PORTFOLIO_PDF_VARIANT", "pdf/a-3a")
if PORTFOLIO_PDF_VARIANT not in {"pdf/a-3a", "pdf/a-3b", "pdf/a-3u"}:
    raise ImproperlyConfigured(
        "PORTFOLIO_PDF_VARIANT must be pdf/a-3a, pdf/a-3b or pdf/a-3u, "
        f"not {PORTFOLIO_PDF_VARIANT!r}"
    )

# Portable portfolios (portal.transfer): the Ed25519 private key that signs packages, as a PEM
# file outside the database (generated into var/ in development); the key ids of other
# installations whose packages we accept as coming from them; the caps on an uploaded package.
TRANSFER_SIGNING_KEY_FILE = env_str(
    "TRANSFER_SIGNING_KEY_FILE",
    str(BASE_DIR / "var" / "dev-transfer-signing-key.pem") if DEBUG else "",
)
TRANSFER_TRUSTED_KEY_IDS = env_list("TRANSFER_TRUSTED_KEY_IDS", [])
TRANSFER_MAX_PACKAGE_BYTES = env_int("TRANSFER_MAX_PACKAGE_BYTES", 1024 * 1024 * 1024)
TRANSFER_MAX_MEMBERS = env_int("TRANSFER_MAX_MEMBERS", 5000)
TRANSFER_MAX_MEMBER_BYTES = env_int("TRANSFER_MAX_MEMBER_BYTES", 512 * 1024 * 1024)
TRANSFER_MAX_TOTAL_BYTES = env_int("TRANSFER_MAX_TOTAL_BYTES", 2 * 1024 * 1024 * 1024)
TRANSFER_MAX_MANIFEST_BYTES = env_int("TRANSFER_MAX_MANIFEST_BYTES", 16 * 1024 * 1024)

# Data protection (portal.privacy). The centre running this installation is the controller of
# its people's data; whoever hosts it for them is its processor. The privacy notice and the
# accessibility statement name them from these settings and say so plainly when one is unset.
PRIVACY_CONTROLLER_NAME = env_str("PRIVACY_CONTROLLER_NAME", "")
PRIVACY_CONTROLLER_CONTACT = env_str("PRIVACY_CONTROLLER_CONTACT", "")
PRIVACY_DPO_CONTACT = env_str("PRIVACY_DPO_CONTACT", "")
PRIVACY_PROCESSOR_NAME = env_str("PRIVACY_PROCESSOR_NAME", "")
ACCESSIBILITY_CONTACT = env_str("ACCESSIBILITY_CONTACT", "")
SUBJECT_ACCESS_EXPORT_TTL_HOURS = env_int("SUBJECT_ACCESS_EXPORT_TTL_HOURS", 72)
if not 1 <= SUBJECT_ACCESS_EXPORT_TTL_HOURS <= 24 * 30:
    raise ImproperlyConfigured(
        "SUBJECT_ACCESS_EXPORT_TTL_HOURS must be between 1 and 720, "
        f"not {SUBJECT_ACCESS_EXPORT_TTL_HOURS}"
    )

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "portal@localhost")


def _site_url() -> str:
    """The portal's address as people reach it, for links in emails (no trailing slash).
    Unset, it is http://localhost:8000 in development and https://<first ALLOWED_HOSTS
    name> in production."""
    default = ""
    if DEBUG:
        default = "http://localhost:8000"
    elif ALLOWED_HOSTS and not ALLOWED_HOSTS[0].startswith((".", "*")):
        default = f"https://{ALLOWED_HOSTS[0]}"
    url = env_str("SITE_URL", default).rstrip("/")
    if not url:
        raise ImproperlyConfigured(
            "SITE_URL must be set (e.g. https://portal.example.org) when DEBUG is off and the "
            "first ALLOWED_HOSTS entry is a wildcard: emails link to it."
        )
    parts = url.split("/")
    if not url.startswith(("http://", "https://")) or len(parts) != 3 or not parts[2]:
        raise ImproperlyConfigured(
            f"SITE_URL must be the portal's address, like https://portal.example.org, not {url!r}"
        )
    return url


# Notifications (portal.notifications): links in emails start with SITE_URL; read
# notifications are deleted after NOTIFICATION_RETENTION_DAYS by `manage.py send_digests`.
SITE_URL = _site_url()
NOTIFICATION_RETENTION_DAYS = env_int("NOTIFICATION_RETENTION_DAYS", 180)
if NOTIFICATION_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("NOTIFICATION_RETENTION_DAYS must be 1 or more.")

# Open Badges (portal.badges): the Ed25519 private key that signs badges, as a PEM file kept
# outside the database. Unset in development, one is generated once into var/; unset in
# production, claiming a badge says badges are not configured. BADGE_RETIRED_KEY_FILES lists
# (comma-separated) PEM files of retired keys whose public halves stay published for
# verification after a rotation.
BADGE_SIGNING_KEY_FILE = env_str(
    "BADGE_SIGNING_KEY_FILE",
    str(BASE_DIR / "var" / "dev-badge-signing-key.pem") if DEBUG else "",
)
BADGE_RETIRED_KEY_FILES = env_list("BADGE_RETIRED_KEY_FILES", [])
for _retired in BADGE_RETIRED_KEY_FILES:
    if not Path(_retired).is_file():
        raise ImproperlyConfigured(
            f"BADGE_RETIRED_KEY_FILES names {_retired}, which is not a file."
        )

# Security. Production (DEBUG off) turns on HTTPS-only cookies and HSTS.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]  # load balancers probe over plain HTTP
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Log-in protection (django-axes): failed passwords on the log-in page, the admin's log-in and
# every re-authentication (sign-off, role changes) count against the username from one
# address; at the limit both are locked out for the cool-off. `manage.py axes_reset_username`
# or the admin ("Access attempts") unlocks.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "portal.security.locked_out"  # templates/registration/locked_out.html
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_CLIENT_IP_CALLABLE = "portal.security.client_ip"
AXES_VERBOSE = False
# Only failed attempts are kept, and only until their cool-off ends (the privacy notice says so);
# successful log-ins are not logged with their address.
AXES_DISABLE_ACCESS_LOG = True
if AXES_FAILURE_LIMIT < 1 or timedelta(0) >= AXES_COOLOFF_TIME:
    raise ImproperlyConfigured("LOGIN_FAILURE_LIMIT and LOGIN_COOLOFF_MINUTES must be positive.")

# Sessions end after SESSION_IDLE_TIMEOUT seconds without a request and SESSION_MAX_AGE seconds
# after log-in, whichever comes first (portal.security.IdleSessionMiddleware).
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 30 * 60)
SESSION_COOKIE_AGE = env_int("SESSION_MAX_AGE", 12 * 60 * 60)
# The last-seen time is written at most this often (seconds), so a page's many requests (htmx,
# media) don't each rewrite the session; the idle timeout is exact to within this.
SESSION_IDLE_RESOLUTION = 30
if SESSION_IDLE_TIMEOUT < 60 or SESSION_COOKIE_AGE < SESSION_IDLE_TIMEOUT:
    raise ImproperlyConfigured(
        "SESSION_IDLE_TIMEOUT must be at least 60 seconds and SESSION_MAX_AGE at least as long."
    )

# Two-factor (django-otp, TOTP): staff of a centre that sets Centre.require_staff_2fa must use
# it; superusers (platform operators) must whenever ADMIN_REQUIRE_2FA is on (the default).
ADMIN_REQUIRE_2FA = env_bool("ADMIN_REQUIRE_2FA", True)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Competence Portfolio")

# Content-Security-Policy (django-csp 4): scripts and styles from our own static files only;
# no inline script, no inline style attributes, no plug-ins, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "media-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# Logs go to standard error: one JSON object per line when LOG_FORMAT=json (the default with
# DEBUG off), with the request id of the request or task that wrote it (portal.observability).
LOG_FORMAT = env_str("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be 'text' or 'json', not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "portal.observability.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # WeasyPrint and fontTools narrate every rendering step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "pikepdf": {"level": "WARNING"},
    },
}
