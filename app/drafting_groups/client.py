"""The drafting-group calls of `PlenaryClient` (issue 20): drafting groups, parts' stages,
decisions inside a drafting group, the progress view and derived reports."""

from __future__ import annotations

from app.amendments.schemas import AmendmentRead
from app.client_base import ClientBase
from app.drafting_groups.schemas import (
    DraftingGroupPage,
    DraftingGroupRead,
    ProgressRead,
    StageRead,
)
from app.reports.schemas import LineageRead, ReportRead


class DraftingGroupCalls(ClientBase):
    def create_drafting_group(
        self, group_id: int, *, name: str, member_ids: list[int], co_lead_ids: list[int]
    ) -> DraftingGroupRead:
        body = {"name": name, "member_ids": member_ids, "co_lead_ids": co_lead_ids}
        return self._post(DraftingGroupRead, f"/v1/groups/{group_id}/drafting-groups", body)

    def drafting_groups(
        self, group_id: int, *, after: int = 0, limit: int = 100
    ) -> DraftingGroupPage:
        """One page (`next` names the following one)."""
        path = f"/v1/groups/{group_id}/drafting-groups"
        return self._get(DraftingGroupPage, path, after=after, limit=limit)

    def assign_section(self, drafting_group_id: int, section_id: int) -> StageRead:
        path = f"/v1/drafting-groups/{drafting_group_id}/assignments"
        return self._post(StageRead, path, {"section_id": section_id})

    def change_stage(self, section_id: int, to: str) -> StageRead:
        return self._post(StageRead, f"/v1/sections/{section_id}/stage", {"to": to})

    def decide_in_group(
        self, amendment_id: int, *, accept: bool, reason: str = ""
    ) -> AmendmentRead:
        """A co-lead's decision; sends If-Match from the client's last read of the amendment."""
        body = {"decision": "accept" if accept else "reject", "reason": reason}
        resource = f"/v1/amendments/{amendment_id}"
        response = self._guarded(resource, "POST", f"{resource}/group-decision", body)
        return AmendmentRead.model_validate(response.json())

    def progress(self, report_id: int) -> ProgressRead:
        return self._get(ProgressRead, f"/v1/reports/{report_id}/progress")

    def derive_report(
        self, report_id: int, *, title: str, section_ids: list[int], symbol: str = ""
    ) -> ReportRead:
        body = {"title": title, "symbol": symbol, "section_ids": section_ids}
        return self._post(ReportRead, f"/v1/reports/{report_id}/derive", body)

    def lineage(self, section_id: int) -> LineageRead:
        return self._get(LineageRead, f"/v1/sections/{section_id}/lineage")
