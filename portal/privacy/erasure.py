"""Retention and erasure of a learner who has left.

A learner's portfolio is kept for the centre's ``retention_years`` after their last
enrolment ended (completed or withdrawn; ``Enrolment.ended_on``, or, for enrolments that
ended before that date was kept, their last recorded activity). After that a centre admin
may erase it: the person's name, username, e-mail address and password go, their evidence
keeps its reference, dates, status and mappings but loses its title, description, witness
details and declaration name (in every kept version too), and every stored copy of their
files (evidence files of every version, thumbnails, downscaled images in the portfolio
cache, first-page previews, portfolio PDFs and ZIPs, subject access ZIPs) is deleted.

The decision record is not changed: its entries are hash-chained, and rewriting one would
break the chain that makes the record trustworthy to the awarding body, whose retention
rules are the lawful basis for keeping it. The entries keep what they recorded: the actor's
name, evidence titles and declarations in their payloads, and file hashes (not files). The
erasure itself is recorded, without the learner's name, in the enrolments' record.

Erasure is also refused while a unit of the learner's is held for an external quality
assurer (``portal.visits.holds``: in the sample of a visit not yet closed, or of one closed
less than ``retention_years`` ago), with the reason.
"""

from __future__ import annotations

import datetime
import logging
import secrets
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from assessments.errors import WrongStateError
from assessments.models import Enrolment, RecordEntry, ReopenRequest
from assessments.services import record_append
from evidence import previews
from evidence.models import EvidenceFile, EvidenceItem, EvidenceVersion, private_storage
from portal.accounts.models import User
from portal.centres.models import Centre
from portal.portfolio.models import PortfolioDocument, PortfolioExport
from portal.portfolio.render import IMAGE_CACHE
from portal.privacy.subject_access import subject_exports_prune
from portal.visits.holds import eqa_holds

logger = logging.getLogger(__name__)
ERASED_TITLE = "Erased evidence"
Erased = RecordEntry.Action.LEARNER_ERASED


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same day ``years`` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass
class Retention:
    """Where one learner stands against the centre's retention period."""

    learner: User
    ended_on: datetime.date | None = None  # their last enrolment's end; None: not ended
    erasable_from: datetime.date | None = None
    estimated: bool = False  # an end date taken from the last activity, not recorded
    flags: list[str] = field(default_factory=list)  # for the admin to check first
    refusal: str = ""  # why it cannot be erased (yet)

    @property
    def erasable(self) -> bool:
        return not self.refusal


def erased_learner_ids(centre: Centre) -> set[int]:
    payloads = RecordEntry.objects.filter(centre=centre, action=Erased).values_list(
        "payload", flat=True
    )
    return {p["learner"] for p in payloads if isinstance(p, dict) and "learner" in p}


def _enrolment_ends(enrolments: Iterable[Enrolment]) -> dict[int, tuple[datetime.date, bool]]:
    """Each enrolment's end date, and whether it is estimated from its last activity."""
    rows = list(enrolments)
    unknown = [e.pk for e in rows if e.ended_on is None]
    last_entry = dict(
        Enrolment.objects.filter(pk__in=unknown)
        .annotate(at=Max("record_entries__recorded_at"))
        .values_list("pk", "at")
    )
    last_item = dict(
        Enrolment.objects.filter(pk__in=unknown)
        .annotate(at=Max("evidence_items__updated_at"))
        .values_list("pk", "at")
    )
    ends: dict[int, tuple[datetime.date, bool]] = {}
    for enrolment in rows:
        if enrolment.ended_on is not None:
            ends[enrolment.pk] = (enrolment.ended_on, False)
            continue
        moments = [m for m in (last_entry.get(enrolment.pk), last_item.get(enrolment.pk)) if m]
        moments.append(enrolment.created_at)
        ends[enrolment.pk] = (timezone.localdate(max(moments)), True)
    return ends


