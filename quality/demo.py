"""Demo quality assurance, through the services: iqa1's sampling plan for assessor1, a
summative sample of learner1's signed-off unit with an open action for assessor1, and an
interim sample of learner1's unit in progress referring one criterion back.
Idempotent: nothing is added for an assessor who has a plan already."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model

from assessments.models import Enrolment, RecordEntry
from quality import services
from quality.models import SamplingPlan
from standards.models import Criterion


def add_demo_quality(today: datetime.date) -> None:
    users = get_user_model().objects
    iqa = users.filter(username="iqa1").first()
    assessor = users.filter(username="assessor1").first()
    if iqa is None or assessor is None or SamplingPlan.objects.filter(assessor=assessor).exists():
        return
    services.sampling_plan_write(
        iqa=iqa,
        assessor=assessor,
        standard=None,
        risk="high",
        risk_reasons=["newly_qualified", "new_standard"],
        interim_planned=4,
        summative_planned=4,
        methods=["observation", "product", "witness", "discussion"],
        evidence_types=["product", "witness", "reflective", "observation"],
        locations=["Oak Ward", "Community visits"],
        notes="First year as an assessor: observe practice once a quarter.",
    )
    units = Enrolment.objects.filter(iqa=iqa, assessor=assessor, learner__username="learner1")
    for enrolment in units.select_related("standard").order_by("pk"):
        if services.unit_sample_refusal(enrolment, "summative", "agreed") == "":
            services.unit_sample_record(
                enrolment=enrolment,
                iqa=iqa,
                kind="summative",
                outcome="agreed",
                feedback="Sound decisions, well evidenced. Rationales could say more.",
                actions=[
                    (
                        "Add a rationale to each holistic judgement, naming the evidence.",
                        today + datetime.timedelta(days=14),
                    )
                ],
            )
            continue
        judgement = (
            services.unsampled_decisions(enrolment)
            .filter(action=RecordEntry.Action.JUDGEMENT)
            .last()
        )
        if judgement is None or services.unit_sample_refusal(enrolment, "interim"):
            continue
        criterion = Criterion.objects.get(pk=judgement.payload["criterion_id"])
        services.unit_sample_record(
            enrolment=enrolment,
            iqa=iqa,
            kind="interim",
            outcome="referred",
            feedback="Say which part of the evidence shows this criterion.",
            decisions=[judgement],
            referrals={criterion: "Add a rationale naming the evidence that shows it."},
        )
