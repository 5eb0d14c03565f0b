"""Invitations: how a participant gets its first token without anyone else holding it.

The chair, the secretariat or the site admin invite a participant and pass the code on; the
participant redeems it for a token only it has seen. A code is random, single-use, expires,
and is kept only as its SHA-256, like a token.

Whoever holds a code can redeem it, the inviter included. So inviting a participant who holds
live tokens revokes them, on the record (`token.revoked`; only the chair or the site admin
may): there is no silent second way in, the real person's token dies first and they notice.
A signing key registered with the code is on the record as a replacement (app/groups/keys.py),
so answers made with it are told apart from the participant's own. A new invitation voids the
earlier pending ones, redeeming voids the rest, and the token remembers its invitation, the
invitation its inviter: a consent names its token, so every answer leads back to who let that
token in.
"""

from __future__ import annotations

import enum
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.auth import Principal, hash_token
from app.clock import utcnow
from app.errors import (
    Forbidden,
    InvalidState,
    InvitationExpired,
    InvitationRevoked,
    InvitationUnknown,
    InvitationUsed,
    NotFound,
    present,
)
from app.groups import keys
from app.groups.models import DRAFTING_ROLES, Invitation, Participant, Role, Token
from app.groups.roster import record_roster_event
from app.groups.tokens import issue_token
from app.pagination import page_query

INVITATION_PREFIX = "plinv_"


class InvitationStatus(enum.StrEnum):
    pending = "pending"
    redeemed = "redeemed"
    revoked = "revoked"
    expired = "expired"


def status_of(invitation: Invitation, now: datetime) -> InvitationStatus:
    if invitation.redeemed_at is not None:
        return InvitationStatus.redeemed
    if invitation.revoked_at is not None:
        return InvitationStatus.revoked
    if now >= invitation.expires_at:
        return InvitationStatus.expired
    return InvitationStatus.pending


def current_status(invitation: Invitation) -> InvitationStatus:
    return status_of(invitation, utcnow())


def ensure_may_invite(principal: Principal, participant: Participant) -> None:
    """The chair, the secretariat and the site admin invite; only the chair or the admin
    invites a chair (whoever holds the code can act as the invitee)."""
    principal.ensure_role(participant.group_id, DRAFTING_ROLES, admin=True)
    if participant.role == Role.chair and not (principal.is_admin or principal.role == Role.chair):
        raise Forbidden("Only the chair or the site admin may invite a chair.")


def invite(
    session: Session, *, participant: Participant, principal: Principal, valid_for: timedelta
) -> tuple[Invitation, str]:
    ensure_may_invite(principal, participant)
    if not participant.active:
        raise InvalidState(f"Participant {participant.id} is deactivated; reactivate it first.")
    _revoke_live_tokens(session, participant=participant, principal=principal)
    now = utcnow()
    _void_pending(session, participant_id=participant.id, now=now)
    code = INVITATION_PREFIX + secrets.token_urlsafe(32)
    invitation = Invitation(
        code_hash=hash_token(code),
        participant_id=participant.id,
        invited_by_id=principal.participant_id,
        created_at=now,
        expires_at=now + valid_for,
    )
    session.add(invitation)
    session.flush()
    record_roster_event(
        session,
        group_id=participant.group_id,
        type="invitation.created",
        actor_id=principal.participant_id,
        payload={
            "invitation_id": invitation.id,
            "role": participant.role.value,
            "expires_at": invitation.expires_at.isoformat(),
        },
    )
    return invitation, code


def _revoke_live_tokens(
    session: Session, *, participant: Participant, principal: Principal
) -> None:
    """A new invitation for a participant who holds tokens ends them, on the record: whoever
    redeems the code is the only one who can act as the participant from then on, and the
    real person, finding its token dead, knows to ask why. Only the chair or the site admin
    may do this (the secretariat would hold the code of a member it had locked out)."""
    live = list(
        session.scalars(
            select(Token).where(Token.participant_id == participant.id, Token.revoked_at.is_(None))
        )
    )
    if not live:
        return
    if not (principal.is_admin or principal.role == Role.chair):
        raise Forbidden(
            f"Participant {participant.id} holds {len(live)} live token(s); only the chair or "
            "the site admin may invite it again (its tokens are then revoked, on the record).",
            live_tokens=len(live),
        )
    now = utcnow()
    for token in live:
        token.revoked_at = now
    session.flush()
    record_token_revocation(
        session, participant=participant, principal=principal, count=len(live), why="re-invited"
    )


