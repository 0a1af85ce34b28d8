"""Rows for staff competence, standardisation and observation of practice (portal.staff).

A centre's staff read its records; the granted EQA reads them (200) and writes nothing (403);
learners get a 403; another centre's admin gets a 404. A person's competence is read by
themselves, IQAs and admins and written by themselves and admins; the IQA writes
standardisation and observations, the admin standardisation and the witness register; the
observed assessor alone acknowledges. The reports are for IQAs, admins and the EQA.
"""

from __future__ import annotations

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from portal.staff import services
from portal.staff.models import ExpertWitness, Qualification
from tests.permissions.matrix import Case

LEARNERS = {"learner": 403, "other_learner": 403, "outsider_learner": 403}
READERS = {**LEARNERS, "assessor": 200, "iqa": 200, "admin": 200, "eqa": 200}
REPORTS = {**LEARNERS, "assessor": 403, "iqa": 200, "admin": 200, "eqa": 200}
OWN = {**LEARNERS, "assessor": 200, "iqa": 403, "admin": 200, "eqa": 403}
OWN_POSTED = {**OWN, "assessor": 302, "admin": 302}
QA_WRITE = {**LEARNERS, "assessor": 403, "iqa": 200, "admin": 200, "eqa": 403}
QA_POSTED = {**QA_WRITE, "iqa": 302, "admin": 302}
ADMIN_WRITE = {**LEARNERS, "assessor": 403, "iqa": 403, "admin": 200, "eqa": 403}
ADMIN_POSTED = {**ADMIN_WRITE, "admin": 302}
IQA_WRITE = {**LEARNERS, "assessor": 403, "iqa": 200, "admin": 403, "eqa": 403}
IQA_POSTED = {**IQA_WRITE, "iqa": 302}
CLOSERS = {**LEARNERS, "assessor": 302, "iqa": 302, "admin": 302, "eqa": 403}
ACKNOWLEDGER = {**LEARNERS, "assessor": 302, "iqa": 403, "admin": 403, "eqa": 403}
OTHER_CENTRE = 404  # outsider_admin, and anyone else not listed


def _centre(people) -> dict:
    return {"centre": people.centre.pk}


def _assessor(people) -> dict:
    return {"pk": people.assessor.pk}