def retention_for(
    learners: Iterable[User], centre: Centre, *, today: datetime.date | None = None
) -> list[Retention]:
    """The retention position of each learner, in a fixed number of queries."""
    today = today or timezone.localdate()
    learners = list(learners)
    ids = [learner.pk for learner in learners]
    enrolments: dict[int, list[Enrolment]] = defaultdict(list)
    rows = list(Enrolment.objects.filter(learner_id__in=ids).select_related("standard"))
    for enrolment in rows:
        enrolments[enrolment.learner_id].append(enrolment)
    ends = _enrolment_ends(rows)
    erased = erased_learner_ids(centre)
    open_requests = set(
        ReopenRequest.objects.filter(
            enrolment__learner_id__in=ids, resolved_at__isnull=True
        ).values_list("enrolment__learner_id", flat=True)
    )
    awaiting = set(
        EvidenceItem.objects.filter(
            enrolment__learner_id__in=ids, status=EvidenceItem.Status.SUBMITTED
        ).values_list("enrolment__learner_id", flat=True)
    )
    learner_of = {e.pk: e.learner_id for e in rows}
    eqa_held: dict[int, str] = {}
    for enrolment_pk, hold in eqa_holds(learner_of).items():
        if hold.holds_on(today):
            eqa_held.setdefault(learner_of[enrolment_pk], hold.reason)
    return [
        _retention(
            learner,
            centre,
            enrolments[learner.pk],
            ends,
            today=today,
            erased=learner.pk in erased,
            open_request=learner.pk in open_requests,
            awaiting_review=learner.pk in awaiting,
            eqa_hold=eqa_held.get(learner.pk, ""),
        )
        for learner in learners
    ]


def _retention(
    learner: User,
    centre: Centre,
    enrolments: list[Enrolment],
    ends: dict[int, tuple[datetime.date, bool]],
    *,
    today: datetime.date,
    erased: bool,
    open_request: bool,
    awaiting_review: bool,
    eqa_hold: str = "",
) -> Retention:
    result = Retention(learner=learner)
    if erased:
        result.refusal = "This learner's personal data has already been erased."
        return result
    if learner.centre_id != centre.pk:
        result.refusal = "This person does not belong to your centre."
        return result
    if not learner.is_learner and not enrolments:
        result.refusal = "Only learners' portfolios are erased here."
        return result
    if any(getattr(learner, role) for role in ("is_assessor", "is_iqa", "is_centre_admin")):
        result.refusal = (
            f"{learner.display_name} also has a staff role; their decisions are part of other "
            "learners' records. Remove the staff roles first if they have left that work too."
        )
        return result
    active = [e for e in enrolments if e.status == Enrolment.Status.ACTIVE]
    if active and learner.is_active:
        result.refusal = (
            "Their enrolment on "
            + ", ".join(e.standard.code for e in active)
            + " is still active. Mark it completed or withdrawn, or deactivate the account, "
            "before the retention period can start."
        )
        return result
    if active:
        result.flags.append(
            "The account is deactivated but an enrolment is still active ("
            + ", ".join(e.standard.code for e in active)
            + ")."
        )
    if open_request:
        result.flags.append("An IQA's request to reopen a unit is still open.")
    if awaiting_review:
        result.flags.append("Evidence is still waiting for the assessor's review.")
    if enrolments:
        dates = [ends[e.pk] for e in enrolments]
        result.ended_on = max(day for day, _ in dates)
        result.estimated = any(estimated for _, estimated in dates)
        if result.estimated:
            result.flags.append(
                "The end of an enrolment was not recorded; its last activity is used instead."
            )
    else:
        result.ended_on = timezone.localdate(learner.last_login or learner.date_joined)
        result.estimated = True
    result.erasable_from = add_years(result.ended_on, centre.retention_years)
    if today < result.erasable_from:
        result.refusal = (
            f"The centre keeps portfolios for {centre.retention_years} "
            f"year{'s' if centre.retention_years != 1 else ''} after the last enrolment "
            f"ended (on {_long(result.ended_on)}). The retention period ends on "
            f"{_long(result.erasable_from)}; the portfolio can be erased from then."
        )
    elif eqa_hold:
        result.refusal = f"Held for the external quality assurer. {eqa_hold}"
    return result


