"""The chain's rules, as plain functions: what a commitment is, and what a payload may hold."""

from __future__ import annotations

import hashlib

import pytest
from fastapi import FastAPI

from app.events.chain import actor_commitment, attribution_holds, new_salt, person_keys_in
from app.events.service import record_event


def test_a_commitment_is_sha256_of_the_salt_bytes_then_the_decimal_id() -> None:
    salt = "ab" * 32
    assert actor_commitment(salt, 7) == hashlib.sha256(bytes([0xAB] * 32) + b"7").hexdigest()
    assert actor_commitment(salt, None) == hashlib.sha256(bytes([0xAB] * 32)).hexdigest()
    with pytest.raises(ValueError):
        actor_commitment("ab" * 16, 7)  # a salt is 32 bytes
    # one person, two events: nothing in common
    first, second = new_salt(), new_salt()
    assert first != second and actor_commitment(first, 7) != actor_commitment(second, 7)
    assert attribution_holds(commitment=actor_commitment(first, 7), salt=first, actor_id=7)
    assert not attribution_holds(commitment=actor_commitment(first, 7), salt=first, actor_id=8)
    assert not attribution_holds(commitment=actor_commitment(first, 7), salt=None, actor_id=7)
    assert not attribution_holds(commitment=actor_commitment(first, 7), salt="zz", actor_id=7)


def test_a_public_payload_cannot_name_a_participant(app: FastAPI) -> None:
    assert person_keys_in({"amendment_id": 3, "ops": [{"voter_id": 4}]}) == ["voter_id"]
    assert person_keys_in({"amendment_id": 3, "reason": "proposer_id"}) == []
    with app.state.database.session() as session, pytest.raises(ValueError, match="proposer_id"):
        record_event(
            session,
            report_id=1,
            type="amendment.proposed",
            actor_id=None,
            payload={"amendment_id": 3, "proposer_id": 2},
        )
