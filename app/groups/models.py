from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.db import Base, enum_column


class Role(enum.StrEnum):
    chair = "chair"
    member = "member"
    secretariat = "secretariat"
    observer = "observer"


class Stakeholder(enum.StrEnum):
    government = "government"
    private_sector = "private_sector"
    civil_society = "civil_society"
    intergovernmental = "intergovernmental"
    technical_academic = "technical_academic"
    other = "other"


VOTING_ROLES = frozenset({Role.chair, Role.member})
DRAFTING_ROLES = frozenset({Role.chair, Role.secretariat})
PROPOSING_ROLES = frozenset({Role.chair, Role.secretariat, Role.member})


class Group(Base):
    __tablename__ = "working_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Participant(Base):
    __tablename__ = "participant"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_group.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(enum_column(Role))
    stakeholder: Mapped[Stakeholder] = mapped_column(enum_column(Stakeholder, 30))
    region: Mapped[str] = mapped_column(String(100), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def is_voting(self) -> bool:
        return self.active and self.role in VOTING_ROLES


class Token(Base):
    """A bearer credential. Only the SHA-256 of the secret is kept."""

    __tablename__ = "token"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id"), index=True, default=None
    )
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    # The invitation this token was redeemed from, if any: a consent names its token, the
    # token its invitation, the invitation its inviter (the trail if a code was misused).
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitation.id"), default=None)


class KeyOrigin(enum.StrEnum):
    first = "first"  # the participant's first key
    rotated = "rotated"  # handed over by the previous key (it signed the new one)
    replaced = "replaced"  # without the previous key: a new invitation (a lost device, or not)


class SigningKey(Base):
    """A participant's public signing key (Ed25519, raw, base64url). The private half never
    reaches the server (app/signatures.py). Only one is current: `replaced_at` unset."""

    __tablename__ = "signing_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    public_key: Mapped[str] = mapped_column(String(64))
    origin: Mapped[KeyOrigin] = mapped_column(enum_column(KeyOrigin, 20))
    # For a rotation: the previous key's signature over the new one.
    endorsement: Mapped[str | None] = mapped_column(String(100), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    replaced_at: Mapped[datetime | None] = mapped_column(default=None)


class Invitation(Base):
    """A single-use, expiring code by which a participant takes its own first token.

    The inviter sees the code once, never the token; only the SHA-256 of the code is kept."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    # None: the site admin invited.
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    redeemed_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)


class AccessRevision(Base):
    """One row: a counter that database triggers (migrations a4c1e7d2f905 and b7e3f1a9c2d4)
    move on every insert, update or delete of a row a reader's access rests on: tokens,
    participants, groups, drafting groups and their members, stages, the set of a report's
    sections, and a report's group and visibility. Every kept read reads it with its token
    and report row (app/kept_reads.py), and the front of the kept answers (app/kept_front.py)
    serves a request's route only while it is the revision the route was named under,
    whatever wrote the rows (ORM, Core, raw SQL)."""

    __tablename__ = "access_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(default=0)
