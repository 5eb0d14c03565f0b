"""Minting tokens (shown once, stored only as a hash)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.auth import hash_token, new_token_secret
from app.groups.models import Participant, Token


def issue_token(
    session: Session,
    *,
    participant: Participant | None,
    label: str,
    invitation_id: int | None = None,
) -> tuple[Token, str]:
    """A new token for `participant` (None: the site admin). No route calls this on behalf of
    someone else: a participant mints its own, redeems an invitation, or the operator's CLI
    and demo mint them outside any request."""
    secret = new_token_secret()
    token = Token(
        token_hash=hash_token(secret),
        label=label,
        participant_id=None if participant is None else participant.id,
        is_admin=participant is None,
        invitation_id=invitation_id,
    )
    session.add(token)
    session.flush()
    return token, secret
