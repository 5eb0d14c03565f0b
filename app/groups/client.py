"""The group, participant, invitation, token and webhook calls of `PlenaryClient`."""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app import keystore
from app.client_base import ClientBase, ProblemError
from app.groups.schemas import (
    GroupRead,
    InvitationCreated,
    InvitationRead,
    ParticipantCreated,
    ParticipantRead,
    SigningKeyRead,
    TokenCreated,
    TokenRead,
    WhoAmI,
)
from app.signatures import endorsement_message, new_private_key, public_key_text, sign
from app.webhooks.schemas import DeliveryRead, WebhookCreated


def _local_problem(slug: str, detail: str) -> ProblemError:
    """A problem found on this side, in the shape of the server's (status 0: no answer)."""
    return ProblemError({"type": f"urn:plenary:client:{slug}", "title": slug, "detail": detail})


class GroupCalls(ClientBase):
    _held_key: Ed25519PrivateKey | None = None  # this client's signing key, once found

    def me(self) -> WhoAmI:
        return self._get(WhoAmI, "/v1/me")

    def register_signing_key(
        self, public_key: str, endorsement: str | None = None
    ) -> SigningKeyRead:
        body = {"public_key": public_key, "endorsement": endorsement}
        data = self.request("PUT", "/v1/me/signing-key", json=body).json()
        return SigningKeyRead.model_validate(data)

    def signing_keys(self, group_id: int) -> list[SigningKeyRead]:
        return self._list(SigningKeyRead, f"/v1/groups/{group_id}/signing-keys")

    def signing_key(self) -> Ed25519PrivateKey:
        """The private key this device holds for the caller (app/keystore.py): the one whose
        public half the server holds. A participant with none registered yet gets one now
        (made here, its public half registered, on the record). Raises ProblemError
        `signing-key-not-here` when the server holds a key this device does not."""
        if self._held_key is not None:
            return self._held_key
        me = self.me()
        if me.participant is None:
            raise _local_problem("no-participant", "The site admin holds no signing key.")
        if me.signing_key is None:
            key = keystore.create()
            self.register_signing_key(public_key_text(key))
        else:
            found = keystore.find(me.signing_key.public_key)
            if found is None:
                raise _local_problem(
                    "signing-key-not-here",
                    f"This device holds no private key for your signing key "
                    f"{me.signing_key.public_key} (looked in {keystore.key_dir()}; set "
                    "PLENARY_KEY_DIR to where it is). Copy the key file here, or ask the chair "
                    "for a new invitation: the replacement will be on the record.",
                )
            key = found
        self._held_key = key
        return key

    def rotate_signing_key(self) -> SigningKeyRead:
        """A new key on this device, endorsed by the current one (`origin: rotated`)."""
        old = self.signing_key()
        me = self.me()
        if me.participant is None:  # signing_key() refused it already
            raise _local_problem("no-participant", "The site admin holds no signing key.")
        new = keystore.create()
        public = public_key_text(new)
        message = endorsement_message(participant_id=me.participant.id, new_public_key=public)
        read = self.register_signing_key(public, sign(old, message))
        self._held_key = new
        return read

    def create_group(self, name: str, description: str = "") -> GroupRead:
        return self._post(GroupRead, "/v1/groups", {"name": name, "description": description})

    def list_groups(self) -> list[GroupRead]:
        return self._list(GroupRead, "/v1/groups")

    def add_participant(
        self,
        group_id: int,
        *,
        name: str,
        role: str,
        stakeholder: str = "other",
        region: str = "",
    ) -> ParticipantCreated:
        body = {"name": name, "role": role, "stakeholder": stakeholder, "region": region}
        return self._post(ParticipantCreated, f"/v1/groups/{group_id}/participants", body)

    def get_group(self, group_id: int) -> GroupRead:
        return self._get(GroupRead, f"/v1/groups/{group_id}")

    def list_participants(self, group_id: int) -> list[ParticipantRead]:
        return self._list(ParticipantRead, f"/v1/groups/{group_id}/participants")

    def update_participant(self, participant_id: int, **fields: Any) -> ParticipantRead:
        data = self.request("PATCH", f"/v1/participants/{participant_id}", json=fields).json()
        return ParticipantRead.model_validate(data)

    def create_token(self, participant_id: int, label: str = "") -> TokenCreated:
        """Another token for yourself (`participant_id` must be your own: 403 otherwise)."""
        return self._post(
            TokenCreated, f"/v1/participants/{participant_id}/tokens", {"label": label}
        )

    def my_tokens(self) -> list[TokenRead]:
        return self._list(TokenRead, "/v1/me/tokens")

    def invite(
        self, participant_id: int, expires_in_days: float | None = None
    ) -> InvitationCreated:
        """A single-use code the participant redeems for its own token (chair, secretariat
        or site admin)."""
        body = {} if expires_in_days is None else {"expires_in_days": expires_in_days}
        return self._post(InvitationCreated, f"/v1/participants/{participant_id}/invitations", body)

    def list_invitations(self, group_id: int) -> list[InvitationRead]:
        return self._list(InvitationRead, f"/v1/groups/{group_id}/invitations")

    def revoke_invitation(self, invitation_id: int) -> InvitationRead:
        data = self.request("DELETE", f"/v1/invitations/{invitation_id}").json()
        return InvitationRead.model_validate(data)

    def redeem(self, code: str, label: str = "", *, make_key: bool = True) -> TokenCreated:
        """Exchange an invitation code for your own token (works without a token); use
        `created.token` in a new client. A signing key is made on this device first and
        kept in the key directory (app/keystore.py); its public half goes with the code."""
        key = new_private_key() if make_key else None
        body = {"code": code, "label": label}
        if key is not None:
            body["public_key"] = public_key_text(key)
        created = self._post(TokenCreated, "/v1/invitations/redeem", body)
        if key is not None:
            keystore.save(key)
        return created

    def revoke_token(self, token_id: int) -> TokenRead:
        return TokenRead.model_validate(self.request("DELETE", f"/v1/tokens/{token_id}").json())

    def register_webhook(
        self,
        group_id: int,
        url: str,
        *,
        event_types: list[str] | None = None,
        secret: str | None = None,
    ) -> WebhookCreated:
        body: dict[str, Any] = {"url": url, "event_types": event_types or []}
        if secret is not None:
            body["secret"] = secret
        return self._post(WebhookCreated, f"/v1/groups/{group_id}/webhooks", body)

    def webhook_deliveries(self, webhook_id: int) -> list[DeliveryRead]:
        return self._list(DeliveryRead, f"/v1/webhooks/{webhook_id}/deliveries")
