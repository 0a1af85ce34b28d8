"""The sample a visit suggests: deterministic, and explained in words.

Among the visited centre's enrolments in the visit's scope (withdrawn ones left out), it first
covers every assessor, every standard and both states (signed off, in progress; the state is
``review.status.state_of``'s): it repeatedly picks the enrolment that covers the most of what
is not covered yet, the lowest id winning a tie. It then adds enrolments until the sample holds
at least the square root of the population (rounded up), each time the one whose assessor and
standard are least represented so far, so that the sample spreads rather than piles up.
Each pick carries its reason; the whole suggestion says what it covers. The same data gives
the same sample, whoever asks and whenever.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from assessments.models import Enrolment
from portal.visits.models import Visit
from review.status import EnrolmentState, state_of, with_state

IN_PROGRESS = "in progress"
SIGNED_OFF = "signed off"


@dataclass(frozen=True)
class Pick:
    enrolment: Enrolment
    reason: str


@dataclass
class Suggestion:
    population: int
    picks: list[Pick] = field(default_factory=list)
    assessors: list[str] = field(default_factory=list)
    standards: list[str] = field(default_factory=list)
    states: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        if not self.picks:
            return "No learner's unit is in the visit's scope."
        return (
            f"Covers {_named('assessor', self.assessors)}; "
            f"{_named('standard', self.standards)}; units {' and '.join(self.states)}."
        )


def _named(noun: str, names: list[str]) -> str:
    return f"{noun}{'s' if len(names) != 1 else ''} {', '.join(names)}"


def _state_word(enrolment: Enrolment) -> str:
    return IN_PROGRESS if state_of(enrolment) == EnrolmentState.IN_PROGRESS else SIGNED_OFF


def _assessor_name(enrolment: Enrolment) -> str:
    return enrolment.assessor.display_name if enrolment.assessor else "(no assessor)"


def population(visit: Visit) -> list[Enrolment]:
    """The enrolments the visit may sample, in id order: one query."""
    enrolments = (
        Enrolment.objects.filter(centre_id=visit.centre_id)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .select_related("learner", "assessor", "standard")
        .order_by("pk")
    )
    standard_ids = [s.pk for s in visit.standards.all()]
    if standard_ids:
        enrolments = enrolments.filter(standard_id__in=standard_ids)
    return list(with_state(enrolments))


def suggest(visit: Visit) -> Suggestion:
    """The suggested sample for the visit (two queries whatever the centre's size)."""
    candidates = population(visit)
    facts = {
        e.pk: {
            ("assessor", _assessor_name(e)),
            ("standard", e.standard.display_code),
            ("state", _state_word(e)),
        }
        for e in candidates
    }
    wanted = set().union(*facts.values()) if facts else set()
    suggestion = Suggestion(population=len(candidates))
    chosen: set[int] = set()
    while wanted:
        best = max(candidates, key=lambda e: (len(facts[e.pk] & wanted), -e.pk))
        gained = facts[best.pk] & wanted
        if not gained:
            break
        wanted -= gained
        chosen.add(best.pk)
        suggestion.picks.append(Pick(best, "Covers " + _gained_words(gained) + "."))
    target = math.ceil(math.sqrt(len(candidates)))
    while len(chosen) < min(target, len(candidates)):
        counts: dict[tuple[str, str], int] = {}
        for pick in suggestion.picks:
            for fact in facts[pick.enrolment.pk]:
                counts[fact] = counts.get(fact, 0) + 1
        rest = [e for e in candidates if e.pk not in chosen]
        best = min(
            rest,
            key=lambda e: (
                counts.get(("assessor", _assessor_name(e)), 0)
                + counts.get(("standard", e.standard.display_code), 0),
                e.pk,
            ),
        )
        chosen.add(best.pk)
        suggestion.picks.append(
            Pick(
                best,
                f"Spreads the sample (at least {target} of {len(candidates)}): "
                f"assessor {_assessor_name(best)}, standard {best.standard.display_code}.",
            )
        )
    covered = set().union(*(facts[p.enrolment.pk] for p in suggestion.picks)) if chosen else set()
    suggestion.assessors = sorted(name for kind, name in covered if kind == "assessor")
    suggestion.standards = sorted(name for kind, name in covered if kind == "standard")
    suggestion.states = [s for s in (SIGNED_OFF, IN_PROGRESS) if ("state", s) in covered]
    return suggestion


def _gained_words(gained: set[tuple[str, str]]) -> str:
    parts = []
    for kind in ("assessor", "standard", "state"):
        names = sorted(name for k, name in gained if k == kind)
        if names and kind == "state":
            parts.append(f"a unit {' and '.join(names)}")
        elif names:
            parts.append(_named(kind, names))
    return ", ".join(parts)
