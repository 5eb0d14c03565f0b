"""Payloads of consent rounds (and editorial notices) and of roster changes (roles,
invitations, tokens, signing keys), listed in `EVENT_PAYLOADS` (`app/events/types.py`) with
every other type. No participant is named: members read the actor (`actor_id`) and, for a
signed answer, its signature and key from the attributed view."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from app.events.payload import Payload


class ConsentOpenedPayload(Payload):
    amendment_id: int
    voters: int
    deadline: datetime | None
    notice: bool = Field(
        default=False,
        description="An editorial notice (after adoption): the change applies at the deadline "
        "unless a voting member calls it substance, or at once when every voter accepts",
    )
    round: str | None = Field(
        default=None, description="The round's name in signed answers (when it opened)"
    )
    suggested_kind: str | None = Field(
        default=None,
        description="The server's own reading of the change; `substantive` on a notice means "
        "the proposer's `editorial` is disputed",
    )


class ConsentAnsweredPayload(Payload):
    amendment_id: int
    reason: str = Field(
        description="An objection's (or a stand-aside's) reason; empty for a consent"
    )
    changed_from: str | None = Field(
        default=None,
        description="The answer this one replaces (the voter changed its answer); null for a "
        "first answer, or after a withdrawn objection",
    )
    round: str | None = Field(default=None, description="The round answered (when it opened)")
    wording_sha256: str | None = Field(
        default=None, description="SHA-256 of the wording answered on, as signed"
    )
    signature_commitment: str | None = Field(
        default=None,
        description="SHA-256(event salt || signature): members check the signature (attributed "
        "view) against it; the public cannot link answers by it",
    )


class ConsentWithdrawnPayload(Payload):
    """An objector withdrew its objection; it is pending again."""

    amendment_id: int
    reason: str
    round: str | None = Field(default=None, description="The round answered (when it opened)")
    wording_sha256: str | None = Field(
        default=None, description="SHA-256 of the wording answered on, as signed"
    )
    signature_commitment: str | None = Field(
        default=None,
        description="SHA-256(event salt || signature): members check the signature (attributed "
        "view) against it; the public cannot link answers by it",
    )


class ConsentResumedPayload(Payload):
    """No objection stands any more: the blocked amendment is consent_open again, its
    answers kept, until the round's original deadline."""

    amendment_id: int


class ConsentClosedPayload(Payload):
    """A blocked round ended for good."""

    amendment_id: int
    outcome: str = Field(description="blocked")
    by: str = Field(description="chair, deadline or transmission")
    note: str


class ConsentReminderPayload(Payload):
    """A reminder to the voters who have not answered. The event is public: it counts them;
    members read who they are from the amendment's tally (`pending_participant_ids`)."""

    amendment_id: int
    pending: int = Field(description="How many voters have not answered")
    voters: int
    deadline: datetime | None
    scheduled: bool = Field(
        description="Sent by the sweep at `remind_before` the deadline (else on demand)"
    )


class RoleChangedPayload(Payload):
    """No participant is named: roster events are public."""

    from_: str = Field(alias="from")
    to: str


class ParticipantActivityPayload(Payload):
    role: str


class InvitationCreatedPayload(Payload):
    """The role the invitation brings in; who is invited is never named."""

    invitation_id: int
    role: str
    expires_at: str


class InvitationPayload(Payload):
    invitation_id: int


class TokenRevokedPayload(Payload):
    tokens: int = Field(description="How many of the participant's tokens were revoked")
    by: str = Field(description="self, chair, admin (or another role)")
    why: str = Field(description="revoked, or re-invited (a new invitation ends the old tokens)")


class KeyRegisteredPayload(Payload):
    """A participant's new signing key; the actor (members' view) is the participant."""

    key_id: int
    public_key: str = Field(description="Ed25519, raw, base64url")
    origin: str = Field(
        description="first; rotated (endorsed by the previous key); replaced (through a new "
        "invitation, without the previous key: a lost device, or someone else holding the code)"
    )


CONSENT_PAYLOADS: dict[str, type[Payload]] = {
    "consent.opened": ConsentOpenedPayload,
    "consent.consent": ConsentAnsweredPayload,
    "consent.stand_aside": ConsentAnsweredPayload,
    "consent.object": ConsentAnsweredPayload,
    "consent.withdrawn": ConsentWithdrawnPayload,
    "consent.resumed": ConsentResumedPayload,
    "consent.closed": ConsentClosedPayload,
    "consent.reminder": ConsentReminderPayload,
}

ROSTER_PAYLOADS: dict[str, type[Payload]] = {
    "participant.role_changed": RoleChangedPayload,
    "participant.deactivated": ParticipantActivityPayload,
    "participant.reactivated": ParticipantActivityPayload,
    "invitation.created": InvitationCreatedPayload,
    "invitation.redeemed": InvitationPayload,
    "invitation.revoked": InvitationPayload,
    "token.revoked": TokenRevokedPayload,
    "key.registered": KeyRegisteredPayload,
}