def record_token_revocation(
    session: Session, *, participant: Participant, principal: Principal, count: int, why: str
) -> None:
    """`token.revoked`: who revoked (the actor, for members) and why; no ids in the payload."""
    if principal.is_admin:
        by = "admin"
    elif principal.participant_id == participant.id:
        by = "self"
    else:
        by = principal.role.value if principal.role is not None else "participant"
    record_roster_event(
        session,
        group_id=participant.group_id,
        type="token.revoked",
        actor_id=principal.participant_id,
        payload={"tokens": count, "by": by, "why": why},
    )


def _void_pending(session: Session, *, participant_id: int, now: datetime) -> None:
    session.execute(
        update(Invitation)
        .where(
            Invitation.participant_id == participant_id,
            Invitation.redeemed_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .values(revoked_at=now)
        .execution_options(synchronize_session="fetch")
    )


def void_pending_invitations(session: Session, *, participant: Participant) -> None:
    """On deactivation: nobody redeems a way in for a participant who left."""
    _void_pending(session, participant_id=participant.id, now=utcnow())


def list_invitations(
    session: Session, *, group_id: int, principal: Principal, after: int, limit: int
) -> tuple[list[Invitation], int | None]:
    principal.ensure_role(group_id, DRAFTING_ROLES, admin=True)
    query = (
        select(Invitation)
        .join(Participant, Participant.id == Invitation.participant_id)
        .where(Participant.group_id == group_id)
    )
    return page_query(session, query, Invitation.id, after=after, limit=limit)


def get_invitation(session: Session, *, invitation_id: int, principal: Principal) -> Invitation:
    invitation = session.get(Invitation, invitation_id)
    participant = (
        None if invitation is None else session.get(Participant, invitation.participant_id)
    )
    if invitation is None or participant is None:
        raise NotFound(f"No invitation {invitation_id}.")
    principal.ensure_role(participant.group_id, DRAFTING_ROLES, admin=True)
    return invitation


def revoke_invitation(session: Session, *, invitation_id: int, principal: Principal) -> Invitation:
    invitation = get_invitation(session, invitation_id=invitation_id, principal=principal)
    if invitation.redeemed_at is not None:
        raise InvitationUsed(
            f"Invitation {invitation.id} was redeemed; revoke the token instead.",
            invitation_id=invitation.id,
        )
    if invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
        session.flush()
        participant = present(
            session.get(Participant, invitation.participant_id),
            f"No participant {invitation.participant_id}.",
        )
        record_roster_event(
            session,
            group_id=participant.group_id,
            type="invitation.revoked",
            actor_id=principal.participant_id,
            payload={"invitation_id": invitation.id},
        )
    return invitation


def redeem(
    session: Session, *, code: str, label: str, public_key: str | None = None
) -> tuple[Token, str]:
    """Exchange a pending invitation's code for the participant's own new token, and register
    the signing key made on the redeeming device (app/groups/keys.py)."""
    if public_key is not None:
        keys.check_public_key(public_key)  # before the code is spent
    invitation = session.scalar(select(Invitation).where(Invitation.code_hash == hash_token(code)))
    if invitation is None:
        raise InvitationUnknown("No invitation has this code; ask for a new one.")
    now = utcnow()
    status = status_of(invitation, now)
    _refuse_unless_pending(invitation, status)
    participant = present(
        session.get(Participant, invitation.participant_id),
        f"No participant {invitation.participant_id}.",
    )
    if not participant.active:
        raise InvalidState("This invitation's participant is deactivated.")
    # The conditional update decides a race between two redeemers: one row changes, once.
    taken = session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation.id,
            Invitation.redeemed_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .values(redeemed_at=now)
        .execution_options(synchronize_session="fetch")
    )
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        session.refresh(invitation)
        _refuse_unless_pending(invitation, status_of(invitation, now))
        raise InvitationUsed("This invitation has just been redeemed.")
    _void_pending(session, participant_id=participant.id, now=now)

    token, secret = issue_token(
        session, participant=participant, label=label, invitation_id=invitation.id
    )
    record_roster_event(
        session,
        group_id=participant.group_id,
        type="invitation.redeemed",
        actor_id=participant.id,
        payload={"invitation_id": invitation.id},
    )
    if public_key is not None:
        keys.register_key(
            session, participant=participant, public_key=public_key, by_invitation=True
        )
    return token, secret


def _refuse_unless_pending(invitation: Invitation, status: InvitationStatus) -> None:
    if status == InvitationStatus.redeemed:
        raise InvitationUsed(
            "This invitation has already been redeemed; an invitation gives one token. "
            "Mint more tokens with the one you have, or ask for a new invitation.",
        )
    if status == InvitationStatus.revoked:
        raise InvitationRevoked(
            "This invitation was revoked (or replaced by a newer one); ask for a new one."
        )
    if status == InvitationStatus.expired:
        raise InvitationExpired(
            f"This invitation expired at {invitation.expires_at.isoformat()}; ask for a new one.",
            expires_at=invitation.expires_at,
        )
