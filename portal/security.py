"""Session and response protection that applies to every page.

- ``IdleSessionMiddleware`` ends a session after ``SESSION_IDLE_TIMEOUT`` seconds without a
  request, and ``SESSION_COOKIE_AGE`` seconds after log-in whatever the activity.
- ``PrivateCacheMiddleware`` marks every response to a signed-in user ``private, no-store``
  unless the view chose its own ``Cache-Control``: no shared cache or back button keeps a page
  with personal data.
- ``client_ip`` is the address django-axes counts failed log-ins against.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control

LAST_SEEN_KEY = "portal_last_seen"
STARTED_KEY = "portal_session_started"


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: ``REMOTE_ADDR``, or behind a trusted proxy (``BEHIND_PROXY``)
    the address that proxy appended last to ``X-Forwarded-For`` (earlier entries are whatever
    the client claimed)."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR")


def start_session_clock(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    """At log-in (``user_logged_in``): the session's age and idleness count from now."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[STARTED_KEY] = now
        request.session[LAST_SEEN_KEY] = now


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """The page django-axes shows once a username is locked out from an address (429)."""
    minutes = max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    return render(
        request,
        "registration/locked_out.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


class IdleSessionMiddleware:
    """Log a signed-in user out after an idle period or the session's maximum age."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            session = request.session
            started = session.get(STARTED_KEY)
            last_seen = session.get(LAST_SEEN_KEY)
            if started is None:
                session[STARTED_KEY] = started = now
            if last_seen is None:
                last_seen = now
            if now - last_seen > settings.SESSION_IDLE_TIMEOUT:
                return self._expired(request, "You were logged out after a period of inactivity.")
            if now - started > settings.SESSION_COOKIE_AGE:
                return self._expired(request, "Your session reached its time limit.")
            if now - last_seen >= settings.SESSION_IDLE_RESOLUTION or LAST_SEEN_KEY not in session:
                session[LAST_SEEN_KEY] = now
        return self.get_response(request)

    @staticmethod
    def _expired(request: HttpRequest, why: str) -> HttpResponse:
        logout(request)
        messages.info(request, f"{why} Log in again to continue.")
        if request.headers.get("HX-Request"):
            # An htmx request would swap the log-in page into a fragment: send the page there.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverse(settings.LOGIN_URL)
            return response
        return redirect_to_login(request.get_full_path())


class PrivateCacheMiddleware:
    """``Cache-Control: private, no-store`` on responses to signed-in users."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response
