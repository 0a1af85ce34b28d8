"""A centre admin imports a transferred learner's package and reads the history."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from standards.models import Standard
from tests.factories import EnrolmentFactory
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
    EnrolmentFactory(
        learner=people.outsider_learner,
        centre=people.other_centre,
        standard=Standard.objects.get(slug="scdcpc509-v2"),
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
    page.wait_for_load_state()
    assert f"/transfer/learners/{people.outsider_learner.pk}/" in page.url
    assert page.get_by_role("heading", level=1).inner_text().startswith("Transferred history")
    assert page.get_by_text("hashes verified on import").count() == 1
    axe_check(page)
    screenshot(page, "transfer-history")
