"""Staff competence, the expert-witness register, standardisation, observation of practice
and the centre's staff reports. Every view starts with one helper from
``portal.staff.access``; writes go through ``portal.staff.services``."""

from __future__ import annotations

from collections.abc import Iterator

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from assessments.errors import error_text
from assessments.models import Enrolment
from evidence.views import _serve
from portal.accounts.models import User
from portal.centres.models import Centre
from portal.csv_export import csv_response
from portal.form_posts import save_posted_form
from portal.staff import access, selectors, services, status
from portal.staff.forms import (
    ActionForm,
    ChooseAssessorForm,
    CloseActionForm,
    CompetenceStatementForm,
    CpdEntryForm,
    ExpertWitnessForm,
    ObservationForm,
    QualificationForm,
    StandardisationForm,
)
from portal.staff.models import CompetenceStatement, ExpertWitness, Qualification

PAGE_SIZE = 25
REPORT_PAGE_SIZE = 50


def _page(request: HttpRequest, rows: object, size: int = PAGE_SIZE) -> object:
    return Paginator(rows, size).get_page(request.GET.get("page"))


def _centre_crumbs(user: User, centre: Centre, *trail: tuple[str, str | None]) -> list:
    if user.is_eqa:
        first = (centre.name, reverse("eqa_centre", args=[centre.pk]))
    else:
        first = ("Staff", reverse("staff:home", args=[centre.pk]))
    return [first, *trail]


# -- The centre's staff page --------------------------------------------------------------


@login_required
@require_safe
def home(request: HttpRequest, centre: int) -> HttpResponse:
    """The centre's staff: each assessor and IQA with a link to their competence records."""
    the_centre = access.get_centre_for(request.user, centre)
    user = request.user
    people = access.staff_of(the_centre.pk).order_by("full_name", "username")
    if not (user.is_eqa or user.is_iqa or user.is_centre_admin):
        people = people.filter(pk=user.pk)
    return render(
        request,
        "staff/home.html",
        {
            "centre": the_centre,
            "page": _page(request, people),
            "reports": user.is_eqa or user.is_iqa or user.is_centre_admin,
            "breadcrumbs": _centre_crumbs(user, the_centre, ("Staff competence", None))
            if user.is_eqa
            else [("Staff", None)],
        },
    )


# -- A person's competence ----------------------------------------------------------------


def _person_crumbs(request: HttpRequest, person: User, *trail: tuple[str, str | None]) -> list:
    here = reverse("staff:person", args=[person.pk])
    return [
        *_centre_crumbs(request.user, person.centre, ("Staff competence", None))[:1],
        (person.display_name, here if trail else None),
        *trail,
    ]


@login_required
@require_safe
def person(request: HttpRequest, pk: int) -> HttpResponse:
    the_person = access.get_person_for(request.user, pk)
    user = request.user
    today = timezone.localdate()
    records = selectors.person_records(the_person)
    for qualification in records["qualifications"]:
        qualification.expiry_words = status.expiry_words(qualification, today)
        qualification.expiring = status.is_expiring(qualification, today)
        qualification.expired = not status.is_current(qualification, today)
    can_write = not user.is_eqa and (user.pk == the_person.pk or user.is_centre_admin)
    return render(
        request,
        "staff/person.html",
        {
            "person": the_person,
            **records,
            "cpd_page": _page(request, records["cpd"]),
            "can_write": can_write,
            "breadcrumbs": _person_crumbs(request, the_person),
        },
    )


def _person_form_page(
    request: HttpRequest, template: str, the_person: User, form: BaseForm, title: str
) -> HttpResponse:
    """A form about one person (qualification, statement, CPD), again with its errors."""
    return render(
        request,
        template,
        {
            "person": the_person,
            "form": form,
            "title": title,
            "breadcrumbs": _person_crumbs(request, the_person, (title, None)),
        },
        status=400 if form.errors else 200,
    )


