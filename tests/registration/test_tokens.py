"""Secret tokens: random, 192 bits, stored as SHA-256, compared in constant time."""

from __future__ import annotations

import hashlib

from clinicdesk.registration import tokens


def test_new_token_is_random_and_its_digest_is_sha256():
    first, digest = tokens.new_token()
    second, _ = tokens.new_token()
    assert first != second
    assert len(first) == 32  # 24 random bytes, URL-safe base64
    assert digest == hashlib.sha256(first.encode()).hexdigest()
    assert tokens.is_well_formed(first)
    assert tokens.matches(digest, first)
    assert not tokens.matches(digest, second)


def test_is_well_formed_refuses_other_shapes():
    token, _ = tokens.new_token()
    assert not tokens.is_well_formed(token[:-1])
    assert not tokens.is_well_formed(token + "A")
    assert not tokens.is_well_formed(token[:-1] + "/")
    assert not tokens.is_well_formed("x" * 10_000)
    assert not tokens.is_well_formed("")
