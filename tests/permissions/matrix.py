"""The permission matrix: one row per URL and method, one expected status per role.

Each app lists its rows in ``tests/permissions/cases_<app>.py`` as ``CASES``; the test in
``test_matrix.py`` checks that together they cover every URL the project routes.

Statuses: 200 page, 302 redirect (to log-in for anonymous users, or after a successful
POST), 403 may not (read-only role writing, or wrong role), 404 not theirs (another centre's
or another learner's object), 405 wrong method.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ROLES = (
    "anonymous",
    "learner",
    "other_learner",
    "assessor",
    "iqa",
    "admin",
    "eqa",
    "outsider_learner",
    "outsider_admin",
)


@dataclass(frozen=True)
class Case:
    """One URL and method with the status each role gets.

    ``kwargs`` builds the URL arguments from the ``people`` fixture (and may create objects);
    ``data`` builds the POST body. Roles not listed in ``expect`` get ``default``.
    """

    url_name: str
    expect: dict[str, int]
    default: int = 403
    method: str = "get"
    kwargs: Callable[[Any], dict[str, Any]] = field(default=lambda people: {})
    data: Callable[[Any], dict[str, Any]] = field(default=lambda people: {})
    anonymous: int = 302
    label: str = ""

    def status_for(self, role: str) -> int:
        if role == "anonymous":
            return self.anonymous
        return self.expect.get(role, self.default)

    @property
    def id(self) -> str:
        return f"{self.method.upper()} {self.url_name}{' ' + self.label if self.label else ''}"
