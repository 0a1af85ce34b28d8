"""Writes of the EQA visit: planning, the sample, the report and its actions, the centre's
responses. Each checks its acting user as a backstop of the views' access helpers and raises
``assessments.errors`` refusals, whose words the pages show.

Each step that stands after the visit also appends an entry to the centre's record
(``assessments.services.record_append``) in the same transaction: planning the visit, each
unit added to or removed from the sample (on that learner's record), issuing a report version,
starting a revision, and each response, closing or asking again on an action. The entries
name the visit, its date, the version, the outcome and due dates, never the free text
(purpose, findings, strengths, action descriptions, replies), which stays in the visit's own
rows. A draft report and the actions raised in it are working papers, not recorded until the
report is issued. The visit also keeps its own audit trail: who issued each report version
and when, who responded to an action, asked again or closed it, and when (``ActionReply``
rows, never changed), and who closed an action.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from assessments.errors import NotPermittedError, WrongStateError
from assessments.models import Enrolment, RecordEntry
from assessments.services import record_append
from portal.centres.access import centres_for_eqa
from portal.centres.models import Centre
from portal.visits import sampling
from portal.visits.models import ActionReply, SampledEnrolment, Visit, VisitAction, VisitReport
from standards.models import Standard

ADDED_BY_HAND = "Added by the external quality assurer."
Action = RecordEntry.Action


def _visit_payload(visit: Visit) -> dict[str, Any]:
    return {"visit": visit.pk, "visit_on": visit.visit_on.isoformat(), "kind": visit.kind}


def _record(
    visit: Visit, actor: Any, action: str, enrolment: Enrolment | None = None, **payload: Any
) -> None:
    record_append(
        enrolment=enrolment,
        centre_id=visit.centre_id,
        actor=actor,
        action=action,
        payload={**_visit_payload(visit), **payload},
    )


def _require_owner(visit: Visit, eqa: Any) -> None:
    if visit.eqa_id != eqa.pk or not centres_for_eqa(eqa).filter(pk=visit.centre_id).exists():
        raise NotPermittedError(
            "Only the external quality assurer who planned the visit, while their grant to the "
            "centre lasts, changes it."
        )


def draft_of(visit: Visit) -> VisitReport | None:
    return visit.reports.filter(issued_at__isnull=True).first()


def latest_issued(visit: Visit) -> VisitReport | None:
    return visit.reports.filter(issued_at__isnull=False).order_by("-version").first()


# Refusals: the pages ask these before offering an action; the services raise with them.


def sample_change_refusal(visit: Visit) -> str:
    if visit.reports.filter(issued_at__isnull=False).exists():
        return "The report is issued: the sample it is based on stays as it was."
    return ""


def issue_refusal(report: VisitReport | None) -> str:
    if report is None or report.issued:
        return "There is no draft report to issue."
    missing = [
        name
        for name, value in (("findings", report.findings), ("an outcome", report.outcome))
        if not value.strip()
    ]
    if missing:
        return f"Write {' and '.join(missing)} before issuing the report."
    return ""


def respond_refusal(action: VisitAction) -> str:
    if action.status == VisitAction.Status.CLOSED:
        return "The EQA has closed this action."
    if action.status == VisitAction.Status.RESPONDED:
        return "Your response is with the EQA; they accept it or ask again."
    return ""


def decide_refusal(action: VisitAction) -> str:
    if action.status == VisitAction.Status.CLOSED:
        return "This action is closed."
    if action.status == VisitAction.Status.OPEN:
        return "The centre has not responded to this action yet."
    return ""


def _refuse(message: str, error: type[WrongStateError] = WrongStateError) -> None:
    if message:
        raise error(message)


@transaction.atomic
def visit_plan(
    *,
    eqa: Any,
    centre: Centre,
    visit_on: datetime.date,
    kind: str,
    standards: Iterable[Standard],
    purpose: str,
) -> Visit:
    visit = Visit(centre=centre, eqa=eqa, visit_on=visit_on, kind=kind, purpose=purpose)
    _require_owner(visit, eqa)
    visit.full_clean()
    visit.save()
    standards = list(standards)
    visit.standards.set(standards)
    _record(visit, eqa, Action.EQA_VISIT_PLANNED, standards=sorted(s.code for s in standards))
    return visit


@transaction.atomic
def visit_sample_add(
    *, visit: Visit, eqa: Any, enrolment: Enrolment, reason: str = ADDED_BY_HAND
) -> SampledEnrolment:
    _require_owner(visit, eqa)
    _refuse(sample_change_refusal(visit))
    if enrolment.centre_id != visit.centre_id:
        raise NotPermittedError("Only the visited centre's learners can be sampled.")
    if visit.sample.filter(enrolment=enrolment).exists():
        raise WrongStateError("This learner's unit is already in the sample.")
    sampled = SampledEnrolment(visit=visit, enrolment=enrolment, reason=reason)
    sampled.full_clean()
    sampled.save()
    _record(visit, eqa, Action.EQA_SAMPLE_ADDED, enrolment, suggested=False)
    return sampled


@transaction.atomic
def visit_sample_take_suggestion(*, visit: Visit, eqa: Any) -> int:
    """Add the suggested sample's units not yet in the sample; the number added."""
    _require_owner(visit, eqa)
    _refuse(sample_change_refusal(visit))
    have = set(visit.sample.values_list("enrolment_id", flat=True))
    new = [
        SampledEnrolment(visit=visit, enrolment=pick.enrolment, reason=pick.reason)
        for pick in sampling.suggest(visit).picks
        if pick.enrolment.pk not in have
    ]
    SampledEnrolment.objects.bulk_create(new)
    for sampled in new:
        _record(visit, eqa, Action.EQA_SAMPLE_ADDED, sampled.enrolment, suggested=True)
    return len(new)


