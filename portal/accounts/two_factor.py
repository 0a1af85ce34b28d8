"""Two-factor log-in with an authenticator app (TOTP, django-otp).

Who must use it (``requires_two_factor``): assessors, IQAs and centre admins of a centre that
turns on ``Centre.require_staff_2fa``, and every superuser (platform operator) while
``ADMIN_REQUIRE_2FA`` is on, which is the default. Until such a person has given a code in
this session, ``TwoFactorMiddleware`` sends every request to the setup page (no confirmed
device yet) or the verification page; only those two pages and logging out are open.

The setup page shows the secret as text and as a QR code drawn on the server (segno, inline
SVG): nothing goes to another service. Wrong codes slow down (django-otp's throttling doubles
the wait after each failure); a lost phone is reset by the platform operator deleting the
device in the admin ("TOTP devices"), after which the person sets up a new one.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_NAME = "Authenticator app"
OPEN_URL_NAMES = ("two_factor_setup", "two_factor_verify", "logout")


def requires_two_factor(user: Any) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser and settings.ADMIN_REQUIRE_2FA:
        return True
    staff = user.is_assessor or user.is_iqa or user.is_centre_admin
    return bool(staff and user.centre_id and user.centre.require_staff_2fa)


def _confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


class TwoFactorMiddleware:
    """Keep a person who needs two-factor log-in on the setup or verification page until they
    have given a code in this session. Runs after django-otp's ``OTPMiddleware``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.open_paths: set[str] | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if requires_two_factor(user) and not user.is_verified():
            if self.open_paths is None:
                self.open_paths = {reverse(name) for name in OPEN_URL_NAMES}
            if request.path not in self.open_paths:
                name = "two_factor_verify" if _confirmed_device(user) else "two_factor_setup"
                target = reverse(name)
                if request.method == "GET":
                    target += "?" + _next_query(request.get_full_path())
                if request.headers.get("HX-Request"):
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = target
                    return response
                return redirect(target)
        return self.get_response(request)


def _next_query(path: str) -> str:
    query = QueryDict(mutable=True)
    query["next"] = path
    return query.urlencode()


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Code from your authenticator app",
        min_length=6,
        max_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}
        ),
        help_text="Six digits. A new code appears every 30 seconds.",
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].replace(" ", "")
        if not token.isdigit():
            raise forms.ValidationError("The code is six digits.")
        return token


def _check(device: TOTPDevice, form: TokenForm) -> bool:
    """Verify the form's code against the device, saying on the form why it was refused."""
    allowed, _detail = device.verify_is_allowed()
    if not allowed:
        form.add_error("token", "Too many wrong codes: wait a minute, then try the newest code.")
        return False
    if device.verify_token(form.cleaned_data["token"]):
        return True
    form.add_error("token", "That code is not right or has expired: try the newest one.")
    return False


def qr_svg(data: str) -> str:
    """An SVG QR code of ``data``, drawn here, with no script or style of its own."""
    svg = segno.make(data, error="m").svg_inline(
        scale=5, dark="#000", light="#fff", title="QR code to scan with your authenticator app"
    )
    return mark_safe(svg)  # noqa: S308 (generated by segno from a URL we built; no user HTML)


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Link an authenticator app: scan the code (or type the secret), then give a code."""
    user = request.user
    if not requires_two_factor(user):
        messages.info(request, "Your account does not use two-factor log-in.")
        return redirect("home")
    if _confirmed_device(user):
        return redirect(reverse("two_factor_verify") + "?" + _next_query(_next_url(request)))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _check(device, form):
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        otp_login(request, device)
        messages.success(request, "Two-factor log-in is set up. Keep your phone safe.")
        return redirect(_next_url(request))
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
            "qr": qr_svg(device.config_url),
            "next": _next_url(request),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """Give this session's code from the linked authenticator app."""
    user = request.user
    device = _confirmed_device(user)
    if device is None:
        return redirect(reverse("two_factor_setup") + "?" + _next_query(_next_url(request)))
    if user.is_verified():
        return redirect(_next_url(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _check(device, form):
        otp_login(request, device)
        return redirect(_next_url(request))
    return render(
        request,
        "registration/two_factor_verify.html",
        {"form": form, "next": _next_url(request)},
    )
