"""Demo EQA visits: eqa1 has issued a report on a past visit to the demo centre (one action
still open for admin1 to answer) and planned the next one with the suggested sample."""

from __future__ import annotations

import datetime

from portal.accounts.models import User
from portal.centres.models import Centre
from portal.visits import services
from portal.visits.models import Visit

DEMO_CENTRE = "Demo Training Centre"


def add_demo_visits(today: datetime.date) -> None:
    eqa = User.objects.filter(username="eqa1").first()
    centre = Centre.objects.filter(name=DEMO_CENTRE).first()
    if eqa is None or centre is None or Visit.objects.filter(eqa=eqa, centre=centre).exists():
        return
    past = services.visit_plan(
        eqa=eqa,
        centre=centre,
        visit_on=today - datetime.timedelta(days=30),
        kind=Visit.Kind.REMOTE,
        standards=[],
        purpose="Annual monitoring: sampling of assessment and IQA decisions across assessors.",
    )
    services.visit_sample_take_suggestion(visit=past, eqa=eqa)
    services.visit_report_save(
        visit=past,
        eqa=eqa,
        findings=(
            "Assessment decisions sampled were valid, authentic and sufficient. Mapping to "
            "performance criteria was accurate. IQA sampling covered every assessor but not yet "
            "every assessment method."
        ),
        strengths="Detailed, encouraging feedback to learners on every evidence item.",
        outcome="advisory",
    )
    services.visit_action_add(
        visit=past,
        eqa=eqa,
        description=(
            "Extend the IQA sampling plan to cover observation and professional discussion "
            "for every assessor."
        ),
        due_on=today + datetime.timedelta(days=30),
    )
    services.visit_report_issue(visit=past, eqa=eqa)
    upcoming = services.visit_plan(
        eqa=eqa,
        centre=centre,
        visit_on=today + datetime.timedelta(days=14),
        kind=Visit.Kind.ON_SITE,
        standards=[],
        purpose="Follow-up visit: check the extended IQA sampling plan and observe an assessor.",
    )
    services.visit_sample_take_suggestion(visit=upcoming, eqa=eqa)
