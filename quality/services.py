"""Every write of internal quality assurance: plans, unit samples and their actions.

Each decision is a record entry (``assessments.services.record_append``) in the same
transaction. The verdict on each sampled decision goes through ``review.sampling``, which
keeps its rules: agreeing a countersigned sign-off verifies it, and referring a decision of
a signed-off (locked) unit asks the centre admin to reopen it, against the criterion.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from assessments.errors import NotPermittedError, WrongStateError
from assessments.models import Enrolment, IqaSample, RecordEntry, UnitSignOff
from assessments.services import open_sign_off, record_append
from evidence.models import EvidenceItem, Mapping
from quality.models import (
    RATES,
    CriterionReferral,
    QaAction,
    Risk,
    RiskReason,
    SamplingPlan,
    UnitSample,
)
from review import sampling
from standards.models import Criterion, Standard

Action = RecordEntry.Action
Kind = UnitSample.Kind
Outcome = UnitSample.Outcome

MAX_ACTIONS = 5


# --- Plans ------------------------------------------------------------------------------------


def sampling_plan_write(
    *,
    iqa: Any,
    assessor: Any,
    standard: Standard | None,
    risk: str,
    risk_reasons: Sequence[str],
    interim_planned: int,
    summative_planned: int,
    methods: Sequence[str],
    evidence_types: Sequence[str],
    locations: Sequence[str],
    notes: str,
) -> SamplingPlan:
    """Sign a new version of the IQA's plan for the assessor (and standard). Earlier versions
    stay as they were; the newest is the one in force."""
    if not iqa.is_iqa or iqa.centre_id is None:
        raise NotPermittedError("Only an internal quality assurer writes sampling plans.")
    if not assessor.is_assessor or assessor.centre_id != iqa.centre_id:
        raise NotPermittedError("Plans are for assessors of your own centre.")
    if risk not in Risk.values:
        raise WrongStateError({"risk": "Choose low, medium or high."})
    unknown = set(risk_reasons) - set(RiskReason.values)
    unknown |= set(methods) - set(Mapping.Method.values)
    unknown |= set(evidence_types) - set(EvidenceItem.Type.values)
    if unknown:
        raise WrongStateError("Choose from the options listed.")
    with transaction.atomic():
        latest = (
            SamplingPlan.objects.select_for_update()
            .filter(assessor=assessor, standard=standard)
            .order_by("-version")
            .values_list("version", flat=True)
            .first()
        )
        plan = SamplingPlan(
            centre_id=iqa.centre_id,
            assessor=assessor,
            standard=standard,
            version=(latest or 0) + 1,
            risk=risk,
            risk_reasons=sorted(set(risk_reasons)),
            rate=RATES[Risk(risk)],
            interim_planned=interim_planned,
            summative_planned=summative_planned,
            methods=sorted(set(methods)),
            evidence_types=sorted(set(evidence_types)),
            locations=[line.strip() for line in locations if line.strip()],
            notes=notes.strip(),
            written_by=iqa,
            written_at=timezone.now(),
        )
        plan.full_clean()
        plan.save()
        record_append(
            enrolment=None,
            centre_id=iqa.centre_id,
            actor=iqa,
            action=Action.QA_PLAN_SIGNED,
            payload={
                "plan": plan.pk,
                "version": plan.version,
                "assessor": assessor.get_full_name() or assessor.get_username(),
                "assessor_id": assessor.pk,
                "standard": standard.code if standard else "",
                "risk": plan.risk,
                "risk_reasons": plan.risk_reasons,
                "rate": plan.rate,
                "interim_planned": plan.interim_planned,
                "summative_planned": plan.summative_planned,
                "methods": plan.methods,
                "evidence_types": plan.evidence_types,
                "locations": plan.locations,
                "notes": plan.notes,
            },
        )
    return plan


def governing_plan(plans: Iterable[SamplingPlan], standard_id: int | None) -> SamplingPlan | None:
    """The rule for which of one assessor's plans governs a unit of ``standard_id``: the newest
    plan for that standard, else the newest overall plan (None if neither). The one home of the
    rule: sampling (``plan_in_force``), coverage and the proposed samples all ask it."""
    newest: dict[int | None, SamplingPlan] = {}
    for plan in plans:
        held = newest.get(plan.standard_id)
        if held is None or plan.version > held.version:
            newest[plan.standard_id] = plan
    return newest.get(standard_id) or newest.get(None)


def plan_in_force(enrolment: Enrolment) -> SamplingPlan | None:
    """The newest plan for the enrolment's assessor and standard, else their overall plan."""
    return governing_plan(
        SamplingPlan.objects.filter(assessor_id=enrolment.assessor_id).filter(
            Q(standard_id=enrolment.standard_id) | Q(standard__isnull=True)
        ),
        enrolment.standard_id,
    )


