"""Re-authentication: a signed-in person types their password again to sign or to change
something that matters (a unit's sign-off, a person's roles).

Through a request the password goes through ``django.contrib.auth.authenticate``, so
django-axes counts a wrong one against the username and address exactly as on the log-in
page, and refuses every password once they are locked out (its middleware then answers with
the locked-out page). Call it outside any transaction that a refusal rolls back, or the count
is rolled back with it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.http import HttpRequest


def password_confirms(*, request: HttpRequest | None, user: Any, password: str) -> bool:
    """Whether ``password`` is ``user``'s. Without a request (commands, the demo data) it is
    a plain check: there is nobody to throttle."""
    if request is None:
        return bool(user.check_password(password))
    confirmed = authenticate(request, username=user.get_username(), password=password)
    return confirmed is not None and confirmed.pk == user.pk
