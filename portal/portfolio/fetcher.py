"""The only way WeasyPrint reads anything while rendering a portfolio.

Two kinds of URL are served, and nothing else: ``portfolio-static:<path>`` for our own static
files (found by the staticfiles finders, which refuse paths outside their folders), and
``portfolio-private:<name>`` for files of the private evidence storage that the renderer put
on the allow-list. The network, ``file:`` URLs and ``data:`` URLs are refused.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable

from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import storages
from weasyprint.urls import URLFetcher, URLFetcherResponse

STATIC_PREFIX = "portfolio-static:"
PRIVATE_PREFIX = "portfolio-private:"


class RefusedURL(ValueError):
    """A URL the portfolio renderer may not read."""


class PortfolioURLFetcher(URLFetcher):
    def __init__(self, private_names: Iterable[str] = ()) -> None:
        super().__init__(allowed_protocols={"portfolio-static", "portfolio-private"})
        self.private_names = frozenset(private_names)

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        if url.startswith(PRIVATE_PREFIX):
            name = url.removeprefix(PRIVATE_PREFIX)
            if name not in self.private_names:
                raise RefusedURL(f"Not a file of this portfolio: {url}")
            with storages["private"].open(name, "rb") as handle:
                body = handle.read()
            return URLFetcherResponse(url, body, {"Content-Type": _media_type(name)})
        if url.startswith(STATIC_PREFIX):
            path = url.removeprefix(STATIC_PREFIX)
            found = None
            if path and not path.startswith("/") and ".." not in path.split("/"):
                try:
                    found = finders.find(path)
                except SuspiciousFileOperation:
                    found = None
            if not found or not isinstance(found, str):
                raise RefusedURL(f"No such static file: {url}")
            with open(found, "rb") as handle:
                body = handle.read()
            return URLFetcherResponse(url, body, {"Content-Type": _media_type(path)})
        raise RefusedURL(f"The portfolio renderer may not read {url}")


def _media_type(name: str) -> str:
    return mimetypes.guess_type(name)[0] or "application/octet-stream"
