"""The pages: the count in the navigation, the list, opening and marking read, settings."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from assessments.models import Enrolment
from portal.notifications.models import EmailChoice, Notification, NotificationPreference

LIST = reverse("notifications:list")


def _notify(user, n: int = 1, *, text: str = "Bob Assessor accepted E1 Care plan review"):
    now = timezone.now()
    return [
        Notification.objects.create(
            recipient=user,
            centre=user.centre,
            enrolment=Enrolment.objects.filter(centre=user.centre).first(),
            kind=Notification.Kind.EVIDENCE_ACCEPTED,
            text=text,
            link=reverse("evidence:list"),
            occurred_at=now - datetime.timedelta(minutes=i),
            event_key=f"test:{user.pk}:{i}",
        )
        for i in range(n)
    ]


def test_the_count_shows_in_the_navigation(people) -> None:
    _notify(people.learner, 3)
    _notify(people.other_learner, 5)
    page = people.client_for(people.learner).get(reverse("learner_dashboard")).content.decode()
    assert '>3<span class="visually-hidden"> unread</span>' in page
    assert 'href="/notifications/"' in page
    quiet = people.client_for(people.assessor).get(reverse("assessor_dashboard")).content.decode()
    assert "Notifications" in quiet and "unread" not in quiet


def test_no_notifications_for_the_eqa(people) -> None:
    page = people.client_for(people.eqa).get(reverse("eqa_dashboard")).content.decode()
    assert "/notifications/" not in page
    assert people.client_for(people.eqa).get(LIST).status_code == 403


def test_list_shows_only_your_own_newest_first(people) -> None:
    _notify(people.learner, 2, text="Yours <script>alert(1)</script>")
    _notify(people.other_learner, 1, text="Amir's news")
    response = people.client_for(people.learner).get(LIST)
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("Yours &lt;script&gt;") == 2 and "<script>alert" not in page
    assert "Amir's news" not in page
    assert "New:</strong> Evidence accepted" in page
    assert "daily email digest" in page
    assert "<h1>Notifications</h1>" in page


def test_list_is_paginated_with_flat_queries(people, django_assert_num_queries) -> None:
    client = people.client_for(people.learner)
    _notify(people.learner, 3)
    client.get(LIST)  # warm the session and caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    Notification.objects.all().delete()
    _notify(people.learner, 60)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(LIST)
    assert "Page 1 of 3" in response.content.decode()
    assert response.content.decode().count("notifications/") > 25
    assert "Page 3 of 3" in client.get(LIST + "?page=3").content.decode()


def test_opening_marks_read_and_goes_to_the_thing(people) -> None:
    (notification,) = _notify(people.learner)
    response = people.client_for(people.learner).get(
        reverse("notifications:open", args=[notification.pk])
    )
    assert response.status_code == 302 and response["Location"] == reverse("evidence:list")
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_opening_never_leaves_the_site(people) -> None:
    (notification,) = _notify(people.learner)
    Notification.objects.filter(pk=notification.pk).update(link="//evil.example/")
    response = people.client_for(people.learner).get(
        reverse("notifications:open", args=[notification.pk])
    )
    assert response["Location"] == LIST


def test_another_persons_notification_is_a_404(people) -> None:
    (notification,) = _notify(people.learner)
    for user in (people.other_learner, people.assessor, people.admin, people.outsider_admin):
        client = people.client_for(user)
        assert client.get(reverse("notifications:open", args=[notification.pk])).status_code == 404
        assert client.post(reverse("notifications:read", args=[notification.pk])).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_read_and_mark_all_read(people) -> None:
    first, *_ = _notify(people.learner, 3)
    (amirs,) = _notify(people.other_learner)
    client = people.client_for(people.learner)
    response = client.post(reverse("notifications:read", args=[first.pk]), {"page": "2"})
    assert response.status_code == 302 and response["Location"] == LIST + "?page=2"
    first.refresh_from_db()
    assert first.read_at is not None
    assert client.get(reverse("notifications:read", args=[first.pk])).status_code == 405
    response = client.post(reverse("notifications:read_all"), follow=True)
    assert "2 notifications marked as read." in response.content.decode()
    assert not Notification.objects.filter(recipient=people.learner, read_at=None).exists()
    amirs.refresh_from_db()
    assert amirs.read_at is None
    page = client.get(LIST).content.decode()
    assert "Mark as read" not in page and "unread" not in page


def test_settings_page(people) -> None:
    client = people.client_for(people.assessor)
    url = reverse("notifications:settings")
    page = client.get(url).content.decode()
    assert "A daily digest" in page and 'value="daily"' in page and "checked" in page
    response = client.post(url, {"email": "each"})
    assert response.status_code == 302 and response["Location"] == url
    assert NotificationPreference.objects.get(user=people.assessor).email == EmailChoice.EACH
    response = client.post(url, {"email": "hourly"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert NotificationPreference.objects.get(user=people.assessor).email == EmailChoice.EACH
    people.assessor.email = ""
    people.assessor.save()
    assert "no email address" in client.get(url).content.decode()