def png_upload(name: str = "certificate.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _qualification(people, *, certificate: bool = False) -> Qualification:
    return services.qualification_save(
        person=people.assessor,
        fields={
            "kind": Qualification.Kind.ASSESSING,
            "title": "Assessor award",
            "awarding_body": "City & Guilds",
            "achieved_on": datetime.date(2024, 1, 10),
            "expires_on": None,
        },
        certificate=png_upload() if certificate else None,
    )


def _qualification_pk(people) -> dict:
    return {"pk": _qualification(people).pk}


def _certificate_pk(people) -> dict:
    return {"pk": _qualification(people, certificate=True).pk}


def _cpd_pk(people) -> dict:
    entry = services.cpd_entry_create(
        person=people.assessor,
        done_on=datetime.date(2026, 1, 5),
        activity="Safeguarding refresher",
        hours=2,
        reflection="",
    )
    return {"pk": entry.pk}


def _witness_pk(people) -> dict:
    witness = ExpertWitness.objects.create(
        centre=people.centre,
        name="Pat Witness",
        email="pat@example.org",
        role="Manager",
        occupational_competence="Ten years.",
    )
    return {"pk": witness.pk}


def _activity(people):
    return services.standardisation_activity_create(
        centre=people.centre,
        actor=people.iqa,
        held_on=timezone.localdate(),
        title="Judging reflective accounts",
        participants=[people.assessor, people.iqa],
        discussed="",
        outcomes="Agreed the rule.",
    )


def _activity_pk(people) -> dict:
    return {"pk": _activity(people).pk}


def _action_pk(people) -> dict:
    action = services.standardisation_action_add(
        activity=_activity(people),
        actor=people.iqa,
        text="Re-check accounts",
        owner=people.assessor,
        due_on=timezone.localdate(),
    )
    return {"pk": action.pk}


def _observation_pk(people) -> dict:
    observation = services.observation_create(
        centre=people.centre,
        observer=people.iqa,
        assessor=people.assessor,
        enrolment=people.enrolment,
        observed_on=timezone.localdate(),
        setting="Workplace",
        outcome="meets",
        feedback="Good questioning.",
    )
    return {"pk": observation.pk}


def _qualification_data(people) -> dict:
    return {
        "kind": "assessing",
        "title": "Assessor award",
        "awarding_body": "City & Guilds",
        "achieved_on": "2024-01-10",
        "expires_on": "",
    }


def _statement_data(people) -> dict:
    return {"standard": people.enrolment.standard_id, "statement": "Ten years in the work."}


def _cpd_data(people) -> dict:
    return {"done_on": "2026-01-05", "activity": "Webinar", "hours": "1.5", "reflection": ""}


def _witness_data(people) -> dict:
    return {
        "name": "Sam Witness",
        "email": "sam@example.org",
        "role": "Team leader",
        "occupational_competence": "Five years.",
        "relationship_rules": "",
        "is_active": "on",
    }


def _activity_data(people) -> dict:
    return {
        "held_on": timezone.localdate().isoformat(),
        "title": "Standardisation",
        "participants": [people.assessor.pk, people.iqa.pk],
        "discussed": "",
        "outcomes": "Agreed.",
    }


def _action_data(people) -> dict:
    return {"text": "Do it", "owner": people.assessor.pk, "due_on": "2027-01-01"}


def _observation_data(people) -> dict:
    return {
        "assessor": people.assessor.pk,
        "enrolment": people.enrolment.pk,
        "observed_on": timezone.localdate().isoformat(),
        "setting": "Workplace",
        "outcome": "meets",
        "feedback": "Clear.",
    }


CASES = [
    Case("staff:home", READERS, default=OTHER_CENTRE, kwargs=_centre),
    Case("staff:home", {}, method="post", default=405, kwargs=_centre),
    Case("staff:person", READERS, default=OTHER_CENTRE, kwargs=_assessor),
    Case("staff:person", {}, method="post", default=405, kwargs=_assessor),
    Case("staff:qualification_create", OWN, default=OTHER_CENTRE, kwargs=_assessor),
    Case(
        "staff:qualification_create",
        OWN_POSTED,
        default=OTHER_CENTRE,
        method="post",
        kwargs=_assessor,
        data=_qualification_data,
    ),
    Case("staff:qualification_edit", OWN, default=OTHER_CENTRE, kwargs=_qualification_pk),
    Case(
        "staff:qualification_edit",
        OWN_POSTED,
        default=OTHER_CENTRE,
        method="post",
        kwargs=_qualification_pk,
        data=_qualification_data,
    ),
    Case(
        "staff:qualification_delete",
        OWN_POSTED,
        default=OTHER_CENTRE,
        method="post",
        kwargs=_qualification_pk,
    ),
    Case("staff:qualification_delete", {}, default=405, kwargs=_qualification_pk),
    Case("staff:certificate", READERS, default=OTHER_CENTRE, kwargs=_certificate_pk),
    Case(
        "staff:certificate",
        {**READERS, "assessor": 404, "iqa": 404, "admin": 404, "eqa": 404},
        default=OTHER_CENTRE,
        kwargs=_qualification_pk,
        label="without a certificate",
    ),
    Case("staff:certificate", {}, method="post", default=405, kwargs=_certificate_pk),
    Case("staff:statement_edit", OWN, default=OTHER_CENTRE, kwargs=_assessor),
    Case(
        "staff:statement_edit",
        OWN_POSTED,
        default=OTHER_CENTRE,
        method="post",
        kwargs=_assessor,
        data=_statement_data,
    ),
    Case("staff:cpd_create", OWN, default=OTHER_CENTRE, kwargs=_assessor),
    Case(
        "staff:cpd_create",
        OWN_POSTED,
        default=OTHER_CENTRE,
        method="post",
        kwargs=_assessor,
        data=_cpd_data,
    ),
    Case("staff:cpd_delete", OWN_POSTED, default=OTHER_CENTRE, method="post", kwargs=_cpd_pk),
    Case("staff:cpd_delete", {}, default=405, kwargs=_cpd_pk),
    Case("staff:witnesses", READERS, default=OTHER_CENTRE, kwargs=_centre),
    Case("staff:witness_create", ADMIN_WRITE, default=OTHER_CENTRE, kwargs=_centre),
    Case(
        "staff:witness_create",
        ADMIN_POSTED,
        default=OTHER_CENTRE,
        method="post",
        kwargs=_centre,
        data=_witness_data,
    ),
    Case("staff:witness_edit", ADMIN_WRITE, default=OTHER_CENTRE, kwargs=_witness_pk),
    Case(
        "staff:witness_edit",
        ADMIN_POSTED,
        default=OTHER_CENTRE,
        method="post",
        kwargs=_witness_pk,
        data=_witness_data,
    ),
    Case("staff:standardisation", READERS, default=OTHER_CENTRE, kwargs=_centre),
    Case("staff:standardisation_create", QA_WRITE, default=OTHER_CENTRE, kwargs=_centre),
    Case(
        "staff:standardisation_create",
        QA_POSTED,
        default=OTHER_CENTRE,
        method="post",
        kwargs=_centre,
        data=_activity_data,
    ),
    Case("staff:standardisation_detail", READERS, default=OTHER_CENTRE, kwargs=_activity_pk),
    Case(
        "staff:standardisation_action_add",
        {**QA_POSTED, "assessor": 403},
        default=OTHER_CENTRE,
        method="post",
        kwargs=_activity_pk,
        data=_action_data,
    ),
    Case("staff:standardisation_action_add", {}, default=405, kwargs=_activity_pk),
    Case(
        "staff:standardisation_action_close",
        CLOSERS,
        default=OTHER_CENTRE,
        method="post",
        kwargs=_action_pk,
    ),
    Case("staff:standardisation_action_close", {}, default=405, kwargs=_action_pk),
    Case("staff:observations", READERS, default=OTHER_CENTRE, kwargs=_centre),
    Case("staff:observation_create", IQA_WRITE, default=OTHER_CENTRE, kwargs=_centre),
    Case(
        "staff:observation_create",
        IQA_POSTED,
        default=OTHER_CENTRE,
        method="post",
        kwargs=_centre,
        data=_observation_data,
    ),
    Case("staff:observation_detail", READERS, default=OTHER_CENTRE, kwargs=_observation_pk),
    Case(
        "staff:observation_acknowledge",
        ACKNOWLEDGER,
        default=OTHER_CENTRE,
        method="post",
        kwargs=_observation_pk,
    ),
    Case("staff:observation_acknowledge", {}, default=405, kwargs=_observation_pk),
    Case("staff:report_qualified", REPORTS, default=OTHER_CENTRE, kwargs=_centre),
    Case("staff:report_qualified_csv", REPORTS, default=OTHER_CENTRE, kwargs=_centre),
    Case("staff:report_expiring", REPORTS, default=OTHER_CENTRE, kwargs=_centre),
    Case("staff:report_expiring_csv", REPORTS, default=OTHER_CENTRE, kwargs=_centre),
    Case("staff:report_expiring_csv", {}, method="post", default=405, kwargs=_centre),
]