@transaction.atomic
def visit_sample_remove(*, sampled: SampledEnrolment, eqa: Any) -> None:
    _require_owner(sampled.visit, eqa)
    _refuse(sample_change_refusal(sampled.visit))
    _record(sampled.visit, eqa, Action.EQA_SAMPLE_REMOVED, sampled.enrolment)
    sampled.delete()


def _draft_for_writing(visit: Visit) -> VisitReport:
    draft = draft_of(visit)
    if draft is None:
        if latest_issued(visit) is not None:
            raise WrongStateError(
                "The report is issued and final. Start a new version to change it."
            )
        draft = VisitReport(visit=visit, version=1)
        draft.full_clean()
        draft.save()
    return draft


@transaction.atomic
def visit_report_save(
    *, visit: Visit, eqa: Any, findings: str, strengths: str, outcome: str
) -> VisitReport:
    _require_owner(visit, eqa)
    draft = _draft_for_writing(visit)
    draft.findings, draft.strengths, draft.outcome = findings, strengths, outcome
    draft.full_clean()
    draft.save(update_fields=["findings", "strengths", "outcome"])
    return draft


@transaction.atomic
def visit_action_add(
    *, visit: Visit, eqa: Any, description: str, due_on: datetime.date
) -> VisitAction:
    _require_owner(visit, eqa)
    action = VisitAction(
        visit=visit, raised_in=_draft_for_writing(visit), description=description, due_on=due_on
    )
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def visit_action_remove(*, action: VisitAction, eqa: Any) -> None:
    _require_owner(action.visit, eqa)
    if action.raised_in.issued:
        raise WrongStateError("An issued report's actions are kept; close them instead.")
    action.delete()


@transaction.atomic
def visit_report_issue(*, visit: Visit, eqa: Any) -> VisitReport:
    _require_owner(visit, eqa)
    draft = VisitReport.objects.select_for_update().filter(visit=visit, issued_at=None).first()
    _refuse(issue_refusal(draft))
    draft.issued_at = timezone.now()
    draft.issued_by = eqa
    draft.full_clean()
    draft.save(update_fields=["issued_at", "issued_by"])
    _record(
        visit,
        eqa,
        Action.EQA_REPORT_ISSUED,
        version=draft.version,
        outcome=draft.outcome,
        actions=[
            {"visit_action": pk, "due_on": due.isoformat()}
            for pk, due in draft.actions.order_by("due_on", "pk").values_list("pk", "due_on")
        ],
    )
    return draft


@transaction.atomic
def visit_report_revise(*, visit: Visit, eqa: Any, reason: str) -> VisitReport:
    """A new draft version from the latest issued one, whose text it starts from."""
    _require_owner(visit, eqa)
    if draft_of(visit) is not None:
        raise WrongStateError("A new version is already being drafted.")
    issued = latest_issued(visit)
    if issued is None:
        raise WrongStateError("The report has not been issued yet: change the draft.")
    version = visit.reports.aggregate(last=Max("version"))["last"] + 1
    draft = VisitReport(
        visit=visit,
        version=version,
        findings=issued.findings,
        strengths=issued.strengths,
        outcome=issued.outcome,
        revision_reason=reason,
    )
    draft.full_clean()
    draft.save()
    _record(visit, eqa, Action.EQA_REPORT_REVISED, version=version, revises=issued.version)
    return draft


_REPLY_ACTIONS = {
    ActionReply.Kind.RESPONSE: Action.EQA_ACTION_RESPONDED,
    ActionReply.Kind.ASKED_AGAIN: Action.EQA_ACTION_ASKED_AGAIN,
    ActionReply.Kind.CLOSED: Action.EQA_ACTION_CLOSED,
}


def _reply(action: VisitAction, author: Any, kind: str, text: str) -> ActionReply:
    reply = ActionReply(action=action, kind=kind, text=text, author=author)
    reply.full_clean()
    reply.save()
    _record(
        action.visit,
        author,
        _REPLY_ACTIONS[kind],
        visit_action=action.pk,
        version=action.raised_in.version,
        due_on=action.due_on.isoformat(),
    )
    return reply


@transaction.atomic
def visit_action_respond(*, action: VisitAction, admin: Any, text: str) -> ActionReply:
    """The centre admin's response: the action waits for the EQA."""
    if not (admin.is_centre_admin and admin.centre_id == action.visit.centre_id):
        raise NotPermittedError("Only the centre's admins respond to an EQA's action.")
    action = VisitAction.objects.select_for_update().get(pk=action.pk)
    _refuse(respond_refusal(action))
    if not text.strip():
        raise WrongStateError({"text": "Say what the centre has done or will do."})
    reply = _reply(action, admin, ActionReply.Kind.RESPONSE, text)
    action.status = VisitAction.Status.RESPONDED
    action.save(update_fields=["status"])
    return reply


@transaction.atomic
def visit_action_decide(*, action: VisitAction, eqa: Any, accept: bool, text: str) -> ActionReply:
    """The EQA accepts the response (the action closes) or asks again (it opens again)."""
    _require_owner(action.visit, eqa)
    action = VisitAction.objects.select_for_update().get(pk=action.pk)
    _refuse(decide_refusal(action))
    if not accept and not text.strip():
        raise WrongStateError({"text": "Say what the centre still needs to do."})
    if accept:
        action.status = VisitAction.Status.CLOSED
        action.closed_at = timezone.now()
        action.closed_by = eqa
        kind = ActionReply.Kind.CLOSED
    else:
        action.status = VisitAction.Status.OPEN
        kind = ActionReply.Kind.ASKED_AGAIN
    action.full_clean()
    action.save(update_fields=["status", "closed_at", "closed_by"])
    return _reply(action, eqa, kind, text)