def _save_qualification(
    request: HttpRequest,
    the_person: User,
    form: QualificationForm,
    qualification: Qualification | None = None,
) -> Qualification | None:
    return save_posted_form(
        request,
        form,
        lambda data: services.qualification_save(
            person=the_person,
            fields={name: data[name] for name in QualificationForm.Meta.fields},
            certificate=data["certificate_upload"] or None,
            qualification=qualification,
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def qualification_create(request: HttpRequest, pk: int) -> HttpResponse:
    the_person = access.get_person_for(request.user, pk, write=True)
    form = QualificationForm(request.POST or None, request.FILES or None)
    if _save_qualification(request, the_person, form):
        messages.success(request, "Qualification added.")
        return redirect("staff:person", pk=the_person.pk)
    return _person_form_page(
        request, "staff/qualification_form.html", the_person, form, "Add a qualification"
    )


@login_required
@require_http_methods(["GET", "POST"])
def qualification_edit(request: HttpRequest, pk: int) -> HttpResponse:
    qualification = access.get_qualification_for(request.user, pk, write=True)
    the_person = qualification.person
    form = QualificationForm(request.POST or None, request.FILES or None, instance=qualification)
    if _save_qualification(request, the_person, form, qualification):
        messages.success(request, "Qualification saved.")
        return redirect("staff:person", pk=the_person.pk)
    return _person_form_page(
        request,
        "staff/qualification_form.html",
        the_person,
        form,
        f"Change {qualification.title}",
    )


@login_required
@require_POST
def qualification_delete(request: HttpRequest, pk: int) -> HttpResponse:
    qualification = access.get_qualification_for(request.user, pk, write=True)
    services.qualification_delete(qualification=qualification)
    messages.success(request, f"{qualification.title} was removed.")
    return redirect("staff:person", pk=qualification.person_id)


@login_required
@require_safe
def certificate(request: HttpRequest, pk: int) -> HttpResponse:
    """The certificate, as an attachment (nosniff, sandboxed), after the person check."""
    qualification = access.get_qualification_for(request.user, pk)
    if not qualification.certificate:
        raise Http404("No certificate was uploaded for this qualification.")
    return _serve(
        qualification.certificate,
        media_type=qualification.certificate_type,
        filename=qualification.certificate_name,
        inline=False,
    )


@login_required
@require_http_methods(["GET", "POST"])
def statement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Add or replace the person's occupational competence statement for a standard."""
    the_person = access.get_person_for(request.user, pk, write=True)
    standards = selectors.standards_for_statements(the_person.centre_id)
    initial = {}
    if chosen := request.GET.get("standard", "").strip():
        existing = CompetenceStatement.objects.filter(
            person=the_person, standard_id=int(chosen) if chosen.isdigit() else 0
        ).first()
        if existing:
            initial = {"standard": existing.standard_id, "statement": existing.statement}
    form = CompetenceStatementForm(request.POST or None, standards=standards, initial=initial)
    if save_posted_form(
        request,
        form,
        lambda data: services.competence_statement_save(
            person=the_person, standard=data["standard"], statement=data["statement"]
        ),
    ):
        messages.success(request, "Competence statement saved.")
        return redirect("staff:person", pk=the_person.pk)
    return _person_form_page(
        request, "staff/statement_form.html", the_person, form, "Competence statement"
    )


@login_required
@require_http_methods(["GET", "POST"])
def cpd_create(request: HttpRequest, pk: int) -> HttpResponse:
    the_person = access.get_person_for(request.user, pk, write=True)
    form = CpdEntryForm(request.POST or None)
    if save_posted_form(
        request, form, lambda data: services.cpd_entry_create(person=the_person, **data)
    ):
        messages.success(request, "CPD entry added.")
        return redirect("staff:person", pk=the_person.pk)
    return _person_form_page(request, "staff/cpd_form.html", the_person, form, "Add CPD")


@login_required
@require_POST
def cpd_delete(request: HttpRequest, pk: int) -> HttpResponse:
    entry = access.get_cpd_entry_for(request.user, pk, write=True)
    services.cpd_entry_delete(entry=entry)
    messages.success(request, f"“{entry.activity}” was removed from the CPD log.")
    return redirect("staff:person", pk=entry.person_id)


# -- Expert witness register --------------------------------------------------------------


@login_required
@require_safe
def witnesses(request: HttpRequest, centre: int) -> HttpResponse:
    the_centre = access.get_centre_for(request.user, centre)
    rows = ExpertWitness.objects.filter(centre=the_centre).order_by("name", "pk")
    return render(
        request,
        "staff/witnesses.html",
        {
            "centre": the_centre,
            "page": _page(request, rows),
            "can_write": not request.user.is_eqa and request.user.is_centre_admin,
            "breadcrumbs": _centre_crumbs(request.user, the_centre, ("Expert witnesses", None)),
        },
    )


def _centre_form_page(
    request: HttpRequest,
    template: str,
    the_centre: Centre,
    form: BaseForm | None,
    back: tuple[str, str],
    title: str,
    *,
    status: int | None = None,
    **extra: object,
) -> HttpResponse:
    """A form about the centre (witness, standardisation, observation), again with its
    errors; ``back`` is the list page it belongs to: its crumb and its URL name."""
    label, url_name = back
    return render(
        request,
        template,
        {
            "centre": the_centre,
            "form": form,
            "title": title,
            **extra,
            "breadcrumbs": _centre_crumbs(
                request.user,
                the_centre,
                (label, reverse(url_name, args=[the_centre.pk])),
                (title, None),
            ),
        },
        status=status or (400 if form is not None and form.errors else 200),
    )


def _witness_form(
    request: HttpRequest, the_centre: Centre, witness: ExpertWitness | None
) -> HttpResponse:
    form = ExpertWitnessForm(request.POST or None, instance=witness)
    if save_posted_form(
        request,
        form,
        lambda data: services.expert_witness_save(
            centre=the_centre,
            fields={name: data[name] for name in ExpertWitnessForm.Meta.fields},
            witness=witness,
        ),
    ):
        messages.success(request, "The witness register was updated.")
        return redirect("staff:witnesses", centre=the_centre.pk)
    return _centre_form_page(
        request,
        "staff/witness_form.html",
        the_centre,
        form,
        ("Expert witnesses", "staff:witnesses"),
        f"Change {witness.name}" if witness else "Add an expert witness",
    )


@login_required
@require_http_methods(["GET", "POST"])
def witness_create(request: HttpRequest, centre: int) -> HttpResponse:
    the_centre = access.get_centre_for(request.user, centre)
    access.require_witness_register_writer(request.user, the_centre)
    return _witness_form(request, the_centre, None)


@login_required
@require_http_methods(["GET", "POST"])
def witness_edit(request: HttpRequest, pk: int) -> HttpResponse:
    witness = access.get_witness_for(request.user, pk, write=True)
    return _witness_form(request, witness.centre, witness)


# -- Standardisation ----------------------------------------------------------------------


@login_required
@require_safe
def standardisation_list(request: HttpRequest, centre: int) -> HttpResponse:
    the_centre = access.get_centre_for(request.user, centre)
    user = request.user
    return render(
        request,
        "staff/standardisation_list.html",
        {
            "centre": the_centre,
            "page": _page(request, selectors.activities_with_counts(the_centre.pk)),
            "can_write": not user.is_eqa and (user.is_iqa or user.is_centre_admin),
            "breadcrumbs": _centre_crumbs(user, the_centre, ("Standardisation", None)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def standardisation_create(request: HttpRequest, centre: int) -> HttpResponse:
    the_centre = access.get_centre_for(request.user, centre)
    access.require_standardisation_writer(request.user, the_centre)
    staff = access.staff_of(the_centre.pk).order_by("full_name", "username")
    form = StandardisationForm(request.POST or None, staff=staff)
    if activity := save_posted_form(
        request,
        form,
        lambda data: services.standardisation_activity_create(
            centre=the_centre, actor=request.user, **data
        ),
    ):
        messages.success(request, "Standardisation activity recorded.")
        return redirect("staff:standardisation_detail", pk=activity.pk)
    return _centre_form_page(
        request,
        "staff/standardisation_form.html",
        the_centre,
        form,
        ("Standardisation", "staff:standardisation"),
        "Record an activity",
    )


def _staff_and_admins(centre_id: int) -> QuerySet[User]:
    return User.objects.filter(
        Q(is_assessor=True) | Q(is_iqa=True) | Q(is_centre_admin=True),
        centre_id=centre_id,
        is_active=True,
    ).order_by("full_name", "username")


@login_required
@require_safe
def standardisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access.get_activity_for(request.user, pk)
    return _activity_page(request, activity.pk, None)


def _activity_page(
    request: HttpRequest, activity_id: int, action_form: ActionForm | None
) -> HttpResponse:
    activity = selectors.activity_detail(activity_id)
    user = request.user
    can_write = not user.is_eqa and (user.is_iqa or user.is_centre_admin)
    if action_form is None and can_write:
        action_form = ActionForm(staff=_staff_and_admins(activity.centre_id))
    for action in activity.actions.all():
        action.can_close = action.closed_at is None and (
            not user.is_eqa and (action.owner_id == user.pk or user.is_iqa or user.is_centre_admin)
        )
    return render(
        request,
        "staff/standardisation_detail.html",
        {
            "activity": activity,
            "action_form": action_form,
            "close_form": CloseActionForm(),
            "can_write": can_write,
            "breadcrumbs": _centre_crumbs(
                user,
                activity.centre,
                ("Standardisation", reverse("staff:standardisation", args=[activity.centre_id])),
                (activity.title, None),
            ),
        },
        status=400 if action_form is not None and action_form.errors else 200,
    )


@login_required
@require_POST
def standardisation_action_add(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access.get_activity_for(request.user, pk, write=True)
    form = ActionForm(request.POST, staff=_staff_and_admins(activity.centre_id))
    if save_posted_form(
        request,
        form,
        lambda data: services.standardisation_action_add(
            activity=activity, actor=request.user, **data
        ),
    ):
        messages.success(request, "Action added.")
        return redirect("staff:standardisation_detail", pk=activity.pk)
    return _activity_page(request, activity.pk, form)


@login_required
@require_POST
def standardisation_action_close(request: HttpRequest, pk: int) -> HttpResponse:
    action = access.get_action_for_closing(request.user, pk)
    form = CloseActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The note may be at most 500 characters; the action is open.")
    else:
        try:
            services.standardisation_action_close(
                action=action, actor=request.user, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, f"Action closed: {action.text}")
    return redirect("staff:standardisation_detail", pk=action.activity_id)


# -- Observation of practice --------------------------------------------------------------


@login_required
@require_safe
def observation_list(request: HttpRequest, centre: int) -> HttpResponse:
    the_centre = access.get_centre_for(request.user, centre)
    user = request.user
    rows = (
        access.observations_visible_to(user, the_centre.pk)
        .select_related("assessor", "observer", "enrolment__learner", "enrolment__standard")
        .order_by("-observed_on", "-pk")
    )
    return render(
        request,
        "staff/observation_list.html",
        {
            "centre": the_centre,
            "page": _page(request, rows),
            "can_write": not user.is_eqa and user.is_iqa,
            "breadcrumbs": _centre_crumbs(user, the_centre, ("Observations of practice", None)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def observation_create(request: HttpRequest, centre: int) -> HttpResponse:
    """Two steps: choose the assessor (GET), then the learner from their caseload and the
    observation itself, so no page lists every enrolment of the centre."""
    the_centre = access.get_centre_for(request.user, centre)
    access.require_observer(request.user, the_centre)
    assessors = User.objects.filter(centre=the_centre, is_active=True, is_assessor=True).exclude(
        pk=request.user.pk
    )
    chooser = ChooseAssessorForm(
        (request.POST if request.method == "POST" else request.GET) or None, assessors=assessors
    )
    assessor = chooser.cleaned_data["assessor"] if chooser.is_valid() else None
    form = None
    if assessor is not None:
        enrolments = (
            Enrolment.objects.filter(
                centre=the_centre, assessor=assessor, status=Enrolment.Status.ACTIVE
            )
            .select_related("learner", "standard")
            .order_by("learner__full_name", "standard__code")
        )
        form = ObservationForm(request.POST or None, enrolments=enrolments)
        if observation := save_posted_form(
            request,
            form,
            lambda data: services.observation_create(
                centre=the_centre, observer=request.user, assessor=assessor, **data
            ),
        ):
            messages.success(
                request, f"Observation recorded; {assessor.display_name} can now see it."
            )
            return redirect("staff:observation_detail", pk=observation.pk)
    return _centre_form_page(
        request,
        "staff/observation_form.html",
        the_centre,
        form,
        ("Observations of practice", "staff:observations"),
        "Record an observation",
        # A POST back on this page recorded nothing (even one that only chose the assessor).
        status=400 if request.method == "POST" else None,
        chooser=chooser,
        assessor=assessor,
    )


@login_required
@require_safe
def observation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    observation = access.get_observation_for(request.user, pk)
    user = request.user
    return render(
        request,
        "staff/observation_detail.html",
        {
            "observation": observation,
            "can_acknowledge": not user.is_eqa
            and not services.observation_acknowledge_refusal(observation, user),
            "breadcrumbs": _centre_crumbs(
                user,
                observation.centre,
                (
                    "Observations of practice",
                    reverse("staff:observations", args=[observation.centre_id]),
                ),
                (f"Observation on {observation.observed_on:%-d %b %Y}", None),
            ),
        },
    )


@login_required
@require_POST
def observation_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    observation = access.get_observation_for(request.user, pk, acknowledge=True)
    try:
        services.observation_acknowledge(observation=observation, assessor=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, "You acknowledged the observation.")
    return redirect("staff:observation_detail", pk=observation.pk)


# -- Reports ------------------------------------------------------------------------------


def _roles(person: User) -> str:
    return ", ".join(
        r for f, r in (("is_assessor", "assessor"), ("is_iqa", "IQA")) if getattr(person, f)
    )


@login_required
@require_safe
def report_qualified(request: HttpRequest, centre: int) -> HttpResponse:
    """Who is qualified for which standard: each member of staff, each standard run."""
    the_centre = access.get_centre_for(request.user, centre, reports=True)
    today = timezone.localdate()
    standards = list(selectors.standards_run_by(the_centre.pk))
    page = _page(request, selectors.staff_for_report(the_centre.pk), REPORT_PAGE_SIZE)
    return render(
        request,
        "staff/report_qualified.html",
        {
            "centre": the_centre,
            "standards": standards,
            "page": page,
            "rows": selectors.qualified_rows(list(page), standards, today),
            "breadcrumbs": _centre_crumbs(
                request.user, the_centre, ("Who is qualified for which standard", None)
            ),
        },
    )


@login_required
@require_safe
def report_qualified_csv(request: HttpRequest, centre: int) -> HttpResponse:
    the_centre = access.get_centre_for(request.user, centre, reports=True)
    today = timezone.localdate()
    standards = list(selectors.standards_run_by(the_centre.pk))
    people = selectors.staff_for_report(the_centre.pk)

    def rows() -> Iterator[list]:
        # One page of people at a time: the query count grows with pages, not with rows.
        paginator = Paginator(people, 500)
        for number in paginator.page_range:
            chunk = list(paginator.page(number))
            for row in selectors.qualified_rows(chunk, standards, today):
                for standard, state in row.cells:
                    yield [
                        row.person.display_name,
                        row.person.username,
                        _roles(row.person),
                        standard.display_code,
                        standard.title,
                        "yes" if state.qualified else "no",
                        state.words,
                    ]

    return csv_response(
        f"qualified-for-standards-{today:%Y-%m-%d}.csv",
        ["Name", "Username", "Roles", "Standard", "Title", "Qualified", "State"],
        rows(),
    )


@login_required
@require_safe
def report_expiring(request: HttpRequest, centre: int) -> HttpResponse:
    the_centre = access.get_centre_for(request.user, centre, reports=True)
    today = timezone.localdate()
    page = _page(request, selectors.expiring_qualifications(the_centre.pk, today), REPORT_PAGE_SIZE)
    for qualification in page:
        qualification.expiry_words = status.expiry_words(qualification, today)
        qualification.expired = not status.is_current(qualification, today)
    return render(
        request,
        "staff/report_expiring.html",
        {
            "centre": the_centre,
            "page": page,
            "days": status.REMINDER_DAYS,
            "breadcrumbs": _centre_crumbs(
                request.user, the_centre, ("Qualifications due to expire", None)
            ),
        },
    )


@login_required
@require_safe
def report_expiring_csv(request: HttpRequest, centre: int) -> HttpResponse:
    the_centre = access.get_centre_for(request.user, centre, reports=True)
    today = timezone.localdate()
    rows = (
        [
            q.person.display_name,
            q.person.username,
            _roles(q.person),
            q.title,
            q.awarding_body,
            q.get_kind_display(),
            q.achieved_on.isoformat(),
            q.expires_on.isoformat(),
            status.expiry_words(q, today),
        ]
        for q in selectors.expiring_qualifications(the_centre.pk, today).iterator(chunk_size=500)
    )
    return csv_response(
        f"qualifications-due-to-expire-{today:%Y-%m-%d}.csv",
        [
            "Name",
            "Username",
            "Roles",
            "Qualification",
            "Awarding body",
            "Kind",
            "Achieved",
            "Expires",
            "State",
        ],
        rows,
    )
