from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.auth import Principal, hash_token, new_token_secret
from app.db import utcnow
from app.errors import Conflict, Forbidden, LastChair, NotFound
from app.groups.models import DRAFTING_ROLES, Group, Participant, Role, Stakeholder, Token
from app.groups.schemas import ParticipantUpdate


def create_group(session: Session, *, name: str, description: str) -> Group:
    if session.scalar(select(Group.id).where(Group.name == name)) is not None:
        raise Conflict(f"A group named {name!r} already exists.")
    group = Group(name=name, description=description)
    session.add(group)
    session.flush()
    return group


def list_groups(session: Session, *, principal: Principal) -> list[Group]:
    query = select(Group).order_by(Group.id)
    if not principal.is_admin:
        query = query.where(Group.id == principal.group_id)
    return list(session.scalars(query))


def get_group(session: Session, *, group_id: int, principal: Principal) -> Group:
    group = session.get(Group, group_id)
    if group is None:
        raise NotFound(f"No group {group_id}.")
    principal.ensure_in_group(group.id)
    return group


def issue_token(
    session: Session, *, participant: Participant | None, label: str
) -> tuple[Token, str]:
    secret = new_token_secret()
    token = Token(
        token_hash=hash_token(secret),
        label=label,
        participant_id=None if participant is None else participant.id,
        is_admin=participant is None,
    )
    session.add(token)
    session.flush()
    return token, secret


def add_participant(
    session: Session,
    *,
    group: Group,
    principal: Principal,
    name: str,
    role: Role,
    stakeholder: Stakeholder,
    region: str,
    token_label: str,
) -> tuple[Participant, Token, str]:
    principal.ensure_role(group.id, DRAFTING_ROLES, admin=True)
    participant = Participant(
        group_id=group.id, name=name, role=role, stakeholder=stakeholder, region=region
    )
    session.add(participant)
    session.flush()
    token, secret = issue_token(session, participant=participant, label=token_label)
    return participant, token, secret


def list_participants(session: Session, *, group: Group, principal: Principal) -> list[Participant]:
    principal.ensure_role(group.id, [Role.chair, Role.member, Role.secretariat], admin=True)
    return list(
        session.scalars(
            select(Participant).where(Participant.group_id == group.id).order_by(Participant.id)
        )
    )


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


def update_participant(
    session: Session, *, participant: Participant, principal: Principal, changes: ParticipantUpdate
) -> Participant:
    principal.ensure_role(participant.group_id, DRAFTING_ROLES, admin=True)
    # The group row lock serialises two chairs stepping down at once on PostgreSQL.
    session.get(Group, participant.group_id, with_for_update=True)
    was_chair = _is_active_chair(participant)
    for field, value in changes.model_dump(exclude_unset=True).items():
        if value is None:
            continue
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
    return participant


def _is_active_chair(participant: Participant) -> bool:
    return participant.active and participant.role == Role.chair


def create_token(
    session: Session, *, participant: Participant, principal: Principal, label: str
) -> tuple[Token, str]:
    if principal.participant_id != participant.id:
        principal.ensure_role(participant.group_id, DRAFTING_ROLES, admin=True)
    return issue_token(session, participant=participant, label=label)


def list_tokens(session: Session, *, participant: Participant, principal: Principal) -> list[Token]:
    if principal.participant_id != participant.id:
        principal.ensure_role(participant.group_id, DRAFTING_ROLES, admin=True)
    return list(
        session.scalars(
            select(Token).where(Token.participant_id == participant.id).order_by(Token.id)
        )
    )


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
        if not principal.is_admin and principal.role not in DRAFTING_ROLES:
            raise Forbidden("Only the chair or the secretariat may revoke another's token.")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.flush()
    return token
