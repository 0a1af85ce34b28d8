"""Rows for /health/: everyone, signed in or not, gets the same answer; it changes nothing."""

from tests.permissions.matrix import ROLES, Case

EVERYONE = {role: 200 for role in ROLES if role != "anonymous"}

CASES = [
    Case("health", EVERYONE, anonymous=200),
    Case("health", {}, method="post", default=405, anonymous=405),
]
