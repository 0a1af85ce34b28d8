"""Your notifications: the list, opening one (which marks it read), marking read, and how
you want to hear by email. Everyone signed in has their own; nobody sees anyone else's."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from portal.notifications import services
from portal.notifications.access import notification_for_user, require_centre_person
from portal.notifications.forms import PreferenceForm
from portal.notifications.selectors import notifications_for

PAGE_SIZE = 25


def _crumbs(*trail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [("Notifications", reverse("notifications:list")), *trail]


@login_required
@require_safe
def notification_list(request: HttpRequest) -> HttpResponse:
    require_centre_person(request.user)
    page = Paginator(notifications_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {
            "page": page,
            "email_choice": services.email_choice_for(request.user),
            "breadcrumbs": [("Notifications", None)],
        },
    )


@login_required
@require_safe
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notification to what it is about; opening it marks it read."""
    notification = notification_for_user(request.user, pk)
    services.notification_mark_read(notification=notification)
    target = notification.link
    if not url_has_allowed_host_and_scheme(target, allowed_hosts=None) or not target.startswith(
        "/"
    ):
        target = reverse("notifications:list")
    return redirect(target)


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = notification_for_user(request.user, pk)
    services.notification_mark_read(notification=notification)
    messages.success(request, "Marked as read.")
    return redirect(_back(request))


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    require_centre_person(request.user)
    count = services.notifications_mark_all_read(user=request.user)
    messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked as read.")
    return redirect("notifications:list")


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request: HttpRequest) -> HttpResponse:
    require_centre_person(request.user)
    current = services.email_choice_for(request.user)
    form = PreferenceForm(request.POST or None, initial={"email": current})
    if request.method == "POST" and form.is_valid():
        services.notification_preference_set(user=request.user, email=form.cleaned_data["email"])
        messages.success(request, "Your email choice is saved.")
        return redirect("notifications:settings")
    return render(
        request,
        "notifications/settings.html",
        {
            "form": form,
            "has_email": bool(request.user.email),
            "breadcrumbs": _crumbs(("Email settings", None)),
        },
    )


def _back(request: HttpRequest) -> str:
    """Back to the page of the list the button was on."""
    page = request.POST.get("page", "")
    url = reverse("notifications:list")
    return f"{url}?page={page}" if page.isdigit() else url
