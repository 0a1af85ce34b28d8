"""The Open Badges 3.0 credential of a badge, and the published schema it must satisfy.

The centre is the issuer (a Profile served at its public page). The achievement is the unit:
its name is the standard's display name (code and title as the standard prints them; no code
is invented), its criteria narrative says how the unit was assessed and verified, and it is
aligned to every criterion of the standard by the criterion's CASE CFItem (``standards.case``).
The evidence is summarised (reference, title, type, how it was assessed and the criteria it
covered): never a file, a file name or a link to one. The learner is named by an
IdentityObject holding their email address hashed with a per-badge salt, and one holding
their name.

``validFrom`` is when the IQA verified the sign-off (the unit's certification);
``issuanceDate`` (still required by the schema version we keep, see ``schemas/README.md``) and
``iat`` are when the learner claimed it. The JWT claims follow the OB 3.0 VC-JWT binding:
``iss`` the issuer's id, ``jti`` the credential's id, ``nbf`` its validFrom.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.urls import reverse
from jsonschema import Draft201909Validator, FormatChecker

from assessments.models import Enrolment, UnitSignOff
from evidence.models import EvidenceItem, Mapping
from standards import case
from standards.models import Criterion

SCHEMA_PATH = Path(__file__).parent / "schemas" / "ob_v3p0_achievementcredential_schema.json"
SCHEMA_ID = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)
CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
REVOCATION_TYPE = "1EdTechRevocationList"
#: JWT registered claims added to the credential in a VC-JWT (not part of the credential).
JWT_CLAIMS = ("iss", "jti", "nbf", "iat", "exp", "sub")


def stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def issuer_url(centre_id: int) -> str:
    return settings.SITE_URL + reverse("badges:issuer", args=[centre_id])


def revocation_url(centre_id: int) -> str:
    return settings.SITE_URL + reverse("badges:revocations", args=[centre_id])


def profile(centre: Any) -> dict[str, Any]:
    """The issuer: an OB 3.0 Profile of the centre."""
    return {
        "id": issuer_url(centre.pk),
        "type": ["Profile"],
        "name": centre.name,
        "url": settings.SITE_URL + "/",
        "description": (
            f"{centre.name} assesses learners against National Occupational Standards on "
            "this portal and issues Open Badges for units its internal quality assurer has "
            "verified."
        ),
    }


def identity_hash(email: str, salt: str) -> str:
    digest = hashlib.sha256((email.strip().lower() + salt).encode("utf-8")).hexdigest()
    return f"sha256${digest}"


def _criteria_narrative(sign_off: UnitSignOff, centre_name: str, standard_name: str) -> str:
    return (
        f"Every performance criterion and knowledge item of {standard_name} was judged met "
        f"by a qualified assessor of {centre_name} against the learner's evidence "
        "(observation, work products, witness testimony, professional discussion and "
        "questioning, as listed in the evidence). The assessor signed the unit off on "
        f"{sign_off.signed_at:%d %B %Y}, the learner countersigned it on "
        f"{sign_off.countersigned_at:%d %B %Y}, and the centre's internal quality assurer "
        f"verified the sign-off on {sign_off.iqa_verified_at:%d %B %Y}."
    )


def _alignment(criteria: list[Criterion], document: Any, framework: str) -> list[dict[str, str]]:
    rows = []
    for criterion in criteria:
        row = {
            "type": ["Alignment"],
            "targetName": f"{criterion.reference} {criterion.text}".strip()[:300],
            "targetUrl": case.uri("CFItems", case.item_identifier(criterion, document)),
            "targetCode": criterion.reference,
            "targetFramework": framework,
            "targetType": "CFItem",
        }
        rows.append(row)
    return rows


def _evidence(enrolment: Enrolment) -> list[dict[str, Any]]:
    """One entry per evidence item with confirmed mappings to this unit's criteria."""
    mappings = (
        Mapping.objects.filter(
            confirmed=True,
            criterion__standard_id=enrolment.standard_id,
            item__learner_id=enrolment.learner_id,
        )
        .exclude(item__status=EvidenceItem.Status.WITHDRAWN)
        .select_related("item", "criterion")
        .order_by("item__sequence", "criterion__kind", "criterion__order")
    )
    items: dict[int, EvidenceItem] = {}
    covered: dict[int, list[str]] = defaultdict(list)
    methods: dict[int, list[str]] = defaultdict(list)
    for mapping in mappings:
        items[mapping.item_id] = mapping.item
        covered[mapping.item_id].append(mapping.criterion.reference)
        label = mapping.get_method_display() if mapping.method else ""
        if label and label not in methods[mapping.item_id]:
            methods[mapping.item_id].append(label)
    rows = []
    for pk, item in items.items():
        how = ", ".join(methods[pk]) or "not recorded"
        rows.append(
            {
                "type": ["Evidence"],
                "name": f"{item.reference} {item.title}",
                "genre": item.get_evidence_type_display(),
                "narrative": (
                    f"Assessed by: {how}. Criteria it covered: {', '.join(covered[pk])}."
                ),
            }
        )
    return rows


