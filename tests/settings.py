"""Test settings: the real settings, with a fast hasher, temporary storage and eager tasks."""

import tempfile
from pathlib import Path

from portal.settings import *  # noqa: F403
from portal.settings import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
_TMP = Path(tempfile.mkdtemp(prefix="portal-tests-"))
PRIVATE_STORAGE_ROOT = _TMP / "private"
MEDIA_ROOT = PRIVATE_STORAGE_ROOT
STORAGES = {
    **STORAGES,
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_STORAGE_ROOT), "base_url": None},
    },
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_STORAGE_ROOT), "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MIDDLEWARE = [m for m in MIDDLEWARE if "whitenoise" not in m]  # noqa: F405
# Superusers' two-factor log-in is on in production; the admin's own tests log in with
# force_login. tests/portal/test_login_protection.py turns it on to test it.
ADMIN_REQUIRE_2FA = False
# django-axes needs a request on every authenticate(); the test client's login() has none.
# The lock-out tests turn it on (override_settings(AXES_ENABLED=True)) and log in by POST.
AXES_ENABLED = False
# The decision record's MAC keys: a current key and a retired one still verifiable.
RECORD_MAC_KEY_ID = "test-2"
RECORD_MAC_KEYS = {
    "test-1": "retired-test-key-" + "1" * 32,
    "test-2": "current-test-key-" + "2" * 32,
}
RECORD_ANCHOR_PATH = _TMP / "record-anchors.log"
# A slow test (a loaded machine) must not see a session write of the last-seen time in its
# query counts; tests/portal/test_login_protection.py ages sessions well past this.
SESSION_IDLE_RESOLUTION = 600
