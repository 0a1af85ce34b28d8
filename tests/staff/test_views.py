"""Pages of portal.staff beyond the permission matrix: what they show, files, CSV, counts."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from portal.staff import services
from portal.staff.models import (
    Observation,
    Qualification,
    StandardisationAction,
    StandardisationActivity,
)
from tests.factories import EnrolmentFactory, StandardFactory, UserFactory
from tests.staff.helpers import png_upload, qualification


def _days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def test_certificate_is_an_attachment_with_nosniff(people) -> None:
    row = qualification(people.assessor, certificate=png_upload("cert.png"))
    response = people.client_for(people.iqa).get(reverse("staff:certificate", args=[row.pk]))
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content)[:4] == b"\x89PNG"


def test_assessor_adds_a_qualification_with_a_certificate(people) -> None:
    client = people.client_for(people.assessor)
    url = reverse("staff:qualification_create", args=[people.assessor.pk])
    response = client.post(
        url,
        {
            "kind": "assessing",
            "title": "CAVA",
            "awarding_body": "City & Guilds",
            "achieved_on": "2024-02-01",
            "expires_on": _days(20).isoformat(),
            "certificate_upload": png_upload(),
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("staff:person", args=[people.assessor.pk])).content.decode()
    assert "CAVA" in page and "Expires in 20 days" in page and "Download" in page


def test_bad_certificate_is_a_400_with_the_reason(people) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = people.client_for(people.admin)
    response = client.post(
        reverse("staff:qualification_create", args=[people.assessor.pk]),
        {
            "kind": "assessing",
            "title": "CAVA",
            "awarding_body": "City & Guilds",
            "achieved_on": "2024-02-01",
            "certificate_upload": SimpleUploadedFile("x.pdf", b"<html><body>hi</body></html>"),
        },
    )
    assert response.status_code == 400
    assert "nothing was saved" in response.content.decode() or "web page" in (
        response.content.decode()
    )
    assert not Qualification.objects.exists()


def test_a_colleague_is_not_another_assessors_reader(people) -> None:
    colleague = UserFactory(centre=people.centre, is_assessor=True)
    client = people.client_for(people.assessor)
    assert client.get(reverse("staff:person", args=[colleague.pk])).status_code == 404
    # A learner is not a member of staff: no competence page.
    iqa = people.client_for(people.iqa)
    assert iqa.get(reverse("staff:person", args=[people.learner.pk])).status_code == 404


def test_expiring_csv_escapes_user_text(people) -> None:
    qualification(people.assessor, title="=cmd|' /C calc'!A0", expires_on=_days(10))
    client = people.client_for(people.admin)
    response = client.get(reverse("staff:report_expiring_csv", args=[people.centre.pk]))
    body = b"".join(response.streaming_content).decode()
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert "'=cmd|" in body and ",=cmd" not in body
    assert "Expires in 10 days" in body


def _staff_with_records(centre, standard, count: int) -> None:
    for _ in range(count):
        person = UserFactory(centre=centre, is_assessor=True, is_iqa=True)
        qualification(person, expires_on=_days(15))
        qualification(person, kind=Qualification.Kind.IQA, title="IQA award")
        services.competence_statement_save(person=person, standard=standard, statement="x")


def test_qualified_report_words_and_fixed_query_count(people, django_assert_num_queries) -> None:
    standard = people.enrolment.standard
    EnrolmentFactory(learner=people.other_learner, centre=people.centre, standard=StandardFactory())
    client = people.client_for(people.iqa)
    url = reverse("staff:report_qualified", args=[people.centre.pk])
    qualification(people.assessor)
    services.competence_statement_save(person=people.assessor, standard=standard, statement="x")
    client.get(url)  # warm the session
    _staff_with_records(people.centre, standard, 2)
    with django_assert_num_queries(10) as small:
        response = client.get(url)
    _staff_with_records(people.centre, standard, 12)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    html = response.content.decode()
    assert "✓ Qualified" in html
    assert "Qualified, but assessor qualification expires on" in html
    assert "Not qualified: no IQA qualification recorded" in html  # Carol has none
    assert "no occupational competence statement for this standard" in html


def test_qualified_csv(people) -> None:
    qualification(people.assessor)
    services.competence_statement_save(
        person=people.assessor, standard=people.enrolment.standard, statement="x"
    )
    client = people.client_for(people.eqa)
    response = client.get(reverse("staff:report_qualified_csv", args=[people.centre.pk]))
    rows = b"".join(response.streaming_content).decode().splitlines()
    assert rows[0] == "Name,Username,Roles,Standard,Title,Qualified,State"
    assert any(
        row.startswith("Bob Assessor,bob,assessor,") and "yes,Qualified" in row for row in rows
    )
    assert any(
        row.startswith("Carol IQA,carol,IQA,") and ",no,Not qualified" in row for row in rows
    )


def test_expiring_report_fixed_query_count(people, django_assert_num_queries) -> None:
    client = people.client_for(people.admin)
    url = reverse("staff:report_expiring", args=[people.centre.pk])
    client.get(url)
    _staff_with_records(people.centre, people.enrolment.standard, 2)
    with django_assert_num_queries(7) as small:
        client.get(url)
    _staff_with_records(people.centre, people.enrolment.standard, 15)
    with django_assert_num_queries(len(small.captured_queries)):
        html = client.get(url).content.decode()
    assert "Expires in 15 days" in html


def test_list_pages_fixed_query_counts(people, django_assert_max_num_queries) -> None:
    client = people.client_for(people.iqa)
    for n in range(12):
        activity = services.standardisation_activity_create(
            centre=people.centre,
            actor=people.iqa,
            held_on=timezone.localdate(),
            title=f"S{n}",
            participants=[people.assessor, people.iqa],
            discussed="",
            outcomes="x",
        )
        services.standardisation_action_add(
            activity=activity, actor=people.iqa, text="a", owner=people.assessor, due_on=_days(3)
        )
        services.observation_create(
            centre=people.centre,
            observer=people.iqa,
            assessor=people.assessor,
            enrolment=people.enrolment,
            observed_on=timezone.localdate(),
            setting="s",
            outcome="meets",
            feedback="f",
        )
    for name in ("staff:standardisation", "staff:observations", "staff:witnesses", "staff:home"):
        with django_assert_max_num_queries(8):
            assert client.get(reverse(name, args=[people.centre.pk])).status_code == 200
    with django_assert_max_num_queries(10):
        client.get(reverse("staff:standardisation_detail", args=[activity.pk]))


def test_observation_in_two_steps_then_acknowledged(people) -> None:
    iqa = people.client_for(people.iqa)
    url = reverse("staff:observation_create", args=[people.centre.pk])
    first = iqa.get(url).content.decode()
    assert "Assessor observed" in first and "Learner being assessed" not in first
    second = iqa.get(url, {"assessor": people.assessor.pk}).content.decode()
    assert "Alice Learner" in second
    response = iqa.post(
        f"{url}?assessor={people.assessor.pk}",
        {
            "assessor": people.assessor.pk,
            "enrolment": people.enrolment.pk,
            "observed_on": timezone.localdate().isoformat(),
            "setting": "Care home",
            "outcome": "development",
            "feedback": "Record answers <b>verbatim</b>.",
        },
    )
    observation = Observation.objects.get()
    assert response.url == reverse("staff:observation_detail", args=[observation.pk])
    assessor = people.client_for(people.assessor)
    dashboard = assessor.get(reverse("assessor_dashboard")).content.decode()
    assert "1 observation of your practice to read and acknowledge" in dashboard
    page = assessor.get(response.url).content.decode()
    assert "&lt;b&gt;verbatim&lt;/b&gt;" in page and "I have read this feedback" in page
    assert "I have read this feedback" not in iqa.get(response.url).content.decode()
    assessor.post(reverse("staff:observation_acknowledge", args=[observation.pk]))
    observation.refresh_from_db()
    assert observation.acknowledged_at is not None
    assert "I have read this feedback" not in assessor.get(response.url).content.decode()


def test_observation_post_without_an_assessor_is_a_400(people) -> None:
    response = people.client_for(people.iqa).post(
        reverse("staff:observation_create", args=[people.centre.pk]), {}
    )
    assert response.status_code == 400


def test_standardisation_with_evidence_link_and_an_action_closed_by_its_owner(people) -> None:
    from tests.assessments.helpers import make_item

    item = make_item(people.enrolment)
    admin = people.client_for(people.admin)
    response = admin.post(
        reverse("staff:standardisation_create", args=[people.centre.pk]),
        {
            "held_on": timezone.localdate().isoformat(),
            "title": "Reflective accounts",
            "participants": [people.assessor.pk, people.iqa.pk],
            "discussed": f"http://testserver/evidence/{item.pk}/",
            "outcomes": "Agreed.",
        },
    )
    assert response.status_code == 302
    detail = response.url
    activity = StandardisationActivity.objects.get()
    assert detail == reverse("staff:standardisation_detail", args=[activity.pk])
    admin.post(
        reverse("staff:standardisation_action_add", args=[activity.pk]),
        {"text": "Re-check", "owner": people.assessor.pk, "due_on": _days(7).isoformat()},
    )
    page = people.client_for(people.eqa).get(detail).content.decode()
    assert item.reference in page and "Re-check" in page and "Open" in page
    assert "Add an action" not in page and "Close<" not in page  # the EQA reads only
    assessor = people.client_for(people.assessor)
    assert (
        "1 open standardisation action for you"
        in assessor.get(reverse("assessor_dashboard")).content.decode()
    )
    action = StandardisationAction.objects.get()
    assessor.post(reverse("staff:standardisation_action_close", args=[action.pk]), {"note": "ok"})
    action.refresh_from_db()
    assert action.closed_by == people.assessor


def test_dashboards_show_expiring_qualifications(people) -> None:
    qualification(people.assessor, expires_on=_days(30))
    qualification(people.iqa, kind=Qualification.Kind.IQA, expires_on=_days(-2))
    assessor = people.client_for(people.assessor).get(reverse("assessor_dashboard"))
    assert "1 of your qualifications expires within 60 days" in assessor.content.decode()
    iqa = people.client_for(people.iqa).get(reverse("iqa_dashboard"))
    assert "1 of your qualifications has expired" in iqa.content.decode()
    admin = people.client_for(people.admin).get(reverse("centre_dashboard")).content.decode()
    assert "Staff qualifications: 1 expires within 60 days, 1 has expired" in admin


def test_eqa_reaches_the_staff_records_from_the_centre_page(people) -> None:
    client = people.client_for(people.eqa)
    page = client.get(reverse("eqa_centre", args=[people.centre.pk])).content.decode()
    home = reverse("staff:home", args=[people.centre.pk])
    assert f'href="{home}"' in page
    html = client.get(home).content.decode()
    assert "Who is qualified for which standard" in html and "Bob Assessor" in html
    assert (
        "Add a witness"
        not in client.get(reverse("staff:witnesses", args=[people.centre.pk])).content.decode()
    )
