"""Participants' signing keys: registered, rotated and replaced on the record.

The private half is made and kept on the participant's device (app/signatures.py); the server
keeps the public half and checks every signed answer against the key current when it is
given. Each key change is a `key.registered` event on every open report of the group, so
every member (and the participant itself) sees it:

- `first`: the participant's first key, registered with its first redemption or, for a
  participant who has none yet, with its own token;
- `rotated`: the current key signed the new one (a new device, by the holder of the old one);
- `replaced`: a new invitation redeemed with a new key, without the old key's endorsement. A
  lost device looks like this, and so would someone else redeeming a code meant for the
  participant: members see it, and `plenary verify` names every answer such a key signed.

Nobody registers a key for someone else: there is no route for it, and a key is only ever
registered by the participant's own token or its own invitation code.
"""

from __future__ import annotations

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from app.auth import Principal
from app.clock import utcnow
from app.errors import Forbidden, KeyEndorsementRequired, SigningKeyMissing, Unprocessable
from app.groups.models import Invitation, KeyOrigin, Participant, Role, SigningKey
from app.groups.roster import record_roster_event
from app.pagination import page_query
from app.signatures import endorsement_message, public_key_of, verifies

KEY_READERS = frozenset({Role.chair, Role.member, Role.secretariat})


def current_key(session: Session, participant_id: int) -> SigningKey | None:
    return session.scalar(_CURRENT_KEY, {"participant_id": participant_id})


# Built once: every signed answer reads its voter's key.
_CURRENT_KEY = select(SigningKey).where(
    SigningKey.participant_id == bindparam("participant_id"), SigningKey.replaced_at.is_(None)
)


def require_current_key(session: Session, participant_id: int) -> SigningKey:
    key = current_key(session, participant_id)
    if key is None:
        raise no_signing_key()
    return key


def no_signing_key() -> SigningKeyMissing:
    """The 409 of an answer whose voter has no current key (also read with a round)."""
    return SigningKeyMissing(
        "Your answers are signed with your own key, and you have none registered: "
        "register one (PUT /v1/me/signing-key) from the device that will hold it.",
    )


def check_public_key(public_key: str) -> None:
    try:
        public_key_of(public_key)
    except ValueError as error:
        raise Unprocessable(
            "`public_key` must be a raw Ed25519 public key (32 bytes), base64url without padding.",
        ) from error


def register_key(
    session: Session,
    *,
    participant: Participant,
    public_key: str,
    endorsement: str | None = None,
    by_invitation: bool = False,
) -> SigningKey:
    """The participant's new current key. The same key again changes nothing (a retry)."""
    check_public_key(public_key)
    current = current_key(session, participant.id)
    if current is not None and current.public_key == public_key:
        return current
    origin = KeyOrigin.first
    if current is not None:
        message = endorsement_message(participant_id=participant.id, new_public_key=public_key)
        if endorsement is not None and verifies(current.public_key, endorsement, message):
            origin = KeyOrigin.rotated
        elif endorsement is not None:
            raise Unprocessable("The endorsement is not your current key's signature.")
        elif by_invitation:
            origin = KeyOrigin.replaced
        else:
            raise KeyEndorsementRequired(
                "You already have a signing key. Sign the new key with it (`endorsement`), or "
                "ask the chair for a new invitation: the replacement will be on the record.",
            )
        current.replaced_at = utcnow()
    elif _was_let_in_again(session, participant.id):
        # A participant invited again (its earlier way in ended) gets no "first" key, with
        # its new code or its new token: that code passed through someone else's hands.
        origin = KeyOrigin.replaced
    key = SigningKey(
        participant_id=participant.id,
        public_key=public_key,
        origin=origin,
        endorsement=endorsement if origin == KeyOrigin.rotated else None,
    )
    session.add(key)
    session.flush()
    record_roster_event(
        session,
        group_id=participant.group_id,
        type="key.registered",
        actor_id=participant.id,
        payload={"key_id": key.id, "public_key": public_key, "origin": origin.value},
    )
    return key


def register_own_key(
    session: Session, *, principal: Principal, public_key: str, endorsement: str | None
) -> SigningKey:
    participant = principal.participant
    if participant is None:
        raise Forbidden("The site admin answers no consent round and holds no signing key.")
    return register_key(
        session, participant=participant, public_key=public_key, endorsement=endorsement
    )


def _was_let_in_again(session: Session, participant_id: int) -> bool:
    """Held a key once, or redeemed more than one invitation."""
    keys = select(SigningKey.id).where(SigningKey.participant_id == participant_id)
    redeemed = (
        select(func.count())
        .select_from(Invitation)
        .where(Invitation.participant_id == participant_id, Invitation.redeemed_at.is_not(None))
    )
    return session.scalar(keys.limit(1)) is not None or (session.scalar(redeemed) or 0) > 1


def list_keys(
    session: Session, *, group_id: int, principal: Principal, after: int, limit: int
) -> tuple[list[SigningKey], int | None]:
    """Every key of the group's participants, replaced ones included: what a member needs to
    check every signed answer on the record. Observers and the public check the chain only
    (keys would let them link answers to people)."""
    principal.ensure_role(group_id, KEY_READERS, admin=True)
    query = (
        select(SigningKey)
        .join(Participant, Participant.id == SigningKey.participant_id)
        .where(Participant.group_id == group_id)
    )
    return page_query(session, query, SigningKey.id, after=after, limit=limit)
