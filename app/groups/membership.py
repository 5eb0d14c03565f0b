from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.auth import Principal
from app.clock import utcnow
from app.errors import Conflict, Forbidden, LastChair, NotFound
from app.groups import invitations
from app.groups.models import (
    DRAFTING_ROLES,
    Group,
    Invitation,
    Participant,
    Role,
    Stakeholder,
    Token,
)
from app.groups.roster import record_roster_event
from app.groups.schemas import ParticipantUpdate
from app.groups.tokens import issue_token
from app.pagination import page_query


def create_group(session: Session, *, name: str, description: str) -> Group:
    if session.scalar(select(Group.id).where(Group.name == name)) is not None:
        raise Conflict(f"A group named {name!r} already exists.")
    group = Group(name=name, description=description)
    session.add(group)
    session.flush()
    return group


def list_groups(
    session: Session, *, principal: Principal, after: int, limit: int
) -> tuple[list[Group], int | None]:
    query = select(Group)
    if not principal.is_admin:
        query = query.where(Group.id == principal.group_id)
    return page_query(session, query, Group.id, after=after, limit=limit)


def get_group(session: Session, *, group_id: int, principal: Principal) -> Group:
    group = session.get(Group, group_id)
    if group is None:
        raise NotFound(f"No group {group_id}.")
    principal.ensure_in_group(group.id)
    return group


def add_participant(
    session: Session,
    *,
    group: Group,
    principal: Principal,
    name: str,
    role: Role,
    stakeholder: Stakeholder,
    region: str,
    invitation_valid_for: timedelta,
) -> tuple[Participant, Invitation, str]:
    """The new participant and its first invitation (the code, shown once): the caller
    passes the code on; only the participant, redeeming it, sees its token."""
    participant = Participant(
        group_id=group.id, name=name, role=role, stakeholder=stakeholder, region=region
    )
    invitations.ensure_may_invite(principal, participant)
    session.add(participant)
    session.flush()
    invitation, code = invitations.invite(
        session, participant=participant, principal=principal, valid_for=invitation_valid_for
    )
    return participant, invitation, code


def list_participants(
    session: Session, *, group: Group, principal: Principal, after: int, limit: int
) -> tuple[list[Participant], int | None]:
    principal.ensure_role(group.id, [Role.chair, Role.member, Role.secretariat], admin=True)
    query = select(Participant).where(Participant.group_id == group.id)
    return page_query(session, query, Participant.id, after=after, limit=limit)


def get_participant(session: Session, *, participant_id: int, principal: Principal) -> Participant:
    participant = session.get(Participant, participant_id)
    if participant is None:
        raise NotFound(f"No participant {participant_id}.")
    principal.ensure_in_group(participant.group_id)
    if principal.participant_id != participant.id:
        principal.ensure_role(
            participant.group_id, [Role.chair, Role.member, Role.secretariat], admin=True
        )
    return participant


ROSTER_FIELDS = frozenset({"role", "active"})


def ensure_may_change(principal: Principal, participant: Participant, fields: set[str]) -> None:
    """Names and affiliations: the chair, the secretariat, the site admin. Roles and
    deactivation decide who votes, so only the chair or the site admin change them. The
    chair's role is the highest, so nobody can raise its own role: a member or the
    secretariat cannot touch roles at all, and a chair may only step down (the last active
    chair cannot; see LastChair)."""
    principal.ensure_role(participant.group_id, DRAFTING_ROLES, admin=True)
    if fields & ROSTER_FIELDS and not (principal.is_admin or principal.role == Role.chair):
        raise Forbidden(
            "Only the chair or the site admin change a participant's role or deactivate it."
        )


