from __future__ import annotations

from datetime import datetime

from pydantic import Field, StrictFloat

from app.groups.invitations import InvitationStatus
from app.groups.models import KeyOrigin, Role, Stakeholder
from app.pagination import Page
from app.schemas import Flag, InputModel, ReadModel

Name = Field(min_length=1, max_length=200)


class GroupCreate(InputModel):
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=5000)


class GroupRead(ReadModel):
    id: int
    name: str
    description: str
    created_at: datetime


class ParticipantCreate(InputModel):
    name: str = Field(min_length=1, max_length=200)
    role: Role
    stakeholder: Stakeholder = Stakeholder.other
    region: str = Field(default="", max_length=100)
    invitation_expires_in_days: StrictFloat | None = Field(
        default=None, gt=0, le=90, description="Default: the server's setting (7 days)"
    )


class ParticipantUpdate(InputModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    role: Role | None = None
    stakeholder: Stakeholder | None = None
    region: str | None = Field(default=None, max_length=100)
    active: Flag | None = None


class ParticipantRead(ReadModel):
    id: int
    group_id: int
    name: str
    role: Role
    stakeholder: Stakeholder
    region: str
    active: bool
    created_at: datetime


class TokenCreate(InputModel):
    label: str = Field(default="", max_length=200)


class TokenRead(ReadModel):
    id: int
    label: str
    participant_id: int | None
    is_admin: bool
    created_at: datetime
    revoked_at: datetime | None
    invitation_id: int | None = Field(description="The invitation redeemed for this token")


class TokenCreated(TokenRead):
    token: str = Field(description="The secret. Shown once; only its hash is kept.")


class InvitationCreate(InputModel):
    expires_in_days: StrictFloat | None = Field(
        default=None, gt=0, le=90, description="Default: the server's setting (7 days)"
    )


class InvitationRead(ReadModel):
    id: int
    participant_id: int
    invited_by_id: int | None = Field(description="None: the site admin")
    created_at: datetime
    expires_at: datetime
    redeemed_at: datetime | None
    revoked_at: datetime | None
    status: InvitationStatus


class InvitationCreated(InvitationRead):
    code: str = Field(
        description="Pass it to the participant, who redeems it for its own token "
        "(POST /v1/invitations/redeem). Shown once; only its hash is kept; single use."
    )


PUBLIC_KEY_HELP = (
    "Your signing key's public half: Ed25519, the raw 32 bytes in base64url without padding. "
    "Make the key on your own device (WebCrypto, or the Python client) and keep the private "
    "half there: your consent answers are signed with it, and nobody else can make them."
)


class InvitationRedeem(InputModel):
    code: str = Field(min_length=1, max_length=200)
    label: str = Field(default="", max_length=200)
    public_key: str | None = Field(
        default=None,
        min_length=43,
        max_length=43,
        pattern=r"^[A-Za-z0-9_-]+$",
        description=PUBLIC_KEY_HELP
        + " If you had a key, this one replaces it on the record (every member sees it).",
    )


class SigningKeyCreate(InputModel):
    public_key: str = Field(
        min_length=43, max_length=43, pattern=r"^[A-Za-z0-9_-]+$", description=PUBLIC_KEY_HELP
    )
    endorsement: str | None = Field(
        default=None,
        min_length=80,
        max_length=100,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="To replace a key you hold: its signature over the new one "
        "(app/signatures.py `endorsement_message`). Without it, only a first key registers.",
    )


class SigningKeyRead(ReadModel):
    id: int
    participant_id: int
    public_key: str
    origin: KeyOrigin = Field(
        description="first; rotated (endorsed by the previous key); replaced (through a new "
        "invitation, without the previous key: a lost device, or someone else holding the code)"
    )
    created_at: datetime
    replaced_at: datetime | None


class ParticipantCreated(ParticipantRead):
    invitation: InvitationCreated


class WhoAmI(ReadModel):
    is_admin: bool
    token_id: int | None
    participant: ParticipantRead | None
    signing_key: SigningKeyRead | None = Field(
        default=None, description="Your current signing key, as the server holds it"
    )


class SigningKeyPage(Page[SigningKeyRead]):
    pass


class GroupPage(Page[GroupRead]):
    pass


class ParticipantPage(Page[ParticipantRead]):
    pass


class TokenPage(Page[TokenRead]):
    pass


class InvitationPage(Page[InvitationRead]):
    pass
