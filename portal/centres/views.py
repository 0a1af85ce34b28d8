"""Centre admins manage their own centre: people, roles and enrolments."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from assessments.access import get_enrolment_for
from assessments.models import Enrolment
from assessments.reauth import password_confirms
from portal.centres import services
from portal.centres.access import get_person_for_admin, people_of, require_centre_admin
from portal.centres.failed_tasks import LIMIT as FAILED_TASKS_LIMIT
from portal.centres.failed_tasks import failed_tasks as failed_tasks_of
from portal.centres.forms import CentreSecurityForm, EnrolmentForm, PeopleFilterForm, PersonForm
from portal.transfer import signing
from review.status import with_state

PAGE_SIZE = 25
ROLE_FILTERS = {
    "learner": Q(is_learner=True),
    "assessor": Q(is_assessor=True),
    "iqa": Q(is_iqa=True),
    "admin": Q(is_centre_admin=True),
    "inactive": Q(is_active=False),
}


def _crumbs(*trail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [("My centre", reverse("centre_dashboard")), *trail]


def _roles(data: dict) -> dict[str, bool]:
    return {field: bool(data.get(field)) for field in services.ROLE_FIELDS}


@login_required
@require_safe
def people_list(request: HttpRequest) -> HttpResponse:
    centre = require_centre_admin(request.user)
    people = people_of(centre)
    form = PeopleFilterForm(request.GET)
    if form.is_valid():
        if query := form.cleaned_data["q"].strip():
            people = people.filter(
                Q(full_name__icontains=query)
                | Q(username__icontains=query)
                | Q(email__icontains=query)
            )
        if role := form.cleaned_data["role"]:
            people = people.filter(ROLE_FILTERS[role])
    page = Paginator(people.order_by("full_name", "username"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "centres/people_list.html",
        {
            "centre": centre,
            "page": page,
            "form": form,
            "query_string": _without_page(request),
            "breadcrumbs": _crumbs(("People", None)),
        },
    )


def _without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest) -> HttpResponse:
    centre = require_centre_admin(request.user)
    form = PersonForm(request.POST or None, creating=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            staff = any(_roles(data)[field] for field in services.STAFF_ROLE_FIELDS)
            if staff and not password_confirms(
                request=request, user=request.user, password=data["your_password"]
            ):
                raise ValidationError(
                    {"your_password": "To give a staff role, type your own password correctly."}
                )
            person = services.person_create(
                centre=centre,
                username=data["username"],
                full_name=data["full_name"],
                email=data["email"],
                roles=_roles(data),
                initial_password=data["initial_password"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if not data["initial_password"]:
                services.send_invitation(request=request, user=person)
                messages.success(
                    request, f"{person.display_name} added. An invitation went to {person.email}."
                )
            else:
                messages.success(
                    request,
                    f"{person.display_name} added. Give them their username and initial password.",
                )
            return redirect("centres:person_detail", pk=person.pk)
    return render(
        request,
        "centres/person_form.html",
        {
            "form": form,
            "creating": True,
            "breadcrumbs": _crumbs(("People", reverse("centres:people")), ("Add a person", None)),
        },
    )


@login_required
@require_safe
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    centre, person = get_person_for_admin(request.user, pk)
    enrolments = (
        with_state(Enrolment.objects.filter(centre=centre))
        .filter(Q(learner=person) | Q(assessor=person) | Q(iqa=person))
        .select_related("learner", "standard", "assessor", "iqa")
        .order_by("status", "start_date", "pk")
    )
    # Paginated: an assessor or IQA can be on hundreds of enrolments.
    page = Paginator(enrolments, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "centres/person_detail.html",
        {
            "person": person,
            "page": page,
            "packages": person.is_learner and signing.is_configured(),
            "breadcrumbs": _crumbs(
                ("People", reverse("centres:people")), (person.display_name, None)
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _centre, person = get_person_for_admin(request.user, pk)
    roles_before = {field: getattr(person, field) for field in services.ROLE_FIELDS}
    form = PersonForm(request.POST or None, instance=person, creating=False)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if _roles(data) != roles_before and not password_confirms(
                request=request, user=request.user, password=data["your_password"]
            ):
                # Counted by django-axes like a failed log-in, outside the update's transaction.
                raise ValidationError(
                    {"your_password": "To change roles, type your own password correctly."}
                )
            services.person_update(
                person=person,
                acting=request.user,
                full_name=data["full_name"],
                email=data["email"],
                roles=_roles(data),
            )
        except (ValidationError, ValueError) as error:
            form.add_error(None, error if isinstance(error, ValidationError) else str(error))
        else:
            messages.success(request, f"{person.display_name}'s details were saved.")
            return redirect("centres:person_detail", pk=person.pk)
    return render(
        request,
        "centres/person_form.html",
        {
            "form": form,
            "person": person,
            "creating": False,
            "breadcrumbs": _crumbs(
                ("People", reverse("centres:people")),
                (person.display_name, reverse("centres:person_detail", args=[person.pk])),
                ("Edit", None),
            ),
        },
    )


@login_required
@require_POST
def person_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    _centre, person = get_person_for_admin(request.user, pk)
    active = request.POST.get("active") == "1"
    try:
        services.person_set_active(person=person, acting=request.user, active=active)
    except ValueError as error:
        messages.error(request, str(error))
    else:
        state = "reactivated" if active else "deactivated: they can no longer log in"
        messages.success(request, f"{person.display_name} was {state}.")
    return redirect("centres:person_detail", pk=person.pk)


@login_required
@require_POST
def person_invite(request: HttpRequest, pk: int) -> HttpResponse:
    _centre, person = get_person_for_admin(request.user, pk)
    if not person.email or not person.is_active:
        messages.error(request, "An invitation needs an active account with an email address.")
    else:
        services.send_invitation(request=request, user=person)
        messages.success(request, f"A link to set a password was sent to {person.email}.")
    return redirect("centres:person_detail", pk=person.pk)


@login_required
@require_safe
def enrolment_list(request: HttpRequest) -> HttpResponse:
    centre = require_centre_admin(request.user)
    enrolments = with_state(Enrolment.objects.filter(centre=centre)).select_related(
        "learner", "standard", "assessor", "iqa"
    )
    status = request.GET.get("status", "")
    if status in Enrolment.Status.values:
        enrolments = enrolments.filter(status=status)
    query = request.GET.get("q", "").strip()
    if query:
        enrolments = enrolments.filter(
            Q(learner__full_name__icontains=query)
            | Q(learner__username__icontains=query)
            | Q(standard__title__icontains=query)
            | Q(standard__code__icontains=query)
        )
    page = Paginator(enrolments, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "centres/enrolment_list.html",
        {
            "page": page,
            "status": status,
            "query": query,
            "statuses": Enrolment.Status.choices,
            "query_string": _without_page(request),
            "breadcrumbs": _crumbs(("Enrolments", None)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_create(request: HttpRequest) -> HttpResponse:
    centre = require_centre_admin(request.user)
    initial = {}
    if learner_id := request.GET.get("learner"):
        initial["learner"] = learner_id
    form = EnrolmentForm(request.POST or None, centre=centre, creating=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            enrolment = services.enrolment_create(
                centre=centre,
                learner=data["learner"],
                standard=data["standard"],
                assessor=data["assessor"],
                iqa=data["iqa"],
                start_date=data["start_date"],
                target_end_date=data["target_end_date"],
            )
        except (ValidationError, ValueError) as error:
            form.add_error(None, error if isinstance(error, ValidationError) else str(error))
        else:
            messages.success(
                request, f"{enrolment.learner.display_name} is enrolled on {enrolment.standard}."
            )
            return redirect("centres:enrolments")
    return render(
        request,
        "centres/enrolment_form.html",
        {
            "form": form,
            "creating": True,
            "breadcrumbs": _crumbs(
                ("Enrolments", reverse("centres:enrolments")), ("Enrol a learner", None)
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = get_enrolment_for(request.user, pk, manage=True)
    form = EnrolmentForm(
        request.POST or None, instance=enrolment, centre=enrolment.centre, creating=False
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.enrolment_update(
                enrolment=enrolment,
                assessor=data["assessor"],
                iqa=data["iqa"],
                start_date=data["start_date"],
                target_end_date=data["target_end_date"],
                status=data["status"],
            )
        except (ValidationError, ValueError) as error:
            form.add_error(None, error if isinstance(error, ValidationError) else str(error))
        else:
            messages.success(request, "The enrolment was saved.")
            return redirect("centres:enrolments")
    return render(
        request,
        "centres/enrolment_form.html",
        {
            "form": form,
            "enrolment": enrolment,
            "creating": False,
            "breadcrumbs": _crumbs(
                ("Enrolments", reverse("centres:enrolments")), (str(enrolment), None)
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def centre_security(request: HttpRequest) -> HttpResponse:
    """Two-factor log-in for the centre's staff, on or off, confirmed by the admin's password
    (counted by django-axes like a failed log-in)."""
    centre = require_centre_admin(request.user)
    form = CentreSecurityForm(
        request.POST or None, initial={"require_staff_2fa": centre.require_staff_2fa}
    )
    if request.method == "POST" and form.is_valid():
        if not password_confirms(
            request=request, user=request.user, password=form.cleaned_data["your_password"]
        ):
            form.add_error("your_password", "That is not your password.")
        else:
            wanted = form.cleaned_data["require_staff_2fa"]
            services.centre_security_update(centre=centre, require_staff_2fa=wanted)
            messages.success(
                request,
                "Two-factor log-in is now required of staff: you set yours up now."
                if wanted
                else "Two-factor log-in is no longer required of staff.",
            )
            return redirect("centre_dashboard")
    return render(
        request,
        "centres/security_form.html",
        {
            "form": form,
            "centre": centre,
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "idle_minutes": settings.SESSION_IDLE_TIMEOUT // 60,
            "breadcrumbs": _crumbs(("Log-in security", None)),
        },
    )


@login_required
@require_safe
def failed_tasks(request: HttpRequest) -> HttpResponse:
    """Background work started by the centre's people that failed: what, when, why, and the
    request id to quote to the platform operator."""
    centre = require_centre_admin(request.user)
    return render(
        request,
        "centres/failed_tasks.html",
        {
            "centre": centre,
            "tasks": failed_tasks_of(centre.pk),
            "limit": FAILED_TASKS_LIMIT,
            "breadcrumbs": [
                ("My centre", reverse("centre_dashboard")),
                ("Failed background tasks", None),
            ],
        },
    )
