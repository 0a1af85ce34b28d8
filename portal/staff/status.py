"""What a qualification's dates mean, and who is qualified for which standard: the one home
of these rules. Pages, the CSV reports, the dashboards and the reminder email all ask here.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from portal.staff.models import Qualification

REMINDER_DAYS = 60
Kind = Qualification.Kind
# The qualification each staff role needs: assessors an assessing award, IQAs an IQA award.
ROLE_KINDS = (("is_assessor", "assessor", Kind.ASSESSING), ("is_iqa", "IQA", Kind.IQA))


def reminder_horizon(today: datetime.date) -> datetime.date:
    """Qualifications expiring on or before this day are due for a reminder."""
    return today + datetime.timedelta(days=REMINDER_DAYS)


def is_current(qualification: Qualification, today: datetime.date) -> bool:
    return qualification.expires_on is None or qualification.expires_on >= today


def is_expiring(qualification: Qualification, today: datetime.date) -> bool:
    """Still valid, but expiring within the reminder window."""
    expires = qualification.expires_on
    return expires is not None and today <= expires <= reminder_horizon(today)


def expiry_words(qualification: Qualification, today: datetime.date) -> str:
    expires = qualification.expires_on
    if expires is None:
        return "Does not expire"
    days = (expires - today).days
    when = f"{expires:%-d %b %Y}"
    if days < 0:
        return f"Expired on {when} ({-days} day{'s' if days != -1 else ''} ago)"
    if days == 0:
        return f"Expires today ({when})"
    if days <= REMINDER_DAYS:
        return f"Expires in {days} day{'s' if days != 1 else ''} ({when})"
    return f"Valid until {when}"


@dataclass(frozen=True)
class StandardState:
    """One person's standing for one standard, in words; ``qualified`` for counting."""

    qualified: bool
    words: str


def standard_state(
    *,
    person: object,
    qualifications: Iterable[Qualification],
    has_statement: bool,
    today: datetime.date,
) -> StandardState:
    """Qualified for a standard: a current qualification for each staff role the person holds
    (assessing for assessors, IQA for IQAs) and an occupational competence statement for it."""
    held = list(qualifications)
    gaps: list[str] = []
    notes: list[str] = []
    for flag, role, kind in ROLE_KINDS:
        if not getattr(person, flag, False):
            continue
        of_kind = [q for q in held if q.kind == kind]
        current = [q for q in of_kind if is_current(q, today)]
        if not current:
            expired = [q for q in of_kind if q.expires_on]
            if expired:
                last = max(q.expires_on for q in expired)
                gaps.append(f"{role} qualification expired on {last:%-d %b %Y}")
            else:
                gaps.append(f"no {role} qualification recorded")
        elif all(is_expiring(q, today) for q in current):
            soonest = max(q.expires_on for q in current)
            notes.append(f"{role} qualification expires on {soonest:%-d %b %Y}")
    if not has_statement:
        gaps.append("no occupational competence statement for this standard")
    if gaps:
        return StandardState(False, "Not qualified: " + "; ".join(gaps))
    if notes:
        return StandardState(True, "Qualified, but " + "; ".join(notes))
    return StandardState(True, "Qualified")
