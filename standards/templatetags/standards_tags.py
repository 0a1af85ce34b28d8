"""Template helpers for the standards pages."""

from __future__ import annotations

import re
from typing import Any

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def highlight(text: str, query: str) -> SafeString:
    """The text, escaped, with each case-insensitive match of the query wrapped in <mark>.

    Matches are found in the raw text and every piece is escaped on its own, so neither the
    text nor the query can inject markup, and a query never matches inside an entity.
    """
    text = str(text)
    query = str(query or "").strip()
    if not query:
        return escape(text)
    pieces: list[str] = []
    last = 0
    for match in re.finditer(re.escape(query), text, flags=re.IGNORECASE):
        pieces.append(escape(text[last : match.start()]))
        pieces.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    pieces.append(escape(text[last:]))
    return mark_safe("".join(pieces))  # noqa: S308 - every piece above is escaped


@register.filter
def match_label(match: str) -> str:
    """'identical' or 'near-identical', as words rather than colour."""
    return "identical" if match == "exact" else "near-identical"


@register.filter
def short_name(standard: Any) -> str:
    """The printed code, or the first words of the title when the source prints no code."""
    if standard.code:
        return standard.code
    words = standard.title.split()
    return " ".join(words[:5]) + ("…" if len(words) > 5 else "")
