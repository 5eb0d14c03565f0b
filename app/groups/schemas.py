from __future__ import annotations

from datetime import datetime

from pydantic import Field

from app.groups.models import Role, Stakeholder
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
    token_label: str = Field(default="", max_length=200)


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


class TokenCreated(TokenRead):
    token: str = Field(description="The secret. Shown once; only its hash is kept.")


class ParticipantCreated(ParticipantRead):
    token: TokenCreated


class WhoAmI(ReadModel):
    is_admin: bool
    token_id: int | None
    participant: ParticipantRead | None
