"""The record's MACs: HMAC-SHA256 of an entry's hash with a key kept outside the database.

The hash chain shows any change to an entry unless every later hash is recomputed, which
anyone who can write to the database can do. The MAC needs the key, which lives only in the
environment (``RECORD_MAC_KEY``), so a recomputed chain no longer verifies. Keys carry an
id: a rotated-out key stays in ``RECORD_MAC_KEYS`` so the entries it signed still verify.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings


def _keys() -> dict[str, str]:
    return settings.RECORD_MAC_KEYS


def current_key_id() -> str:
    return settings.RECORD_MAC_KEY_ID


def mac_for(message: str, key_id: str | None = None) -> str:
    """The hex HMAC-SHA256 of ``message`` with the key ``key_id`` (the current key by default)."""
    key = _keys()[key_id or current_key_id()]
    return hmac.new(key.encode(), message.encode(), hashlib.sha256).hexdigest()


def mac_problem(message: str, key_id: str, mac: str) -> str | None:
    """Why ``mac`` is not a valid MAC of ``message`` under ``key_id``, or None if it is."""
    if key_id not in _keys():
        return f"it is signed with an unknown key {key_id!r}"
    if not hmac.compare_digest(mac_for(message, key_id), mac):
        return "its MAC does not match (changed, or its hash recomputed, without the key)"
    return None