def update_participant(
    session: Session, *, participant: Participant, principal: Principal, changes: ParticipantUpdate
) -> Participant:
    wanted = {k: v for k, v in changes.model_dump(exclude_unset=True).items() if v is not None}
    ensure_may_change(
        principal,
        participant,
        {f for f, v in wanted.items() if getattr(participant, f) != v},
    )
    # The group row lock serialises two chairs stepping down at once on PostgreSQL.
    session.get(Group, participant.group_id, with_for_update=True)
    was_chair = _is_active_chair(participant)
    old_role, was_active = participant.role, participant.active
    for field, value in wanted.items():
        setattr(participant, field, value)
    if was_chair and not _is_active_chair(participant):
        others = session.scalar(
            select(func.count())
            .select_from(Participant)
            .where(
                Participant.group_id == participant.group_id,
                Participant.id != participant.id,
                Participant.role == Role.chair,
                Participant.active.is_(True),
            )
        )
        if not others:
            raise LastChair(
                f"{participant.name} is the group's only active chair; appoint another chair "
                "before changing this one's role or deactivating them."
            )
    session.flush()
    _record_roster_changes(
        session, participant, principal, old_role=old_role, was_active=was_active
    )
    return participant


def _record_roster_changes(
    session: Session,
    participant: Participant,
    principal: Principal,
    *,
    old_role: Role,
    was_active: bool,
) -> None:
    """Events without the participant's id or name (their payloads are public)."""
    if participant.role != old_role:
        record_roster_event(
            session,
            group_id=participant.group_id,
            type="participant.role_changed",
            actor_id=principal.participant_id,
            payload={"from": old_role.value, "to": participant.role.value},
        )
    if participant.active != was_active:
        if not participant.active:
            invitations.void_pending_invitations(session, participant=participant)
        record_roster_event(
            session,
            group_id=participant.group_id,
            type="participant.deactivated" if not participant.active else "participant.reactivated",
            actor_id=principal.participant_id,
            payload={"role": participant.role.value},
        )


def _is_active_chair(participant: Participant) -> bool:
    return participant.active and participant.role == Role.chair


def create_token(
    session: Session, *, participant: Participant, principal: Principal, label: str
) -> tuple[Token, str]:
    """Only a participant mints tokens in its own name: nobody, chair, secretariat and site
    admin included, may hold a credential to act as someone else."""
    if principal.participant_id != participant.id:
        raise Forbidden(
            "Only a participant mints tokens in its own name; invite it instead "
            "(POST /v1/participants/{id}/invitations)."
        )
    return issue_token(session, participant=participant, label=label)


def list_own_tokens(
    session: Session, *, principal: Principal, after: int, limit: int
) -> tuple[list[Token], int | None]:
    if principal.participant is None:
        raise Forbidden("The site admin's tokens are managed with `plenary admin token`.")
    query = select(Token).where(Token.participant_id == principal.participant.id)
    return page_query(session, query, Token.id, after=after, limit=limit)


def list_tokens(
    session: Session, *, participant: Participant, principal: Principal, after: int, limit: int
) -> tuple[list[Token], int | None]:
    if principal.participant_id != participant.id:
        principal.ensure_role(participant.group_id, DRAFTING_ROLES, admin=True)
    query = select(Token).where(Token.participant_id == participant.id)
    return page_query(session, query, Token.id, after=after, limit=limit)


def revoke_token(session: Session, *, token_id: int, principal: Principal) -> Token:
    token = session.get(Token, token_id)
    if token is None:
        raise NotFound(f"No token {token_id}.")
    if token.participant_id is None:
        if not principal.is_admin:
            raise NotFound(f"No token {token_id}.")
    elif principal.participant_id != token.participant_id:
        owner = session.get(Participant, token.participant_id)
        if owner is None:
            raise NotFound(f"No token {token_id}.")
        principal.ensure_in_group(owner.group_id)
        # Revoking a lost token is the step before a new invitation; only the chair or the
        # admin take it for someone else, so the secretariat cannot clear a member's way in
        # and invite it again (it would hold the new code).
        if not principal.is_admin and principal.role != Role.chair:
            raise Forbidden("Only the chair or the site admin may revoke another's token.")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.flush()
        owner = (
            None if token.participant_id is None else session.get(Participant, token.participant_id)
        )
        if owner is not None:
            invitations.record_token_revocation(
                session, participant=owner, principal=principal, count=1, why="revoked"
            )
    return token
