"""What an answer reads of its round, in one statement: the round as `round_states` reads
it (and remembers it), and the answering voter's current signing key."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table, and_, bindparam, func, select
from sqlalchemy.orm import Session

from app.amendments.queries import (
    ANSWER_COLUMNS,
    VOTER,
    VOTERS_AND_ANSWERS,
    RoundState,
    remember_rows,
    round_states,
)
from app.db import unit_of_work
from app.groups.models import SigningKey


@dataclass(frozen=True)
class VoterKey:
    """A voter's current signing key, as an answer checks it (id and public half)."""

    id: int
    public_key: str


def round_state_and_key(
    session: Session, amendment_id: int, voter: int | None
) -> tuple[RoundState | None, VoterKey | None]:
    """What an answer reads of its round: the round as `round_states` reads it (and
    remembers it) and, in the same statement, `voter`'s current signing key (None: it has
    none). A round the session already remembers costs the key's read alone."""
    known: dict[int, RoundState | None] = unit_of_work(session).round_states
    if amendment_id in known or voter is None:
        state = round_states(session, [amendment_id]).get(amendment_id)
        if voter is None:
            return state, None
        key = session.execute(_KEY_OF, {"voter": voter}).first()
        return state, None if key is None else VoterKey(key.id, key.public_key)
    rows = session.execute(_ROUND_ROWS_AND_KEY, {"amendment_id": amendment_id, "voter": voter})
    found = list(rows)
    # The key's columns are set on the voter's own row only (the join's condition).
    keys = [VoterKey(r[-2], r[-1]) for r in found if r[-2] is not None]
    remember_rows(known, [amendment_id], found)
    return known[amendment_id], keys[0] if keys else None


_KEY = cast(Table, SigningKey.__table__)
# A voter's current key; `max`: one row even if two were ever left current.
_CURRENT_KEY_ID = (
    select(func.max(_KEY.c.id))
    .where(_KEY.c.participant_id == bindparam("voter"), _KEY.c.replaced_at.is_(None))
    .scalar_subquery()
)
_KEY_OF = select(_KEY.c.id, _KEY.c.public_key).where(_KEY.c.id == _CURRENT_KEY_ID)
# `_ROUND_ROWS` for one round, with the answering voter's key joined onto its own row:
# the signing key's read was a statement (and a round trip) of its own on every answer.
_ROUND_ROWS_AND_KEY = (
    select(
        VOTER.c.amendment_id, VOTER.c.participant_id, *ANSWER_COLUMNS, _KEY.c.id, _KEY.c.public_key
    )
    .select_from(
        VOTERS_AND_ANSWERS.outerjoin(
            _KEY,
            and_(VOTER.c.participant_id == bindparam("voter"), _KEY.c.id == _CURRENT_KEY_ID),
        )
    )
    .where(VOTER.c.amendment_id == bindparam("amendment_id"))
    .order_by(VOTER.c.participant_id)
)
