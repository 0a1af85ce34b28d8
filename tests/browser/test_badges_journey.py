"""Badges: on a phone the learner claims the badge of her IQA-verified unit and downloads it;
anyone checks the file on the public verification page; the centre's issuer page is public."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.badges.conftest import write_key
from tests.badges.helpers import verify_unit

pytestmark = pytest.mark.browser


def test_learner_claims_downloads_and_anyone_verifies(
    phone_page, page, people, login, axe_check, screenshot, settings, tmp_path
) -> None:
    settings.BADGE_SIGNING_KEY_FILE = write_key(tmp_path / "badge-key.pem")
    verify_unit(people.enrolment)

    login(phone_page, people.learner)
    phone_page.goto("/badges/")
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("My badges")
    axe_check(phone_page)
    phone_page.get_by_role("button", name="Claim badge").click()
    expect(phone_page.locator("#messages")).to_contain_text("is ready")
    axe_check(phone_page)
    screenshot(phone_page, "badges-mine-phone")
    with phone_page.expect_download() as download:
        phone_page.get_by_role("link", name="Download (.jwt)").click()
    badge_file = tmp_path / download.value.suggested_filename
    download.value.save_as(badge_file)
    assert badge_file.suffix == ".jwt"

    page.goto("/badges/verify/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check a badge")
    page.get_by_label("Or choose the badge file").set_input_files(str(badge_file))
    page.get_by_role("button", name="Check").click()
    expect(page.get_by_role("heading", level=2, name="Valid badge")).to_be_visible()
    expect(page.get_by_text("Not revoked")).to_be_visible()
    axe_check(page)
    screenshot(page, "badges-verify")

    page.goto(f"/badges/issuers/{people.centre.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Alpha Centre")
    axe_check(page)
    screenshot(page, "badges-issuer")
