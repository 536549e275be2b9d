"""Secret tokens for manage links and API access: random, stored only as a SHA-256 digest.

A token of 32 URL-safe characters carries 192 random bits. Looking it up by its digest reveals
nothing about the token (an attacker cannot steer a SHA-256 prefix), and the final comparison
is constant-time all the same.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

TOKEN_BYTES = 24  # 192 bits
_SHAPE = re.compile(r"[A-Za-z0-9_-]{32}")


def new_token() -> tuple[str, str]:
    """A fresh token and the digest to store for it."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, digest_of(token)


def digest_of(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def is_well_formed(token: str) -> bool:
    """Cheap refusal of anything that cannot be a token (too long, other characters)."""
    return bool(_SHAPE.fullmatch(token))


def matches(stored_digest: str, token: str) -> bool:
    return hmac.compare_digest(stored_digest, digest_of(token))