def _long(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def learners_of(centre: Centre) -> Any:
    """Everyone of the centre who is or was a learner."""
    return (
        User.objects.filter(centre=centre)
        .filter(Q(is_learner=True) | Q(enrolments__isnull=False))
        .distinct()
        .order_by("full_name", "username")
    )


def _cached_images(hashes: set[str], keep_for: Q) -> list[str]:
    """Copies kept by file hash (portfolio-cache images, first-page previews and their
    no-preview markers) of these hashes that no other evidence file shares."""
    shared = set(
        EvidenceFile.all_versions.filter(sha256__in=hashes)
        .exclude(keep_for)
        .values_list("sha256", flat=True)
    )
    return [
        name
        for digest in sorted(hashes - shared)
        for name in (
            f"{IMAGE_CACHE}/{digest}.jpg",
            previews.png_name(digest),
            previews.marker_name(digest),
        )
    ]


def _remove(names: Iterable[str]) -> int:
    storage = private_storage()
    removed = 0
    for name in names:
        try:
            if storage.exists(name):
                storage.delete(name)
                removed += 1
        except OSError:
            logger.exception("Could not remove stored file %s", name)
    return removed


def learner_erase(
    *, learner: User, centre: Centre, acting: User, today: datetime.date | None = None
) -> int:
    """Erase a learner's personal data after the retention period; returns files removed."""
    with transaction.atomic():
        learner = User.objects.select_for_update().get(pk=learner.pk)
        [position] = retention_for([learner], centre, today=today)
        if position.refusal:
            raise WrongStateError(position.refusal)
        own = Q(item__enrolment__learner=learner)
        files = list(EvidenceFile.all_versions.filter(own))
        names = [row.file.name for row in files] + [
            row.thumbnail.name for row in files if row.thumbnail
        ]
        names += _cached_images({row.sha256 for row in files}, own)
        documents = PortfolioDocument.objects.filter(learner=learner).exclude(file="")
        names += [document.file.name for document in documents]
        documents.update(file="")
        exports = PortfolioExport.objects.filter(learners=learner).exclude(result="")
        for export in exports:
            names.append(export.result.name)  # a cohort ZIP holds this learner's PDF too
        PortfolioExport.objects.filter(pk__in=[e.pk for e in exports]).update(
            status=PortfolioExport.Status.EXPIRED, result=""
        )
        EvidenceFile.all_versions.filter(pk__in=[row.pk for row in files]).delete()
        EvidenceVersion.objects.filter(item__enrolment__learner=learner).update(
            title=ERASED_TITLE,
            description="",
            witness_name="",
            witness_role="",
            witness_relationship="",
            witness_contact="",
            witness_statement="",
            declaration_name="",
        )
        items = EvidenceItem.objects.filter(enrolment__learner=learner)
        item_count = items.update(
            title=ERASED_TITLE,
            description="",
            witness_name="",
            witness_role="",
            witness_relationship="",
            witness_contact="",
            witness_statement="",
            declaration_name="",
        )
        learner.full_name = f"Erased learner #{learner.pk}"
        learner.username = f"erased-{secrets.token_hex(8)}"
        learner.email = ""
        learner.is_active = False
        learner.set_unusable_password()
        learner.full_clean()
        learner.save()
        payload = {
            "learner": learner.pk,
            "evidence_items_anonymised": item_count,
            "files_deleted": len(files),
            "retention_years": centre.retention_years,
            "enrolments_ended_on": position.ended_on.isoformat() if position.ended_on else None,
        }
        enrolments = list(Enrolment.objects.filter(learner=learner))
        for enrolment in enrolments:
            record_append(enrolment=enrolment, actor=acting, action=Erased, payload=payload)
        if not enrolments:
            record_append(
                enrolment=None, centre_id=centre.pk, actor=acting, action=Erased, payload=payload
            )
        transaction.on_commit(lambda: _remove(names))
    subject_exports_prune(subject=learner)
    return len(files)
