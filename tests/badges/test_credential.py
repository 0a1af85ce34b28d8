"""The credential: valid against the published OB 3.0 schema, signed, aligned to the CASE
items, evidence summarised without files; tampering, an unknown key, dates and revocation
each fail verification with their own check."""

import hashlib

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from portal.badges import credential, signing, verify
from portal.badges.services import badge_claim
from standards import case
from standards.models import Criterion
from tests.badges.helpers import map_evidence, payload_of, reopen, verify_unit, with_payload
from tests.factories import CriterionFactory


@pytest.fixture
def badge(people):
    CriterionFactory(group=people.enrolment.standard.groups.first(), order=2, reference="P2")
    criterion = Criterion.objects.get(standard=people.enrolment.standard, reference="P1")
    map_evidence(people.enrolment, criterion, title="Care plan review")
    verify_unit(people.enrolment)
    return badge_claim(learner=people.learner, enrolment=people.enrolment)


def test_credential_is_valid_against_the_published_schema(badge, people) -> None:
    payload = payload_of(badge.token)
    assert credential.schema_problems(payload) == []
    assert payload["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert payload["credentialSchema"][0]["id"] == credential.SCHEMA_ID


def test_achievement_names_the_standard_and_aligns_to_every_case_item(badge, people) -> None:
    standard = people.enrolment.standard
    achievement = payload_of(badge.token)["credentialSubject"]["achievement"]
    assert achievement["name"] == standard.display_name
    assert "verified the sign-off" in achievement["criteria"]["narrative"]
    document = case.document_identifier(standard)
    expected = [
        (case.uri("CFItems", case.item_identifier(c, document)), c.reference)
        for c in Criterion.objects.filter(standard=standard).order_by("kind", "order")
    ]
    got = [(a["targetUrl"], a["targetCode"]) for a in achievement["alignment"]]
    assert got == expected and len(got) == 2
    assert {a["targetType"] for a in achievement["alignment"]} == {"CFItem"}
    assert {a["targetFramework"] for a in achievement["alignment"]} == {standard.display_name}


def test_evidence_is_summarised_never_files(badge) -> None:
    payload = payload_of(badge.token)
    (evidence,) = payload["evidence"]
    assert evidence["name"].endswith("Care plan review")
    assert "Observation" in evidence["narrative"] and "P1" in evidence["narrative"]
    assert "id" not in evidence
    text = badge.token + str(payload)
    assert "photo.png" not in text and "/evidence/" not in text


def test_dates_issuer_and_learner_identity(badge, people) -> None:
    payload = payload_of(badge.token)
    sign_off = badge.sign_off
    assert payload["validFrom"] == credential.stamp(sign_off.iqa_verified_at)
    assert payload["issuer"]["id"] == payload["iss"] == credential.issuer_url(people.centre.pk)
    assert payload["issuer"]["name"] == "Alpha Centre"
    email, name = payload["credentialSubject"]["identifier"]
    digest = hashlib.sha256((people.learner.email + badge.salt).encode()).hexdigest()
    assert email["identityHash"] == f"sha256${digest}" and email["hashed"] is True
    assert people.learner.email not in badge.token
    assert name == {
        "type": "IdentityObject",
        "identityHash": "Alice Learner",
        "identityType": "name",
        "hashed": False,
    }
    assert payload["credentialStatus"] == {
        "id": credential.revocation_url(people.centre.pk),
        "type": "1EdTechRevocationList",
    }


def test_signature_verifies_with_the_published_key(badge) -> None:
    header = jwt.get_unverified_header(badge.token)
    assert header["alg"] == "EdDSA" and header["kid"] == badge.key_id
    assert [k["kid"] for k in signing.jwks()["keys"]] == [badge.key_id]
    report = verify.verify(badge.token)
    assert report.valid, report.checks
    assert [c.name for c in report.checks] == [
        "Format",
        "Signature",
        "Schema",
        "Validity period",
        "Revocation",
    ]


def test_one_character_changed_fails_the_signature(badge) -> None:
    payload = payload_of(badge.token)
    payload["name"] = payload["name"][:-1] + ("X" if payload["name"][-1] != "X" else "Y")
    report = verify.verify(with_payload(badge.token, payload))
    assert not report.valid
    assert report.failed.name == "Signature"
    assert "changed" in report.failed.message
    # A character flipped in the signature itself fails too.
    head, body, sig = badge.token.split(".")
    flipped = sig[:10] + ("A" if sig[10] != "A" else "B") + sig[11:]
    assert verify.verify(f"{head}.{body}.{flipped}").failed.name == "Signature"


def test_json_file_verifies_and_an_edited_one_fails(badge, client, people) -> None:
    client.force_login(people.learner)
    document = client.get(f"/badges/{badge.pk}/download.json").content.decode()
    assert verify.verify(document).valid
    edited = document.replace("Alpha Centre", "Alpha Centrf", 1)
    report = verify.verify(edited)
    assert report.failed.name == "Signature" and "JSON beside it differs" in report.failed.message


def test_a_key_we_do_not_publish_fails(badge) -> None:
    payload = payload_of(badge.token)
    forged = jwt.encode(
        payload, Ed25519PrivateKey.generate(), algorithm="EdDSA", headers={"kid": badge.key_id}
    )
    assert verify.verify(forged).failed.name == "Signature"
    other = jwt.encode(payload, Ed25519PrivateKey.generate(), algorithm="EdDSA")
    assert "unknown kid" in verify.verify(other).failed.message


def test_not_yet_valid(badge) -> None:
    sign_off = badge.sign_off
    report = verify.verify(badge.token, now=sign_off.iqa_verified_at.replace(year=2000))
    assert report.failed.name == "Validity period"


def test_revoked_once_the_unit_is_reopened(badge, people) -> None:
    reopen(badge.sign_off, people.admin)
    report = verify.verify(badge.token)
    assert report.failed.name == "Revocation"
    assert "reopened" in report.failed.message


def test_retired_key_still_verifies_after_rotation(badge, settings, tmp_path) -> None:
    from tests.badges.conftest import write_key

    settings.BADGE_RETIRED_KEY_FILES = [settings.BADGE_SIGNING_KEY_FILE]
    settings.BADGE_SIGNING_KEY_FILE = write_key(tmp_path / "new-key.pem")
    assert len(signing.jwks()["keys"]) == 2
    assert verify.verify(badge.token).valid


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Nothing to check"),
        ("hello", "not a VC-JWT"),
        ("{not json", "not valid JSON"),
        ('{"name": "x"}', "no signature"),
        ("eyJhbGciOiJIUzI1NiJ9.eyJhIjoxfQ.c2ln", "not EdDSA"),
    ],
)
def test_bad_input_fails_the_format_check(db, text, message) -> None:
    report = verify.verify(text)
    assert report.failed.name == "Format" and message in report.failed.message
