"""The one family of errors that services raise: a ``ValidationError`` subclass per kind.

Views never catch anything else from a service: ``form_error`` puts any of them on a form
(or the page's messages), so the person sees the service's own words. ``PermissionDenied``
and ``Http404`` come only from the ``access.py`` modules, before a service is called; a
service's own check of the acting user is a backstop that raises ``NotPermittedError``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model


class DecisionError(ValidationError):
    """Base of every refusal by a service."""


class LockedError(DecisionError):
    """The enrolment's unit is signed off: its work can no longer change."""


class NotPermittedError(DecisionError):
    """The acting user may not make this decision (the view's access check should have said so)."""


class WrongStateError(DecisionError):
    """The thing is not in a state that allows this (already decided, not submitted, ...)."""


class IncompleteError(DecisionError):
    """The unit is not complete: criteria are not yet met."""


def form_error(form: Any, error: ValidationError) -> None:
    """Show a service's refusal on the form: field errors on their fields, the rest on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def error_text(error: ValidationError) -> str:
    """A service's refusal as one sentence or more, for a message or an htmx cell."""
    return " ".join(error.messages)


def constraint_message(model: type[Model], error: Exception) -> str:
    """The violation message of the model's constraint a database error reports, or "".

    PostgreSQL names the constraint; SQLite names a unique constraint's columns
    (``UNIQUE constraint failed: table.a, table.b``) and a check constraint by name.
    """
    text = str(error)
    table = model._meta.db_table
    for constraint in model._meta.constraints:
        columns = [
            f"{table}.{model._meta.get_field(name).column}"
            for name in getattr(constraint, "fields", ())
        ]
        if constraint.name in text or (columns and all(c in text for c in columns)):
            return str(constraint.get_violation_error_message())
    return ""
