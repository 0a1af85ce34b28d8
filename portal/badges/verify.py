"""Checking a badge: the page and ``manage.py verify_badge`` both call ``verify``.

Input is a VC-JWT (the .jwt file) or the .json file this portal offers (the credential with a
``proof`` of type ``JwtProof2020`` holding the same VC-JWT). The checks, in order, each
passed or failed with a sentence: the format, the signature against our published keys, the
published OB 3.0 schema, the validity period (validFrom/validUntil), and the revocation list
(a badge whose unit was reopened is revoked). Once the format or signature fails, nothing in
the payload can be trusted, so the later checks are not run.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import jwt
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from portal.badges import credential, signing
from portal.badges.models import Badge

MAX_BYTES = 64 * 1024
COMPACT_JWS = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")
PROOF_TYPE = "JwtProof2020"


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    message: str


@dataclass
class Report:
    checks: list[Check] = field(default_factory=list)
    credential: dict[str, Any] | None = None
    badge: Badge | None = None

    @property
    def valid(self) -> bool:
        return bool(self.checks) and all(check.passed for check in self.checks)

    @property
    def failed(self) -> Check | None:
        return next((check for check in self.checks if not check.passed), None)

    def add(self, name: str, passed: bool, message: str) -> bool:
        self.checks.append(Check(name, passed, message))
        return passed


def _token(text: str, report: Report) -> tuple[str, dict[str, Any] | None] | None:
    text = text.strip().lstrip("\ufeff")
    if not text:
        report.add("Format", False, "Nothing to check: paste a badge or choose its file.")
        return None
    if text.startswith("{"):
        try:
            document = json.loads(text)
        except ValueError:
            report.add("Format", False, "The file is not valid JSON.")
            return None
        proof = document.get("proof") if isinstance(document, dict) else None
        if not (isinstance(proof, dict) and isinstance(proof.get("jwt"), str)):
            report.add(
                "Format",
                False,
                "This JSON carries no signature this portal can check: expected the .json file "
                f"downloaded from the portal (a proof of type {PROOF_TYPE}), or the .jwt file.",
            )
            return None
        embedded = {key: value for key, value in document.items() if key != "proof"}
        return proof["jwt"].strip(), embedded
    return text, None


def _moment(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    moment = parse_datetime(value)
    if moment is None or timezone.is_naive(moment):
        return None
    return moment


def verify(text: str, *, now: datetime | None = None) -> Report:
    report = Report()
    found = _token(text, report)
    if found is None:
        return report
    token, embedded = found
    if not COMPACT_JWS.match(token):
        report.add("Format", False, "This is not a VC-JWT (three base64url parts joined by dots).")
        return report
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        report.add("Format", False, "The JWT header cannot be read.")
        return report
    if header.get("alg") != signing.ALGORITHM:
        report.add("Format", False, f"The signature algorithm is {header.get('alg')!r}, not EdDSA.")
        return report
    report.add("Format", True, "A VC-JWT signed with EdDSA (Ed25519).")

    key = signing.public_keys().get(str(header.get("kid", "")))
    if key is None:
        report.add(
            "Signature",
            False,
            "It was not signed with any key this portal publishes (unknown kid): it was not "
            "issued here, or the key it names was withdrawn.",
        )
        return report
    try:
        payload = jwt.decode(
            token,
            key,
            algorithms=[signing.ALGORITHM],
            options={
                "verify_exp": False,
                "verify_nbf": False,
                "verify_iat": False,
                "verify_aud": False,
                "verify_iss": False,
            },
        )
    except jwt.InvalidSignatureError:
        report.add(
            "Signature",
            False,
            "The signature does not match: the badge was changed after it was issued.",
        )
        return report
    except jwt.PyJWTError as error:
        report.add("Signature", False, f"The signed content cannot be read: {error}.")
        return report
    if embedded is not None:
        signed = {k: v for k, v in payload.items() if k not in credential.JWT_CLAIMS}
        if embedded != signed:
            report.add(
                "Signature",
                False,
                "The signature is ours, but the JSON beside it differs from what was signed: "
                "the file was changed after it was issued.",
            )
            return report
    report.credential = payload
    report.add("Signature", True, f"Signed by this portal's key {header['kid']}.")

    problems = credential.schema_problems(payload)
    if problems:
        report.add(
            "Schema", False, "Not valid against the OB 3.0 schema: " + "; ".join(problems[:5])
        )
    else:
        report.add(
            "Schema", True, "Valid against the Open Badges 3.0 AchievementCredential schema."
        )

    now = now or timezone.now()
    valid_from = _moment(payload.get("validFrom"))
    valid_until = _moment(payload.get("validUntil")) if "validUntil" in payload else None
    if valid_from is None:
        report.add("Validity period", False, "validFrom is missing or not a date and time.")
    elif valid_from > now:
        report.add("Validity period", False, f"Not valid before {payload['validFrom']}.")
    elif "validUntil" in payload and (valid_until is None or valid_until <= now):
        report.add("Validity period", False, f"Expired: valid until {payload['validUntil']}.")
    else:
        report.add("Validity period", True, f"Valid from {payload['validFrom']}; no end date.")

    identifier = str(payload.get("id", "")).removeprefix("urn:uuid:")
    badge = (
        Badge.objects.select_related("sign_off__enrolment")
        .filter(identifier=identifier if _is_uuid(identifier) else None)
        .first()
    )
    report.badge = badge
    if badge is None:
        report.add("Revocation", False, "This portal has no record of issuing this badge.")
    elif badge.sign_off.reopened_at is not None:
        report.add(
            "Revocation",
            False,
            f"Revoked on {badge.sign_off.reopened_at:%d %B %Y}: the centre reopened the unit.",
        )
    elif payload.get("credentialStatus", {}).get("id") != credential.revocation_url(
        badge.sign_off.enrolment.centre_id
    ):
        report.add("Revocation", False, "Its status list is not its issuer's.")
    else:
        report.add("Revocation", True, "Not revoked: the unit has not been reopened.")
    return report


def _is_uuid(value: str) -> bool:
    return bool(re.fullmatch(r"[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}", value))
