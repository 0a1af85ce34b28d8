"""axe-core over every page of the portal, as the role that uses it, at desktop and phone width.

PAGES is the list of pages checked; docs/accessibility.md describes the method. The journeys
in the other browser tests run axe on every page they visit as well.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

pytestmark = pytest.mark.browser

Kwargs = Callable[[Any], dict[str, Any]]
NONE: Kwargs = lambda people: {}  # noqa: E731


def _draft(p: Any) -> dict[str, Any]:
    return {"pk": p.objects["draft"].pk}


def _submitted(p: Any) -> dict[str, Any]:
    return {"pk": p.objects["submitted"].pk}


def _enrolment(p: Any) -> dict[str, Any]:
    return {"pk": p.enrolment.pk}


def _p16(p: Any) -> dict[str, Any]:
    from standards.models import Criterion

    criterion = Criterion.objects.get(standard__slug="scdcpc509-v2", reference="P16")
    return {"slug": "scdcpc509-v2", "pk": criterion.pk}


# (role, url name, URL kwargs from the `people` fixture)
PAGES: list[tuple[str, str, Kwargs]] = [
    ("anonymous", "login", NONE),
    ("anonymous", "password_reset", NONE),
    ("learner", "learner_dashboard", NONE),
    ("learner", "password_change", NONE),
    ("learner", "standards:list", NONE),
    ("learner", "standards:detail", lambda p: {"slug": "scdcpc509-v2"}),
    ("assessor", "assessor_dashboard", NONE),
    ("iqa", "iqa_dashboard", NONE),
    ("admin", "centre_dashboard", NONE),
    ("admin", "centres:people", NONE),
    ("admin", "centres:person_create", NONE),
    ("admin", "centres:person_detail", lambda p: {"pk": p.learner.pk}),
    ("admin", "centres:person_edit", lambda p: {"pk": p.learner.pk}),
    ("admin", "centres:enrolments", NONE),
    ("admin", "centres:enrolment_create", NONE),
    ("admin", "centres:enrolment_edit", lambda p: {"pk": p.enrolment.pk}),
    ("eqa", "eqa_dashboard", NONE),
    ("eqa", "eqa_centre", lambda p: {"pk": p.centre.pk}),
    ("learner", "standards:search", NONE),
    ("learner", "standards:corrections", NONE),
    ("learner", "standards:criterion", _p16),
    ("admin", "standards:correction_create", _p16),
    ("admin", "standards:import", NONE),
    ("learner", "evidence:list", NONE),
    ("learner", "evidence:create", NONE),
    ("learner", "evidence:detail", _draft),
    ("learner", "evidence:edit", _draft),
    ("learner", "evidence:mapping", _draft),
    ("learner", "evidence:submit", _draft),
    ("learner", "evidence:delete", _draft),
    ("learner", "review:grid", _enrolment),
    ("assessor", "review:review", _submitted),
    ("assessor", "review:grid", _enrolment),
    ("assessor", "review:sign_off", _enrolment),
    ("assessor", "assessments:record", _enrolment),
    ("iqa", "review:iqa_assessors", NONE),
    ("iqa", "review:iqa_decisions", lambda p: {"pk": p.assessor.pk}),
    ("learner", "portfolio:exports", NONE),
    ("admin", "portfolio:export_cohort", NONE),
    ("eqa", "portfolio:verify", NONE),
    ("anonymous", "privacy:notice", NONE),
    ("anonymous", "privacy:accessibility", NONE),
    ("admin", "privacy:data_protection", NONE),
    ("admin", "privacy:retention", NONE),
    ("admin", "privacy:erase", lambda p: {"pk": p.other_learner.pk}),
]
PHONE_ROLES = {"anonymous", "learner"}


@pytest.fixture
def standards_loaded(transactional_db, people) -> None:
    """The real standards, plus a draft and a submitted evidence item of the learner."""
    from django.core.management import call_command

    from tests.evidence.helpers import add_file, make_item, submitted_item

    call_command("loaddata", "standards", verbosity=0)
    draft = make_item(people.enrolment, title="Draft notes")
    add_file(draft)
    people.objects = {"draft": draft, "submitted": submitted_item(people.enrolment)}


@pytest.mark.parametrize(
    ("role", "url_name", "kwargs"), PAGES, ids=[f"{r}:{n}" for r, n, _ in PAGES]
)
def test_page_passes_axe(
    page, phone_page, people, standards_loaded, login, axe_check, role, url_name, kwargs
) -> None:
    url = reverse(url_name, kwargs=kwargs(people))
    pages = [page, phone_page] if role in PHONE_ROLES else [page]
    for browser_page in pages:
        if role != "anonymous":
            login(browser_page, getattr(people, role))
        browser_page.goto(url)
        assert browser_page.locator("h1").count() == 1, "one main heading per page"
        assert browser_page.locator("main#main").count() == 1
        axe_check(browser_page)


@pytest.mark.parametrize("width", [360, 320])
def test_learner_pages_reflow_without_sideways_scroll(
    phone_page, people, standards_loaded, login, width
) -> None:
    """WCAG 1.4.10: the learner's pages reflow at 320 CSS px (and at a 360 px phone)."""
    phone_page.set_viewport_size({"width": width, "height": 740})
    login(phone_page, people.learner)
    draft = people.objects["draft"]
    for url in [
        reverse("learner_dashboard"),
        reverse("evidence:list"),
        reverse("evidence:create"),
        reverse("evidence:detail", args=[draft.pk]),
        reverse("evidence:mapping", args=[draft.pk]),
        reverse("review:grid", args=[people.enrolment.pk]),
        reverse("standards:list"),
    ]:
        phone_page.goto(url)
        overflow = phone_page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{url} scrolls sideways at {width} px ({overflow}px)"


def test_keyboard_reaches_skip_link_first(page, people, login) -> None:
    login(page, people.learner)
    page.goto(reverse("learner_dashboard"))
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
