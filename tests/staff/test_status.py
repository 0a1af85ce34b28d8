"""The one home of what a qualification's dates mean and who is qualified for a standard."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

from portal.staff.models import Qualification
from portal.staff.status import expiry_words, is_expiring, standard_state

TODAY = datetime.date(2026, 11, 23)
Kind = Qualification.Kind


def _q(kind: str = Kind.ASSESSING, expires: datetime.date | None = None) -> Qualification:
    return Qualification(kind=kind, title="Award", expires_on=expires)


def _days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def test_expiry_in_words() -> None:
    assert expiry_words(_q(expires=None), TODAY) == "Does not expire"
    assert expiry_words(_q(expires=_days(400)), TODAY) == "Valid until 28 Dec 2027"
    assert expiry_words(_q(expires=_days(60)), TODAY) == "Expires in 60 days (22 Jan 2027)"
    assert expiry_words(_q(expires=_days(1)), TODAY) == "Expires in 1 day (24 Nov 2026)"
    assert expiry_words(_q(expires=TODAY), TODAY) == "Expires today (23 Nov 2026)"
    assert expiry_words(_q(expires=_days(-3)), TODAY) == "Expired on 20 Nov 2026 (3 days ago)"


def test_expiring_window_is_sixty_days() -> None:
    assert is_expiring(_q(expires=_days(60)), TODAY)
    assert not is_expiring(_q(expires=_days(61)), TODAY)
    assert not is_expiring(_q(expires=_days(-1)), TODAY)
    assert not is_expiring(_q(expires=None), TODAY)


def test_assessor_needs_a_current_assessing_award_and_a_statement() -> None:
    assessor = SimpleNamespace(is_assessor=True, is_iqa=False)
    state = standard_state(person=assessor, qualifications=[_q()], has_statement=True, today=TODAY)
    assert state.qualified and state.words == "Qualified"
    state = standard_state(person=assessor, qualifications=[], has_statement=True, today=TODAY)
    assert not state.qualified
    assert state.words == "Not qualified: no assessor qualification recorded"
    state = standard_state(person=assessor, qualifications=[_q()], has_statement=False, today=TODAY)
    assert state.words == ("Not qualified: no occupational competence statement for this standard")


def test_expired_and_expiring_in_words() -> None:
    both = SimpleNamespace(is_assessor=True, is_iqa=True)
    state = standard_state(
        person=both,
        qualifications=[_q(expires=_days(-5)), _q(Kind.IQA, expires=_days(10))],
        has_statement=True,
        today=TODAY,
    )
    assert not state.qualified
    assert state.words == "Not qualified: assessor qualification expired on 18 Nov 2026"
    state = standard_state(
        person=both,
        qualifications=[_q(expires=None), _q(Kind.IQA, expires=_days(10))],
        has_statement=True,
        today=TODAY,
    )
    assert state.qualified
    assert state.words == "Qualified, but IQA qualification expires on 3 Dec 2026"


def test_an_occupational_award_is_not_an_assessing_one() -> None:
    assessor = SimpleNamespace(is_assessor=True, is_iqa=False)
    state = standard_state(
        person=assessor,
        qualifications=[_q(Kind.OCCUPATIONAL)],
        has_statement=True,
        today=TODAY,
    )
    assert not state.qualified
