"""``{{ entry|describe }}``: a record entry in words (``assessments.record.describe_entry``)."""

from __future__ import annotations

from django import template

from assessments.models import RecordEntry
from assessments.record import describe_entry

register = template.Library()


@register.filter
def describe(entry: RecordEntry) -> str:
    return describe_entry(entry)


@register.filter
def short_hash(value: str) -> str:
    """The first 12 hex digits of a hash: enough to find it, short enough to read."""
    return (value or "")[:12]
