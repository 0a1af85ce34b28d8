"""Demo assessment decisions, made through the services so they reach the record.

After ``evidence.demo`` has made the learners' items: learner1's SCDCPC306 is fully
evidenced, mapped, judged, signed off by assessor1 and countersigned; the other enrolments
are part-way, with feedback and a referral. ``quality.demo`` then has iqa1 sample them.
Idempotent: an enrolment that already has record entries is left alone.
"""

from __future__ import annotations

from assessments.models import Enrolment
from evidence.models import EvidenceItem, Mapping
from review import services
from review.sign_off import unit_countersign, unit_sign_off

DEMO_PASSWORD = "demo"  # noqa: S105 - the documented demo password


def _submitted(enrolment: Enrolment) -> list[EvidenceItem]:
    return list(
        enrolment.evidence_items.filter(status=EvidenceItem.Status.SUBMITTED).order_by("sequence")
    )


def _confirm_proposals(item: EvidenceItem, assessor: object) -> list[Mapping]:
    confirmed = []
    for mapping in item.mappings.select_related("criterion").filter(confirmed=False):
        confirmed.append(
            services.mapping_add(item=item, criterion=mapping.criterion, assessor=assessor)
        )
    return confirmed


def _complete_unit(enrolment: Enrolment) -> None:
    assessor = enrolment.assessor
    items = _submitted(enrolment)
    if not items:
        return
    for item in items:
        services.evidence_accept(
            item=item, assessor=assessor, feedback="Clear, dated and your own work."
        )
        _confirm_proposals(item, assessor)
    mapped = set(
        Mapping.objects.filter(item__enrolment=enrolment, confirmed=True).values_list(
            "criterion_id", flat=True
        )
    )
    criteria = list(enrolment.standard.criteria.order_by("kind", "order"))
    for n, criterion in enumerate(criteria):
        if criterion.pk not in mapped:
            item = items[n % len(items)]
            services.mapping_add(item=item, criterion=criterion, assessor=assessor)
    for n, criterion in enumerate(criteria):
        services.criterion_judge(
            enrolment=enrolment,
            criterion=criterion,
            assessor=assessor,
            met=True,
            rationale="Met holistically across the care plan review and witness testimony."
            if n % 10 == 0
            else "",
        )
    unit_sign_off(enrolment=enrolment, assessor=assessor, password=DEMO_PASSWORD)
    unit_countersign(enrolment=enrolment, learner=enrolment.learner)
    # quality.demo samples it (summatively) and the part-way unit (interim).


def _part_way(enrolment: Enrolment) -> None:
    assessor = enrolment.assessor
    items = _submitted(enrolment)
    if len(items) < 2:
        return
    first, second, *rest = items
    services.evidence_accept(item=first, assessor=assessor)
    for mapping in _confirm_proposals(first, assessor):
        services.criterion_judge(
            enrolment=enrolment,
            criterion=mapping.criterion,
            assessor=assessor,
            met=True,
            rationale="",
        )
    services.evidence_refer(
        item=second,
        assessor=assessor,
        feedback="Please add what you would do differently next time, and date the account.",
    )
    # Anything else stays awaiting review, so the caseload shows waiting evidence.
    del rest


def add_demo_decisions(enrolments: list[Enrolment]) -> None:
    for enrolment in enrolments:
        if enrolment.assessor is None or enrolment.record_entries.exists():
            continue
        if enrolment.learner.username == "learner1" and enrolment.standard.slug == "scdcpc306":
            _complete_unit(enrolment)
        else:
            _part_way(enrolment)
