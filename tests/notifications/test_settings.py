"""SITE_URL, the address links in emails start with: derived where it safely can be, and a
bad value fails loudly at start-up."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _site_url(**env: str) -> subprocess.CompletedProcess:
    production = {
        "DEBUG": "0",
        "SECRET_KEY": "s" * 50,
        "RECORD_MAC_KEY": "k" * 40,
        "ALLOWED_HOSTS": "portal.example.org",
    }
    clean = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", *production}}
    return subprocess.run(
        [sys.executable, "-c", "from portal import settings; print(settings.SITE_URL)"],
        cwd=ROOT,
        env={**clean, **production, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_defaults_to_the_first_allowed_host() -> None:
    assert _site_url().stdout.strip() == "https://portal.example.org"
    assert _site_url(SITE_URL="https://cp.example.org:8443/").stdout.strip() == (
        "https://cp.example.org:8443"
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ALLOWED_HOSTS": ".example.org"}, "SITE_URL must be set"),
        ({"SITE_URL": "portal.example.org"}, "SITE_URL must be the portal's address"),
        ({"SITE_URL": "https://portal.example.org/app"}, "SITE_URL must be the portal's address"),
        ({"NOTIFICATION_RETENTION_DAYS": "0"}, "NOTIFICATION_RETENTION_DAYS must be 1 or more"),
    ],
)
def test_bad_values_fail_loudly(env: dict[str, str], message: str) -> None:
    result = _site_url(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr
