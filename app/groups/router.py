from __future__ import annotations

from fastapi import APIRouter, status

from app.auth import AdminPrincipal, CurrentPrincipal
from app.db import SessionDep
from app.groups import service
from app.groups.schemas import (
    GroupCreate,
    GroupRead,
    ParticipantCreate,
    ParticipantCreated,
    ParticipantRead,
    ParticipantUpdate,
    TokenCreate,
    TokenCreated,
    TokenRead,
    WhoAmI,
)
from app.idempotency import IdempotentRoute
from app.schemas import IdPath

router = APIRouter(prefix="/v1", route_class=IdempotentRoute, tags=["groups"])


def _token_created(token: object, secret: str) -> TokenCreated:
    return TokenCreated.model_validate(
        {**TokenRead.model_validate(token).model_dump(), "token": secret}
    )


@router.get("/me", response_model=WhoAmI)
def who_am_i(principal: CurrentPrincipal) -> WhoAmI:
    return WhoAmI(
        is_admin=principal.is_admin,
        token_id=principal.token_id,
        participant=None
        if principal.participant is None
        else ParticipantRead.model_validate(principal.participant),
    )


@router.post("/groups", response_model=GroupRead, status_code=status.HTTP_201_CREATED)
def create_group(body: GroupCreate, session: SessionDep, _admin: AdminPrincipal) -> GroupRead:
    group = service.create_group(session, name=body.name, description=body.description)
    return GroupRead.model_validate(group)


@router.get("/groups", response_model=list[GroupRead])
def list_groups(session: SessionDep, principal: CurrentPrincipal) -> list[GroupRead]:
    return [GroupRead.model_validate(g) for g in service.list_groups(session, principal=principal)]


@router.get("/groups/{group_id}", response_model=GroupRead)
def get_group(group_id: IdPath, session: SessionDep, principal: CurrentPrincipal) -> GroupRead:
    return GroupRead.model_validate(
        service.get_group(session, group_id=group_id, principal=principal)
    )


@router.post(
    "/groups/{group_id}/participants",
    response_model=ParticipantCreated,
    status_code=status.HTTP_201_CREATED,
)
def add_participant(
    group_id: IdPath, body: ParticipantCreate, session: SessionDep, principal: CurrentPrincipal
) -> ParticipantCreated:
    group = service.get_group(session, group_id=group_id, principal=principal)
    participant, token, secret = service.add_participant(
        session,
        group=group,
        principal=principal,
        name=body.name,
        role=body.role,
        stakeholder=body.stakeholder,
        region=body.region,
        token_label=body.token_label,
    )
    return ParticipantCreated.model_validate(
        {
            **ParticipantRead.model_validate(participant).model_dump(),
            "token": _token_created(token, secret),
        }
    )


@router.get("/groups/{group_id}/participants", response_model=list[ParticipantRead])
def list_participants(
    group_id: IdPath, session: SessionDep, principal: CurrentPrincipal
) -> list[ParticipantRead]:
    group = service.get_group(session, group_id=group_id, principal=principal)
    return [
        ParticipantRead.model_validate(p)
        for p in service.list_participants(session, group=group, principal=principal)
    ]


@router.get("/participants/{participant_id}", response_model=ParticipantRead)
def get_participant(
    participant_id: IdPath, session: SessionDep, principal: CurrentPrincipal
) -> ParticipantRead:
    return ParticipantRead.model_validate(
        service.get_participant(session, participant_id=participant_id, principal=principal)
    )


@router.patch("/participants/{participant_id}", response_model=ParticipantRead)
def update_participant(
    participant_id: IdPath,
    body: ParticipantUpdate,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> ParticipantRead:
    participant = service.get_participant(
        session, participant_id=participant_id, principal=principal
    )
    updated = service.update_participant(
        session, participant=participant, principal=principal, changes=body
    )
    return ParticipantRead.model_validate(updated)


@router.post(
    "/participants/{participant_id}/tokens",
    response_model=TokenCreated,
    status_code=status.HTTP_201_CREATED,
)
def create_token(
    participant_id: IdPath, body: TokenCreate, session: SessionDep, principal: CurrentPrincipal
) -> TokenCreated:
    participant = service.get_participant(
        session, participant_id=participant_id, principal=principal
    )
    token, secret = service.create_token(
        session, participant=participant, principal=principal, label=body.label
    )
    return _token_created(token, secret)


@router.get("/participants/{participant_id}/tokens", response_model=list[TokenRead])
def list_tokens(
    participant_id: IdPath, session: SessionDep, principal: CurrentPrincipal
) -> list[TokenRead]:
    participant = service.get_participant(
        session, participant_id=participant_id, principal=principal
    )
    return [
        TokenRead.model_validate(t)
        for t in service.list_tokens(session, participant=participant, principal=principal)
    ]


@router.delete("/tokens/{token_id}", response_model=TokenRead)
def revoke_token(token_id: IdPath, session: SessionDep, principal: CurrentPrincipal) -> TokenRead:
    return TokenRead.model_validate(
        service.revoke_token(session, token_id=token_id, principal=principal)
    )
