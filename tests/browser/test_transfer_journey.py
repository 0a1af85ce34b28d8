"""A centre admin imports a transferred learner's package and reads the history; the
learner's new assessor recognises two criteria as prior learning and the grid shows them met.
The package also holds criteria of the 2008 CPC 509 unit, matched to SCDCPC509 through the
equivalences and offered apart, as near-identical texts."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from assessments.models import CriterionJudgement, Enrolment
from standards.models import Criterion, Standard
from tests.factories import EnrolmentFactory, UserFactory
from tests.portfolio.conftest import portfolio, standards  # noqa: F401 (fixtures)
from tests.transfer.helpers import build


@pytest.mark.browser
def test_import_and_read_history(
    page: Page,
    people,
    portfolio,  # noqa: F811 (the fixture imported above)
    login,
    axe_check,
    screenshot,
    tmp_path,
    settings,
) -> None:
    settings.TRANSFER_SIGNING_KEY_FILE = str(tmp_path / "dev-transfer-signing-key.pem")
    assessor = UserFactory(
        username="nina", full_name="Nina Assessor", centre=people.other_centre, is_assessor=True
    )
    enrolment = EnrolmentFactory(
        learner=people.outsider_learner,
        centre=people.other_centre,
        standard=Standard.objects.get(slug="scdcpc509-v2"),
        assessor=assessor,
    )
    cpc509 = Enrolment.objects.create(
        learner=people.learner,
        centre=people.centre,
        standard=Standard.objects.get(slug="cpc509-2008"),
        assessor=people.assessor,
        start_date="2025-09-01",
        target_end_date="2026-08-31",
    )
    for criterion in Criterion.objects.filter(standard=cpc509.standard, reference__in=["B3", "C2"]):
        CriterionJudgement.objects.create(
            enrolment=cpc509,
            criterion=criterion,
            met=True,
            decided_by=people.assessor,
            decided_at="2026-06-05T10:30:00Z",
            rationale="Observed in practice.",
        )
    package = tmp_path / "package.zip"
    package.write_bytes(build(portfolio.learner))
    login(page, people.outsider_admin)
    page.goto("/transfer/import/")
    axe_check(page)
    page.get_by_label("Learner").select_option(str(people.outsider_learner.pk))
    page.get_by_label("Portfolio package (ZIP)").set_input_files(str(package))
    screenshot(page, "transfer-import")
    page.get_by_role("button", name="Check and import").click()
    expect(page).to_have_url(re.compile(f"/transfer/learners/{people.outsider_learner.pk}/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Transferred history"))
    expect(page.get_by_text("hashes verified on import")).to_have_count(1)
    expect(
        page.get_by_text("Met elsewhere as CPC 509 C2 (equivalent, near-identical")
    ).to_have_count(1)
    axe_check(page)
    screenshot(page, "transfer-history")

    # The new assessor recognises two of the criteria met there as prior learning.
    met_there = [
        j.criterion
        for j in CriterionJudgement.objects.filter(enrolment=portfolio, met=True).order_by(
            "criterion__kind", "criterion__order"
        )[:2]
    ]
    page.context.clear_cookies()
    login(page, assessor)
    page.goto(f"/evidence/enrolments/{enrolment.pk}/grid/")
    page.get_by_role("link", name="Transferred history").click()
    form = page.locator("form", has=page.get_by_role("button", name="Recognise as prior learning"))
    near = form.get_by_role("group", name="Met there as an equivalent criterion whose text")
    expect(near).to_contain_text("Text there (CPC 509 C2)")
    for criterion in met_there:
        form.locator(f"input[name=criteria][value='{criterion.pk}']").check()
    form.get_by_label("Rationale").fill(
        "Judged this year at Alpha Centre against the same standard: current and sufficient."
    )
    axe_check(page)
    screenshot(page, "transfer-recognise")
    form.get_by_role("button", name="Recognise as prior learning").click()
    expect(page.get_by_text("Recognised 2 criteria as prior learning (E1)")).to_have_count(1)
    expect(page.get_by_text("Recognised here as E1")).to_have_count(2)
    axe_check(page)
    screenshot(page, "transfer-recognised")
    page.goto(f"/evidence/enrolments/{enrolment.pk}/grid/")
    for criterion in met_there:
        row = page.locator(f"#row-{criterion.pk}")
        assert "✓ Met" in row.inner_text()
        assert "E1" in row.inner_text()
    axe_check(page)
    screenshot(page, "transfer-recognised-grid")
