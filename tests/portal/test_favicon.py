"""/favicon.ico answers (browsers ask for it on every page) and pages link the icon."""

from __future__ import annotations

from django.contrib.staticfiles import finders
from django.test import Client


def test_favicon_redirects_to_the_static_icon(db: None) -> None:
    response = Client().get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/portal/favicon.ico"
    assert finders.find("portal/favicon.ico") and finders.find("portal/favicon.svg")


def test_pages_link_the_icon(db: None) -> None:
    html = Client().get("/accounts/login/").content.decode()
    assert '<link rel="icon" href="/static/portal/favicon.svg" type="image/svg+xml">' in html
