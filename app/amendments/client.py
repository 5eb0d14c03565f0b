"""The amendment calls of `PlenaryClient`: propose, read, decide, answer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.amendments.schemas import (
    Alternative,
    AmendmentRead,
    DraftRevisionSummary,
    Preview,
)
from app.client_base import ClientBase


class AmendmentCalls(ClientBase):
    def propose(
        self,
        section_id: int,
        *,
        base_version: int,
        kind: str,
        text: str | None = None,
        patch: str | None = None,
        rationale: str = "",
        alternative_to: int | None = None,
        consent_deadline: datetime | None = None,
        remind_before: float | None = None,
        idempotency_key: str | None = None,
    ) -> AmendmentRead:
        """`remind_before`: seconds before `consent_deadline` to remind the pending voters."""
        body: dict[str, Any] = {"base_version": base_version, "kind": kind, "rationale": rationale}
        if text is not None:
            body["text"] = text
        if patch is not None:
            body["patch"] = patch
        if alternative_to is not None:
            body["alternative_to"] = alternative_to
        if consent_deadline is not None:
            body["consent_deadline"] = consent_deadline.isoformat()
        if remind_before is not None:
            body["remind_before"] = remind_before
        return self._post(
            AmendmentRead,
            f"/v1/sections/{section_id}/amendments",
            body,
            idempotency_key=idempotency_key,
        )

    def propose_structure(
        self,
        report_id: int,
        operation: str,
        *,
        kind: str,
        rationale: str = "",
        consent_deadline: datetime | None = None,
        idempotency_key: str | None = None,
        **operands: Any,
    ) -> AmendmentRead:
        """A structural amendment (`operation`: insert, delete, move, split, merge, rename,
        span or move_paragraphs) with its operands as the API names them (`section_id`,
        `after_id`, `texts` ...: see `app/amendments/structure_schemas.py`)."""
        body: dict[str, Any] = {"operation": operation, "kind": kind, "rationale": rationale}
        body.update({name: value for name, value in operands.items() if value is not None})
        if consent_deadline is not None:
            body["consent_deadline"] = consent_deadline.isoformat()
        return self._post(
            AmendmentRead,
            f"/v1/reports/{report_id}/structural-amendments",
            body,
            idempotency_key=idempotency_key,
        )

    def list_amendments(
        self,
        report_id: int,
        *,
        status: str | None = None,
        section_id: int | None = None,
        kind: str | None = None,
    ) -> list[AmendmentRead]:
        return self._list(
            AmendmentRead,
            f"/v1/reports/{report_id}/amendments",
            status=status,
            section_id=section_id,
            kind=kind,
        )

    def get_amendment(self, amendment_id: int) -> AmendmentRead:
        return self._get(AmendmentRead, f"/v1/amendments/{amendment_id}")

    def preview(self, amendment_id: int) -> Preview:
        return self._get(Preview, f"/v1/amendments/{amendment_id}/preview")

    def _act(self, amendment_id: int, action: str, body: Any = None) -> AmendmentRead:
        resource = f"/v1/amendments/{amendment_id}"
        if action in ("consent", "object"):  # a member's own answer needs no precondition
            return self._post(AmendmentRead, f"{resource}/{action}", body)
        response = self._guarded(resource, "POST", f"{resource}/{action}", body or {})
        return AmendmentRead.model_validate(response.json())

    def revise(
        self, amendment_id: int, *, text: str | None = None, patch: str | None = None
    ) -> AmendmentRead:
        body = {"text": text} if text is not None else {"patch": patch}
        return self._act(amendment_id, "revise", body)

    def revise_draft(
        self, amendment_id: int, *, text: str | None = None, patch: str | None = None
    ) -> AmendmentRead:
        """Live drafting: send a revision of the wording on the floor, naming the revision
        last read (If-Match). On 412 the client has already re-read the ETag: look, then retry."""
        resource = f"/v1/amendments/{amendment_id}"
        body = {"text": text} if text is not None else {"patch": patch}
        response = self._guarded(resource, "POST", f"{resource}/revisions", body)
        return AmendmentRead.model_validate(response.json())

    def draft_revisions(self, amendment_id: int) -> list[DraftRevisionSummary]:
        return self._list(DraftRevisionSummary, f"/v1/amendments/{amendment_id}/revisions")

    def cancel_round(self, amendment_id: int, reason: str = "") -> AmendmentRead:
        return self._act(amendment_id, "cancel-round", {"reason": reason})

    def put_on_floor(self, amendment_id: int) -> AmendmentRead:
        return self._act(amendment_id, "floor")

    def adopt(self, amendment_id: int) -> AmendmentRead:
        return self._act(amendment_id, "adopt")

    def reject(self, amendment_id: int, reason: str = "") -> AmendmentRead:
        return self._act(amendment_id, "reject", {"reason": reason})

    def queue_for_floor(self, amendment_id: int) -> AmendmentRead:
        return self._post(AmendmentRead, f"/v1/amendments/{amendment_id}/queue")

    def take_off_floor(self, amendment_id: int, reason: str = "") -> AmendmentRead:
        return self._act(amendment_id, "take-off", {"reason": reason})

    def defer(self, amendment_id: int, reason: str = "") -> AmendmentRead:
        return self._act(amendment_id, "defer", {"reason": reason})

    def withdraw(self, amendment_id: int, reason: str = "") -> AmendmentRead:
        return self._act(amendment_id, "withdraw", {"reason": reason})

    def escalate(self, amendment_id: int, reason: str = "") -> AmendmentRead:
        return self._act(amendment_id, "escalate", {"reason": reason})

    def alternatives(self, amendment_id: int) -> list[Alternative]:
        return self._list(Alternative, f"/v1/amendments/{amendment_id}/alternatives")
