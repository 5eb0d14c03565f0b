from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request, Response, status

from app.auth import AdminPrincipal, CurrentPrincipal
from app.db import SessionDep
from app.groups import invitations, keys, service
from app.groups.models import Invitation
from app.groups.schemas import (
    GroupCreate,
    GroupPage,
    GroupRead,
    InvitationCreate,
    InvitationCreated,
    InvitationPage,
    InvitationRead,
    InvitationRedeem,
    ParticipantCreate,
    ParticipantCreated,
    ParticipantPage,
    ParticipantRead,
    ParticipantUpdate,
    SigningKeyCreate,
    SigningKeyPage,
    SigningKeyRead,
    TokenCreate,
    TokenCreated,
    TokenPage,
    TokenRead,
    WhoAmI,
)
from app.idempotency import IdempotentRoute, SecretAnswer
from app.pagination import DEFAULT_PAGE, After, Limit, link_next
from app.schemas import IdPath

router = APIRouter(prefix="/v1", route_class=IdempotentRoute, tags=["groups"])


def _token_created(token: object, secret: str) -> TokenCreated:
    return TokenCreated.model_validate(
        {**TokenRead.model_validate(token).model_dump(), "token": secret}
    )


def _invitation_read(invitation: Invitation) -> InvitationRead:
    return InvitationRead.model_validate(
        {
            **{c.key: getattr(invitation, c.key) for c in Invitation.__table__.columns},
            "status": invitations.current_status(invitation),
        }
    )


def _invitation_created(invitation: Invitation, code: str) -> InvitationCreated:
    return InvitationCreated.model_validate(
        {**_invitation_read(invitation).model_dump(), "code": code}
    )


def _valid_for(request: Request, days: float | None) -> timedelta:
    return timedelta(days=days or request.app.state.settings.invitation_ttl_days)


@router.get("/me", response_model=WhoAmI)
def who_am_i(session: SessionDep, principal: CurrentPrincipal) -> WhoAmI:
    participant = principal.participant
    key = None if participant is None else keys.current_key(session, participant.id)
    return WhoAmI(
        is_admin=principal.is_admin,
        token_id=principal.token_id,
        participant=None if participant is None else ParticipantRead.model_validate(participant),
        signing_key=None if key is None else SigningKeyRead.model_validate(key),
    )


@router.put(
    "/me/signing-key",
    response_model=SigningKeyRead,
    responses={409: {"description": "You hold a key: the new one needs its endorsement"}},
)
def register_signing_key(
    body: SigningKeyCreate, session: SessionDep, principal: CurrentPrincipal
) -> SigningKeyRead:
    """Register the public half of a key made on your device: your first key, or a new one
    endorsed by the key you hold (`key.registered` on the record, for every member to see).
    The same key again changes nothing. A key you lost is replaced only through a new
    invitation (ask the chair), so that the replacement is on the record too."""
    key = keys.register_own_key(
        session, principal=principal, public_key=body.public_key, endorsement=body.endorsement
    )
    return SigningKeyRead.model_validate(key)


@router.get("/groups/{group_id}/signing-keys", response_model=SigningKeyPage)
def list_signing_keys(
    group_id: IdPath,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
    after: After = 0,
    limit: Limit = DEFAULT_PAGE,
) -> SigningKeyPage:
    """Every signing key of the group's participants, replaced ones included, to check the
    signed answers on the record (chair, members, secretariat, site admin)."""
    found, next_cursor = keys.list_keys(
        session, group_id=group_id, principal=principal, after=after, limit=limit
    )
    link_next(request, response, next_cursor)
    return SigningKeyPage(items=[SigningKeyRead.model_validate(k) for k in found], next=next_cursor)


@router.post("/groups", response_model=GroupRead, status_code=status.HTTP_201_CREATED)
def create_group(
    body: GroupCreate, response: Response, session: SessionDep, _admin: AdminPrincipal
) -> GroupRead:
    group = service.create_group(session, name=body.name, description=body.description)
    response.headers["Location"] = f"/v1/groups/{group.id}"
    return GroupRead.model_validate(group)


@router.get("/groups", response_model=GroupPage)
def list_groups(
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
    after: After = 0,
    limit: Limit = DEFAULT_PAGE,
) -> GroupPage:
    found, next_cursor = service.list_groups(session, principal=principal, after=after, limit=limit)
    link_next(request, response, next_cursor)
    return GroupPage(items=[GroupRead.model_validate(g) for g in found], next=next_cursor)


@router.get("/groups/{group_id}", response_model=GroupRead)
def get_group(group_id: IdPath, session: SessionDep, principal: CurrentPrincipal) -> GroupRead:
    return GroupRead.model_validate(
        service.get_group(session, group_id=group_id, principal=principal)
    )


@router.post(
    "/groups/{group_id}/participants",
    response_model=ParticipantCreated,
    dependencies=[SecretAnswer],
    status_code=status.HTTP_201_CREATED,
)
def add_participant(
    group_id: IdPath,
    body: ParticipantCreate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> ParticipantCreated:
    """Add a participant and invite it: pass the invitation's code on to that person, who
    redeems it for its own token. Only the chair or the site admin add a chair."""
    group = service.get_group(session, group_id=group_id, principal=principal)
    participant, invitation, code = service.add_participant(
        session,
        group=group,
        principal=principal,
        name=body.name,
        role=body.role,
        stakeholder=body.stakeholder,
        region=body.region,
        invitation_valid_for=_valid_for(request, body.invitation_expires_in_days),
    )
    response.headers["Location"] = f"/v1/participants/{participant.id}"
    return ParticipantCreated.model_validate(
        {
            **ParticipantRead.model_validate(participant).model_dump(),
            "invitation": _invitation_created(invitation, code),
        }
    )


@router.get("/groups/{group_id}/participants", response_model=ParticipantPage)
def list_participants(
    group_id: IdPath,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
    after: After = 0,
    limit: Limit = DEFAULT_PAGE,
) -> ParticipantPage:
    group = service.get_group(session, group_id=group_id, principal=principal)
    found, next_cursor = service.list_participants(
        session, group=group, principal=principal, after=after, limit=limit
    )
    link_next(request, response, next_cursor)
    return ParticipantPage(
        items=[ParticipantRead.model_validate(p) for p in found], next=next_cursor
    )


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
    "/participants/{participant_id}/invitations",
    response_model=InvitationCreated,
    dependencies=[SecretAnswer],
    status_code=status.HTTP_201_CREATED,
)
def create_invitation(
    participant_id: IdPath,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
    body: InvitationCreate | None = None,
) -> InvitationCreated:
    """A single-use code by which the participant takes its own token; earlier pending
    invitations of the participant are voided. Refused (409) while it holds a live token."""
    participant = service.get_participant(
        session, participant_id=participant_id, principal=principal
    )
    invitation, code = invitations.invite(
        session,
        participant=participant,
        principal=principal,
        valid_for=_valid_for(request, None if body is None else body.expires_in_days),
    )
    response.headers["Location"] = f"/v1/invitations/{invitation.id}"  # DELETE revokes it
    return _invitation_created(invitation, code)


@router.get("/groups/{group_id}/invitations", response_model=InvitationPage)
def list_invitations(
    group_id: IdPath,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
    after: After = 0,
    limit: Limit = DEFAULT_PAGE,
) -> InvitationPage:
    group = service.get_group(session, group_id=group_id, principal=principal)
    found, next_cursor = invitations.list_invitations(
        session, group_id=group.id, principal=principal, after=after, limit=limit
    )
    link_next(request, response, next_cursor)
    return InvitationPage(items=[_invitation_read(i) for i in found], next=next_cursor)


@router.delete("/invitations/{invitation_id}", response_model=InvitationRead)
def revoke_invitation(
    invitation_id: IdPath, session: SessionDep, principal: CurrentPrincipal
) -> InvitationRead:
    return _invitation_read(
        invitations.revoke_invitation(session, invitation_id=invitation_id, principal=principal)
    )


@router.post(
    "/invitations/redeem",
    response_model=TokenCreated,
    status_code=status.HTTP_201_CREATED,
    dependencies=[SecretAnswer],
)
def redeem_invitation(
    body: InvitationRedeem, response: Response, session: SessionDep
) -> TokenCreated:
    """Exchange an invitation's code for your own token (no bearer token needed). Unknown
    code: 404 invitation-unknown; used: 409 invitation-used; expired: 409
    invitation-expired; revoked or replaced: 409 invitation-revoked. Send the public half of
    the signing key your device made (`public_key`) to sign your consent answers."""
    token, secret = invitations.redeem(
        session, code=body.code, label=body.label, public_key=body.public_key
    )
    response.headers["Location"] = f"/v1/tokens/{token.id}"  # DELETE revokes it
    return _token_created(token, secret)


@router.get("/me/tokens", response_model=TokenPage)
def list_my_tokens(
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
    after: After = 0,
    limit: Limit = DEFAULT_PAGE,
) -> TokenPage:
    """The caller's own tokens, revoked ones included; never a secret."""
    found, next_cursor = service.list_own_tokens(
        session, principal=principal, after=after, limit=limit
    )
    link_next(request, response, next_cursor)
    return TokenPage(items=[TokenRead.model_validate(t) for t in found], next=next_cursor)


@router.post(
    "/participants/{participant_id}/tokens",
    response_model=TokenCreated,
    dependencies=[SecretAnswer],
    status_code=status.HTTP_201_CREATED,
)
def create_token(
    participant_id: IdPath,
    body: TokenCreate,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> TokenCreated:
    """Mint another token for yourself. For anyone else: 403 (invite them instead)."""
    participant = service.get_participant(
        session, participant_id=participant_id, principal=principal
    )
    token, secret = service.create_token(
        session, participant=participant, principal=principal, label=body.label
    )
    response.headers["Location"] = f"/v1/tokens/{token.id}"  # DELETE revokes it
    return _token_created(token, secret)


@router.get("/participants/{participant_id}/tokens", response_model=TokenPage)
def list_tokens(
    participant_id: IdPath,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
    after: After = 0,
    limit: Limit = DEFAULT_PAGE,
) -> TokenPage:
    participant = service.get_participant(
        session, participant_id=participant_id, principal=principal
    )
    found, next_cursor = service.list_tokens(
        session, participant=participant, principal=principal, after=after, limit=limit
    )
    link_next(request, response, next_cursor)
    return TokenPage(items=[TokenRead.model_validate(t) for t in found], next=next_cursor)


@router.delete("/tokens/{token_id}", response_model=TokenRead)
def revoke_token(token_id: IdPath, session: SessionDep, principal: CurrentPrincipal) -> TokenRead:
    return TokenRead.model_validate(
        service.revoke_token(session, token_id=token_id, principal=principal)
    )
