"""axe-core over every page of the portal, as the role that uses it, at desktop and phone width.

PAGES is the list of pages checked; docs/accessibility.md describes the method. The journeys
in the other browser tests run axe on every page they visit as well.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

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
    ("iqa", "quality:home", NONE),
    ("iqa", "quality:decisions", NONE),
    ("iqa", "quality:assessor", lambda p: {"pk": p.assessor.pk}),
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
    from tests.evidence.helpers import add_file, make_item, submitted_item
    from tests.standards_fixture import load_standards

    load_standards()
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
    expect(page.locator("#main")).to_be_focused()


# The demo centre as `manage.py demo` leaves it (run.sh shows it to every newcomer): real
# standards, long criterion texts, many evidence columns, decisions, a signed-off unit.
DEMO_WIDTHS = [360, 768]


@pytest.fixture
def demo_data(transactional_db, settings) -> None:
    from django.core.management import call_command

    from tests.standards_fixture import load_standards

    load_standards()
    settings.DEBUG = True  # the demo refuses to run with DEBUG off (known passwords)
    call_command("demo", verbosity=0)
    settings.DEBUG = False


def _demo_pages(username: str) -> list[str]:
    from assessments.models import Enrolment
    from evidence.models import EvidenceItem

    enrolments = list(
        Enrolment.objects.filter(centre__name="Demo Training Centre")
        .exclude(assessor=None)
        .order_by("learner__username", "standard__slug")
    )
    items = EvidenceItem.objects.filter(enrolment__in=enrolments).order_by("pk")
    draft = items.filter(
        status="draft", enrolment__sign_offs=None, enrolment__learner__username="learner1"
    ).first()
    if username == "learner1":
        mine = [e for e in enrolments if e.learner.username == "learner1"]
        shown = [
            items.filter(enrolment__in=mine, status=s).first() for s in ("accepted", "referred")
        ]
        return [
            reverse("learner_dashboard"),
            reverse("evidence:list"),
            *(reverse("evidence:detail", args=[i.pk]) for i in [draft, *shown] if i),
            reverse("evidence:mapping", args=[draft.pk]),
            reverse("evidence:submit", args=[draft.pk]),
            *(reverse("review:grid", args=[e.pk]) for e in mine),
            reverse("assessments:record", args=[mine[0].pk]),
            reverse("standards:detail", args=["scdcpc509-v2"]),
            reverse("portfolio:exports"),
        ]
    if username == "assessor1":
        open_unit = next(e for e in enrolments if not e.sign_offs.exists())
        criterion = open_unit.standard.criteria.order_by("kind", "order").first()
        return [
            reverse("assessor_dashboard"),
            *(reverse("review:grid", args=[e.pk]) for e in enrolments),
            *(reverse("review:review", args=[i.pk]) for i in items.exclude(status="draft")[:3]),
            reverse("review:judge", args=[open_unit.pk, criterion.pk]),
            reverse("review:sign_off", args=[open_unit.pk]),
            reverse("assessments:record", args=[open_unit.pk]),
        ]
    if username == "iqa1":
        assessor = enrolments[0].assessor
        return [
            reverse("iqa_dashboard"),
            reverse("quality:home"),
            reverse("quality:decisions"),
            reverse("quality:assessor", args=[assessor.pk]),
            *(
                reverse("quality:sample_unit", args=[e.pk])
                for e in enrolments
                if e.iqa and e.iqa.username == "iqa1"
            ),
        ]
    learner = enrolments[0].learner
    return [  # admin1
        reverse("centre_dashboard"),
        reverse("centres:people"),
        reverse("centres:person_create"),
        reverse("centres:person_detail", args=[learner.pk]),
        reverse("centres:enrolments"),
        reverse("centres:enrolment_edit", args=[enrolments[0].pk]),
        reverse("portfolio:export_cohort"),
    ]


# Each box's vertical centre against its label's first line, for every checkbox and radio.
MISALIGNED_CHECKS = """() => [...document.querySelectorAll('.form-check')].flatMap(check => {
    const input = check.querySelector('.form-check-input');
    const label = check.querySelector('.form-check-label');
    if (!input || !label || !label.textContent.trim()) return [];
    const box = input.getBoundingClientRect();
    const range = document.createRange();
    range.selectNodeContents(label);
    const line = range.getClientRects()[0];
    const offset = (box.top + box.height / 2) - (line.top + line.height / 2);
    return Math.abs(offset) > 3 ? [`${label.textContent.trim().slice(0, 40)}: ${offset}px`] : [];
})"""


@pytest.mark.parametrize("username", ["learner1", "assessor1", "iqa1", "admin1"])
def test_demo_pages_pass_axe_and_reflow(page, demo_data, axe_check, username) -> None:
    """At a phone's and a tablet's width, every page a demo user reaches passes axe, the page
    itself never scrolls sideways (a wide table scrolls in its own keyboard-reachable
    region), and checkboxes and radio buttons sit level with their labels."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("demo")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    urls = _demo_pages(username)
    for width in DEMO_WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        for url in urls:
            response = page.goto(url)
            assert response is not None and response.status == 200, url
            axe_check(page)
            wide = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
            assert wide <= 0, f"{url} is {wide}px wider than the {width}px viewport"
            assert not page.evaluate(MISALIGNED_CHECKS), f"{url} at {width}px"