# --- Samples ----------------------------------------------------------------------------------


def unit_sample_refusal(enrolment: Enrolment, kind: str, outcome: str = "") -> str:
    """Why this sample cannot be recorded on the unit now, or "" if it can. The sampling page
    asks this before offering a kind or an outcome; the service refuses with the same words."""
    if enrolment.assessor_id is None:
        return "The unit has no assessor whose decisions could be sampled."
    sign_off = open_sign_off(enrolment)
    if kind == Kind.SUMMATIVE:
        if sign_off is None:
            return "The unit is not signed off: sample it summatively once the assessor has."
        if _summatively_sampled(sign_off):
            return "This sign-off has already been sampled."
        if outcome == Outcome.AGREED and not sign_off.is_countersigned:
            return "The learner has not countersigned this sign-off yet: verify it once they have."
        return ""
    if kind == Kind.INTERIM:
        if sign_off is not None:
            return "The unit is signed off: sample it summatively."
        return ""
    return "Choose interim or summative."


def _summatively_sampled(sign_off: UnitSignOff) -> bool:
    """Sampled as a unit, or its sign-off sampled as a single decision (before unit samples)."""
    return (
        UnitSample.objects.filter(sign_off=sign_off, kind=Kind.SUMMATIVE).exists()
        or IqaSample.objects.filter(
            entry__enrolment_id=sign_off.enrolment_id,
            entry__action=Action.SIGNED_OFF,
            entry__payload__sign_off=sign_off.pk,
        ).exists()
    )


def sign_off_entry(sign_off: UnitSignOff) -> RecordEntry | None:
    return (
        RecordEntry.objects.filter(
            enrolment_id=sign_off.enrolment_id,
            action=Action.SIGNED_OFF,
            payload__sign_off=sign_off.pk,
        )
        .order_by("-sequence")
        .first()
    )


def unsampled_decisions(enrolment: Enrolment) -> Any:
    """The assessor's decisions on the unit that no IQA has sampled yet, newest first."""
    return (
        RecordEntry.objects.filter(enrolment=enrolment, action__in=sampling.SAMPLEABLE_ACTIONS)
        .exclude(action=Action.SIGNED_OFF)
        .filter(iqa_sample__isnull=True)
        .order_by("-sequence")
    )