def build(
    *,
    sign_off: UnitSignOff,
    identifier: str,
    salt: str,
    issued_at: datetime,
) -> dict[str, Any]:
    """The credential (with its JWT claims) of a badge for ``sign_off``: four queries."""
    enrolment = sign_off.enrolment
    standard = enrolment.standard
    centre = enrolment.centre
    learner = enrolment.learner
    document = case.document_identifier(standard)
    criteria = list(Criterion.objects.filter(standard=standard).order_by("kind", "order"))
    issuer = profile(centre)
    credential_id = f"urn:uuid:{identifier}"
    valid_from = sign_off.iqa_verified_at
    achievement = {
        "id": f"{issuer['id']}achievements/{document}",
        "type": ["Achievement"],
        "achievementType": "Competency",
        "name": standard.display_name,
        "description": (
            f"The unit {standard.display_name}, assessed against every one of its criteria "
            f"and verified by the internal quality assurer of {centre.name}."
        ),
        "criteria": {
            "narrative": _criteria_narrative(sign_off, centre.name, standard.display_name)
        },
        "alignment": _alignment(criteria, document, standard.display_name),
    }
    if standard.code:
        achievement["humanCode"] = standard.code
    if standard.version:
        achievement["version"] = standard.version
    subject = {
        "type": ["AchievementSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                "identityHash": identity_hash(learner.email, salt),
                "identityType": "emailAddress",
                "hashed": True,
                "salt": salt,
            },
            {
                "type": "IdentityObject",
                "identityHash": learner.full_name or learner.username,
                "identityType": "name",
                "hashed": False,
            },
        ],
        "achievement": achievement,
        "activityEndDate": stamp(sign_off.signed_at),
    }
    return {
        "@context": CONTEXT,
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": standard.display_name,
        "description": f"{learner} completed {standard.display_name} at {centre.name}.",
        "issuer": issuer,
        "validFrom": stamp(valid_from),
        "issuanceDate": stamp(issued_at),
        "awardedDate": stamp(valid_from),
        "credentialSubject": subject,
        "evidence": _evidence(enrolment),
        "credentialSchema": [{"id": SCHEMA_ID, "type": "1EdTechJsonSchemaValidator2019"}],
        "credentialStatus": {"id": revocation_url(centre.pk), "type": REVOCATION_TYPE},
        "iss": issuer["id"],
        "jti": credential_id,
        "nbf": int(valid_from.timestamp()),
        "iat": int(issued_at.timestamp()),
    }


@cache
def _validator() -> Draft201909Validator:
    schema = json.loads(SCHEMA_PATH.read_text())
    return Draft201909Validator(schema, format_checker=FormatChecker())


def schema_problems(credential: Any) -> list[str]:
    """What the published schema finds wrong, located by JSON path ("" when valid)."""
    problems = []
    for error in sorted(_validator().iter_errors(credential), key=lambda e: list(e.path)):
        where = "".join(
            f"[{part}]" if isinstance(part, int) else f".{part}" for part in error.absolute_path
        )
        problems.append(f"${where}: {error.message}")
    return problems
