"""Evidence belongs to the learner: references E1…En unique per learner, not per enrolment.

Adds ``learner`` (the home enrolment's learner) and ``former_reference``, drops the
per-enrolment unique constraints, and renumbers every learner's items in a stable order
(created_at, pk), keeping each item's old reference as "E3 of SCDCPC509". Nothing else
changes: the decision record (``assessments.RecordEntry``) is append-only and hash-chained,
names items by pk and by their old reference, and is not touched. 0004 makes ``learner``
required and adds the per-learner constraints (in a migration of its own, so PostgreSQL
never alters a table with this one's row updates pending).
"""

from __future__ import annotations

import re
from typing import Any

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def unit_label(standard: Any) -> str:
    return standard.code or standard.title


def renumber_per_learner(apps: Any, schema_editor: Any) -> None:
    """Number each learner's items 1…n by (created_at, pk), remembering the old reference."""
    EvidenceItem = apps.get_model("evidence", "EvidenceItem")
    items = (
        EvidenceItem.objects.using(schema_editor.connection.alias)
        .select_related("enrolment__standard")
        .order_by("enrolment__learner_id", "created_at", "pk")
    )
    numbers: dict[int, int] = {}
    for item in items.iterator(chunk_size=2000):
        learner_id = item.enrolment.learner_id
        numbers[learner_id] = numbers.get(learner_id, 0) + 1
        sequence = numbers[learner_id]
        EvidenceItem.objects.using(schema_editor.connection.alias).filter(pk=item.pk).update(
            learner_id=learner_id,
            former_reference=(
                item.former_reference
                or f"{item.reference} of {unit_label(item.enrolment.standard)}"
            ),
            sequence=sequence,
            reference=f"E{sequence}",
        )


FORMER = re.compile(r"^E(\d+) of ")


def renumber_per_enrolment(apps: Any, schema_editor: Any) -> None:
    """Back to per-enrolment numbers: the former reference where there is one, else the next
    free number in the item's enrolment."""
    EvidenceItem = apps.get_model("evidence", "EvidenceItem")
    rows = EvidenceItem.objects.using(schema_editor.connection.alias)
    taken: dict[int, set[int]] = {}
    later = []
    for item in rows.order_by("enrolment_id", "created_at", "pk"):
        match = FORMER.match(item.former_reference)
        if match:
            sequence = int(match.group(1))
            taken.setdefault(item.enrolment_id, set()).add(sequence)
            rows.filter(pk=item.pk).update(sequence=sequence, reference=f"E{sequence}")
        else:
            later.append(item)
    for item in later:
        used = taken.setdefault(item.enrolment_id, set())
        sequence = max(used, default=0) + 1
        used.add(sequence)
        rows.filter(pk=item.pk).update(sequence=sequence, reference=f"E{sequence}")


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("evidence", "0002_file_safety"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="evidenceitem", name="evidence_unique_sequence"),
        migrations.RemoveConstraint(model_name="evidenceitem", name="evidence_unique_reference"),
        migrations.AddField(
            model_name="evidenceitem",
            name="learner",
            field=models.ForeignKey(
                editable=False,
                help_text="The home enrolment's learner: references are numbered per learner.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="evidence_items",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="evidenceitem",
            name="former_reference",
            field=models.CharField(
                blank=True,
                editable=False,
                help_text="The reference it had when evidence was numbered per unit, e.g. "
                "'E3 of SCDCPC509': decisions recorded before renumbering name it so.",
                max_length=255,
            ),
        ),
        migrations.AlterField(
            model_name="evidenceitem",
            name="sequence",
            field=models.PositiveIntegerField(
                editable=False,
                help_text="Numbering across the learner's evidence: 1 for E1, 2 for E2.",
            ),
        ),
        migrations.RunPython(renumber_per_learner, renumber_per_enrolment),
    ]
