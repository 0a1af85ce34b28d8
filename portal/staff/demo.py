"""Demo staff records for the demo centre: assessor1's and iqa1's qualifications (one of
assessor1's expiring soon), competence statements, CPD, a standardisation meeting with an
action, an observation of assessor1's practice and an expert witness. Idempotent: a re-run
finds the same rows and adds nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

from assessments.models import Enrolment
from portal.accounts.models import User
from portal.staff import services
from portal.staff.models import (
    CompetenceStatement,
    CpdEntry,
    ExpertWitness,
    Observation,
    Qualification,
    StandardisationActivity,
)

Kind = Qualification.Kind


def add_demo_staff(today: datetime.date) -> None:
    assessor = User.objects.filter(username="assessor1").first()
    iqa = User.objects.filter(username="iqa1").first()
    if assessor is None or iqa is None or assessor.centre is None:
        return
    centre = assessor.centre
    days = datetime.timedelta
    for person, kind, title, body, achieved, expires in [
        (
            assessor,
            Kind.ASSESSING,
            "Level 3 Certificate in Assessing Vocational Achievement",
            "City & Guilds",
            today - days(days=3 * 365),
            today + days(days=40),
        ),
        (
            assessor,
            Kind.OCCUPATIONAL,
            "Level 5 Diploma in Leadership for Health and Social Care",
            "Pearson",
            today - days(days=6 * 365),
            None,
        ),
        (
            iqa,
            Kind.IQA,
            "Level 4 Award in the Internal Quality Assurance of Assessment",
            "City & Guilds",
            today - days(days=2 * 365),
            today + days(days=3 * 365),
        ),
        (
            iqa,
            Kind.ASSESSING,
            "Level 3 Award in Assessing Competence in the Work Environment",
            "NCFE",
            today - days(days=5 * 365),
            None,
        ),
    ]:
        if not Qualification.objects.filter(person=person, title=title).exists():
            services.qualification_save(
                person=person,
                fields={
                    "kind": kind,
                    "title": title,
                    "awarding_body": body,
                    "achieved_on": achieved,
                    "expires_on": expires,
                },
            )
    enrolments = list(
        Enrolment.objects.filter(assessor=assessor, status=Enrolment.Status.ACTIVE)
        .select_related("standard", "learner")
        .order_by("pk")
    )
    for enrolment in enrolments:
        for person in (assessor, iqa):
            if not CompetenceStatement.objects.filter(
                person=person, standard=enrolment.standard
            ).exists():
                services.competence_statement_save(
                    person=person,
                    standard=enrolment.standard,
                    statement=(
                        "Eight years commissioning adult social care services for a local "
                        "authority, including contract monitoring and provider reviews."
                    ),
                )
    for person, activity, hours, back in [
        (assessor, "Safeguarding adults refresher (online)", Decimal("3.0"), 30),
        (assessor, "Shadowed a contract review visit", Decimal("6.5"), 75),
        (iqa, "Awarding body standardisation webinar", Decimal("2.0"), 20),
    ]:
        if not CpdEntry.objects.filter(person=person, activity=activity).exists():
            services.cpd_entry_create(
                person=person,
                done_on=today - days(days=back),
                activity=activity,
                hours=hours,
                reflection="What I learnt and how it changes how I assess.",
            )
    title = "Standardisation: judging reflective accounts"
    if not StandardisationActivity.objects.filter(centre=centre, title=title).exists():
        activity = services.standardisation_activity_create(
            centre=centre,
            actor=iqa,
            held_on=today - days(days=14),
            title=title,
            participants=[assessor, iqa],
            discussed="",
            outcomes=(
                "Agreed that a reflective account must name the learner's own actions, not "
                "the team's, before it is accepted for performance criteria."
            ),
        )
        services.standardisation_action_add(
            activity=activity,
            actor=iqa,
            text="Re-check the reflective accounts accepted this term against the agreed rule",
            owner=assessor,
            due_on=today + days(days=21),
        )
    if enrolments and not Observation.objects.filter(assessor=assessor).exists():
        services.observation_create(
            centre=centre,
            observer=iqa,
            assessor=assessor,
            enrolment=enrolments[0],
            observed_on=today - days(days=7),
            setting="Professional discussion at the learner's workplace",
            outcome=Observation.Outcome.DEVELOPMENT,
            feedback=(
                "Clear questions linked to the criteria. Record the learner's answers in "
                "their words, and agree the next steps with them before leaving."
            ),
        )
    ExpertWitness.objects.get_or_create(
        centre=centre,
        email="pat.witness@example.org",
        defaults={
            "name": "Pat Witness",
            "role": "Registered manager, Oakwood Care Home",
            "occupational_competence": "Registered manager for 12 years; Level 5 Diploma.",
            "relationship_rules": "Does not witness learners they line-manage or are related to.",
        },
    )
