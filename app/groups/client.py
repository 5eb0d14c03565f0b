"""The group, participant, invitation, token and webhook calls of `PlenaryClient`."""

from __future__ import annotations

from typing import Any

from app.client_base import ClientBase
from app.groups.schemas import (
    GroupRead,
    InvitationCreated,
    InvitationRead,
    ParticipantCreated,
    ParticipantRead,
    TokenCreated,
    TokenRead,
    WhoAmI,
)
from app.webhooks.schemas import DeliveryRead, WebhookCreated


class GroupCalls(ClientBase):
    def me(self) -> WhoAmI:
        return self._get(WhoAmI, "/v1/me")

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

    def redeem(self, code: str, label: str = "") -> TokenCreated:
        """Exchange an invitation code for your own token (works without a token); use
        `created.token` in a new client."""
        return self._post(TokenCreated, "/v1/invitations/redeem", {"code": code, "label": label})

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