@transaction.atomic
def unit_sample_record(
    *,
    enrolment: Enrolment,
    iqa: Any,
    kind: str,
    outcome: str,
    feedback: str,
    decisions: Iterable[RecordEntry] = (),
    referrals: dict[Criterion, str] | None = None,
    actions: Sequence[tuple[str, datetime.date]] = (),
) -> UnitSample:
    """Record the IQA's sample of a learner's unit.

    Summative: every decision of the open sign-off is in the sample; agreeing verifies the
    sign-off, referring asks the admin to reopen the unit (for each referred criterion).
    Interim: the chosen decisions; each gets the verdict (referred where its criterion is).
    """
    if enrolment.iqa_id is None or enrolment.iqa_id != iqa.pk:
        raise NotPermittedError("Only the unit's IQA may sample it.")
    if outcome not in Outcome.values:
        raise WrongStateError({"outcome": "Choose agree or refer back."})
    refusal = unit_sample_refusal(enrolment, kind, outcome)
    if refusal:
        raise WrongStateError(refusal)
    feedback = feedback.strip()
    referrals = {c: text.strip() for c, text in (referrals or {}).items()}
    if outcome == Outcome.REFERRED and not feedback:
        raise WrongStateError({"feedback": "Say what the assessor needs to put right."})
    if outcome == Outcome.AGREED and referrals:
        raise WrongStateError("Agreeing refers no criteria back: choose refer back instead.")
    if any(c.standard_id != enrolment.standard_id for c in referrals):
        raise WrongStateError("That criterion belongs to another standard.")
    if any(not text for text in referrals.values()):
        raise WrongStateError("Say what to put right for each criterion you refer back.")
    if len(actions) > MAX_ACTIONS:
        raise WrongStateError(f"Raise at most {MAX_ACTIONS} actions with one sample.")
    today = timezone.localdate()
    for text, due in actions:
        if not text.strip():
            raise WrongStateError("Say what each action asks of the assessor.")
        if due < today:
            raise WrongStateError("An action's due date cannot be in the past.")

    sign_off = open_sign_off(enrolment) if kind == Kind.SUMMATIVE else None
    chosen = list(decisions)
    if kind == Kind.SUMMATIVE:
        entry = sign_off_entry(sign_off) if sign_off else None
        chosen = list(unsampled_decisions(enrolment)) + ([entry] if entry else [])
    else:
        allowed = set(unsampled_decisions(enrolment).values_list("pk", flat=True))
        if not chosen:
            raise WrongStateError({"decisions": "Choose at least one decision to sample."})
        if any(entry.pk not in allowed for entry in chosen):
            raise WrongStateError("Choose decisions of this unit that are not yet sampled.")

    sample = UnitSample(
        enrolment=enrolment,
        kind=kind,
        sign_off=sign_off,
        plan=plan_in_force(enrolment),
        assessor_id=enrolment.assessor_id,
        sampled_by=iqa,
        outcome=outcome,
        feedback=feedback,
        sampled_at=timezone.now(),
    )
    sample.full_clean()
    sample.save()
    sample.decisions.set(chosen)
    for criterion, text in referrals.items():
        referral = CriterionReferral(sample=sample, criterion=criterion, feedback=text)
        referral.full_clean()
        referral.save()
    sample.verdicts.set(_verdicts(sample, chosen, referrals, iqa))
    record_append(
        enrolment=enrolment,
        actor=iqa,
        action=Action.QA_SAMPLED,
        payload={
            "sample": sample.pk,
            "kind": kind,
            "outcome": outcome,
            "decisions": len(chosen),
            "criteria": sorted(c.reference for c in referrals),
            "feedback": feedback,
        },
    )
    for text, due in actions:
        qa_action_raise(sample=sample, iqa=iqa, text=text, due_on=due)
    return sample


def _verdicts(
    sample: UnitSample, chosen: list[RecordEntry], referrals: dict[Criterion, str], iqa: Any
) -> list[IqaSample]:
    """Each sampled decision's verdict through ``review.sampling``. The sign-off's verdict goes
    last, so a referral of a locked unit is tied to its criterion when one was named."""
    referred_ids = {c.pk: text for c, text in referrals.items()}
    verdicts: list[IqaSample] = []
    sign_off = [e for e in chosen if e.action == Action.SIGNED_OFF]
    decisions = [e for e in chosen if e.action != Action.SIGNED_OFF]
    referred_done: set[int] = set()
    for entry in decisions:
        criterion_id = (
            entry.payload.get("criterion_id") if entry.action == Action.JUDGEMENT else None
        )
        if criterion_id in referred_ids and criterion_id not in referred_done:
            referred_done.add(criterion_id)
            verdicts.append(
                sampling.iqa_sample_record(
                    entry=entry, iqa=iqa, outcome="referred", feedback=referred_ids[criterion_id]
                )
            )
        elif sample.outcome == Outcome.REFERRED and not referrals and not sign_off:
            verdicts.append(
                sampling.iqa_sample_record(
                    entry=entry, iqa=iqa, outcome="referred", feedback=sample.feedback
                )
            )
        else:
            verdicts.append(
                sampling.iqa_sample_record(entry=entry, iqa=iqa, outcome="agreed", feedback="")
            )
    for entry in sign_off:
        if sample.outcome == Outcome.AGREED:
            verdicts.append(
                sampling.iqa_sample_record(entry=entry, iqa=iqa, outcome="agreed", feedback="")
            )
        elif not referred_done:
            verdicts.append(
                sampling.iqa_sample_record(
                    entry=entry, iqa=iqa, outcome="referred", feedback=sample.feedback
                )
            )
    return verdicts


