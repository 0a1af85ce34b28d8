"""Who may open the role dashboards: the one check each dashboard view makes first.

A signed-in user without the role gets a 403 (the page exists, it is not theirs to use).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied


def require_learner(user: Any) -> None:
    if not user.is_learner:
        raise PermissionDenied("This page is for learners.")


def require_assessor(user: Any) -> None:
    if not user.is_assessor:
        raise PermissionDenied("This page is for assessors.")


def require_iqa(user: Any) -> None:
    if not user.is_iqa:
        raise PermissionDenied("This page is for internal quality assurers.")