# --- Actions ----------------------------------------------------------------------------------


def qa_action_raise(*, sample: UnitSample, iqa: Any, text: str, due_on: datetime.date) -> QaAction:
    if sample.sampled_by_id != iqa.pk:
        raise NotPermittedError("Only the IQA who made the sample raises its actions.")
    action = QaAction(
        sample=sample,
        assessor_id=sample.assessor_id,
        raised_by=iqa,
        text=text.strip(),
        due_on=due_on,
        raised_at=timezone.now(),
    )
    action.full_clean()
    action.save()
    _record(action, iqa, Action.QA_ACTION_RAISED, text=action.text, due_on=due_on.isoformat())
    return action


def qa_action_refusal(action: QaAction, user: Any, step: str) -> str:
    """Why the user cannot take this step on the action now, or "" if they can."""
    if step == "answer":
        if user.pk != action.assessor_id:
            return "Only the assessor answers this action."
        if action.status != QaAction.Status.OPEN:
            return "This action is not waiting for your answer."
        return ""
    if step in ("close", "return"):
        if user.pk != action.raised_by_id:
            return "Only the IQA who raised this action closes it or sends it back."
        if action.status == QaAction.Status.CLOSED:
            return "This action is closed."
        if action.status != QaAction.Status.ANSWERED:
            return "The assessor has not answered this action yet."
        return ""
    return "Unknown step."


def _check(action: QaAction, user: Any, step: str) -> None:
    refusal = qa_action_refusal(action, user, step)
    if refusal:
        raise WrongStateError(refusal)


@transaction.atomic
def qa_action_answer(*, action: QaAction, assessor: Any, response: str) -> QaAction:
    action = QaAction.objects.select_for_update().get(pk=action.pk)
    _check(action, assessor, "answer")
    if not response.strip():
        raise WrongStateError({"response": "Say what you have done."})
    action.status = QaAction.Status.ANSWERED
    action.response = response.strip()
    action.responded_at = timezone.now()
    action.full_clean()
    action.save()
    _record(action, assessor, Action.QA_ACTION_ANSWERED, response=action.response)
    return action


@transaction.atomic
def qa_action_close(*, action: QaAction, iqa: Any, note: str = "") -> QaAction:
    action = QaAction.objects.select_for_update().get(pk=action.pk)
    _check(action, iqa, "close")
    action.status = QaAction.Status.CLOSED
    action.closed_at = timezone.now()
    action.full_clean()
    action.save()
    _record(action, iqa, Action.QA_ACTION_CLOSED, note=note.strip())
    return action


@transaction.atomic
def qa_action_return(*, action: QaAction, iqa: Any, note: str) -> QaAction:
    action = QaAction.objects.select_for_update().get(pk=action.pk)
    _check(action, iqa, "return")
    if not note.strip():
        raise WrongStateError({"note": "Say what is still missing."})
    action.status = QaAction.Status.OPEN
    action.return_note = note.strip()
    action.full_clean()
    action.save()
    _record(action, iqa, Action.QA_ACTION_RETURNED, note=action.return_note)
    return action


def _record(action: QaAction, actor: Any, kind: str, **payload: Any) -> None:
    record_append(
        enrolment=action.sample.enrolment,
        actor=actor,
        action=kind,
        payload={"qa_action": action.pk, "sample": action.sample_id, **payload},
    )
