"""The report, section, version, export and milestone calls of `PlenaryClient`."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from app.client_base import DOCX_MEDIA, ClientBase
from app.reports.schemas import (
    MilestoneRead,
    ReportComparison,
    ReportRead,
    ReportSummary,
    SectionDiff,
    SectionRead,
    VersionPage,
    VersionRead,
)


class ReportCalls(ClientBase):
    def import_report(
        self,
        group_id: int,
        markdown: str,
        *,
        title: str | None = None,
        symbol: str | None = None,
        idempotency_key: str | None = None,
    ) -> ReportRead:
        body: dict[str, Any] = {"markdown": markdown}
        if title is not None:
            body["title"] = title
        if symbol is not None:
            body["symbol"] = symbol
        return self._post(
            ReportRead,
            f"/v1/groups/{group_id}/reports/import",
            body,
            idempotency_key=idempotency_key,
        )

    def list_reports(self, group_id: int) -> list[ReportSummary]:
        return self._list(ReportSummary, f"/v1/groups/{group_id}/reports")

    def get_report(self, report_id: int) -> ReportRead:
        return self._get(ReportRead, f"/v1/reports/{report_id}")

    def get_section(self, section_id: int) -> SectionRead:
        return self._get(SectionRead, f"/v1/sections/{section_id}")

    def get_version(self, section_id: int, number: int) -> VersionRead:
        return self._get(VersionRead, f"/v1/sections/{section_id}/versions/{number}")

    def list_versions(self, section_id: int, *, after: int = 0, limit: int = 100) -> VersionPage:
        return self._get(
            VersionPage, f"/v1/sections/{section_id}/versions", after=after, limit=limit
        )

    def write_version(self, section_id: int, *, base_version: int, text: str) -> VersionRead:
        return self._post(
            VersionRead,
            f"/v1/sections/{section_id}/versions",
            {"base_version": base_version, "text": text},
        )

    def diff(
        self,
        section_id: int,
        *,
        from_version: int,
        to_version: int | None = None,
        granularity: Literal["char", "word"] = "word",
    ) -> SectionDiff:
        return self._get(
            SectionDiff,
            f"/v1/sections/{section_id}/diff",
            **{"from": from_version, "to": to_version, "granularity": granularity},
        )

    def export(
        self,
        report_id: int,
        *,
        format: str = "markdown",
        milestone: int | None = None,
        at: datetime | None = None,
        lineage: bool = False,
    ) -> str:
        """`lineage`: a note under each derived part saying where its text came from."""
        params: dict[str, Any] = {
            "format": format,
            "milestone": milestone,
            "at": at.isoformat() if at else None,
        }
        if lineage:
            params["lineage"] = "true"
        return self.request("GET", f"/v1/reports/{report_id}/export", params=params).text

    def export_file(
        self,
        report_id: int,
        *,
        format: str,
        milestone: int | None = None,
        at: datetime | None = None,
        line_numbers: bool = False,
    ) -> bytes:
        """The report as a file: `akn` (Akoma Ntoso XML), `docx` or `pdf` (any format works;
        the bytes are as served)."""
        params = {
            "format": format,
            "milestone": milestone,
            "at": at.isoformat() if at else None,
            "line_numbers": "true" if line_numbers else None,
        }
        return self.request("GET", f"/v1/reports/{report_id}/export", params=params).content

    def export_amendments(
        self, report_id: int, *, format: str = "akn", status: str | None = None
    ) -> bytes:
        """The amendment list as Akoma Ntoso (`akn`) or a Word table (`docx`)."""
        return self.request(
            "GET",
            f"/v1/reports/{report_id}/amendments/export",
            params={"format": format, "status": status},
        ).content

    def import_docx(
        self,
        group_id: int,
        data: bytes,
        *,
        title: str | None = None,
        symbol: str | None = None,
        idempotency_key: str | None = None,
    ) -> ReportRead:
        """Import a Word file as a report: its headings become the outline."""
        response = self.request(
            "POST",
            f"/v1/groups/{group_id}/reports/import/docx",
            params={"title": title, "symbol": symbol},
            headers={"Content-Type": DOCX_MEDIA},
            content=data,
            idempotency_key=idempotency_key,
        )
        return ReportRead.model_validate(response.json())

    def list_milestones(self, report_id: int) -> list[MilestoneRead]:
        return self._list(MilestoneRead, f"/v1/reports/{report_id}/milestones")

    def compare(
        self, report_id: int, *, from_milestone: int, to_milestone: int | None = None
    ) -> ReportComparison:
        return self._get(
            ReportComparison,
            f"/v1/reports/{report_id}/compare",
            from_milestone=from_milestone,
            to_milestone=to_milestone,
        )

    def get_milestone(self, milestone_id: int) -> MilestoneRead:
        return self._get(MilestoneRead, f"/v1/milestones/{milestone_id}")

    def create_milestone(self, report_id: int, name: str) -> MilestoneRead:
        return self._post(MilestoneRead, f"/v1/reports/{report_id}/milestones", {"name": name})

    def _report_action(self, report_id: int, action: str, body: Any = None) -> ReportRead:
        resource = f"/v1/reports/{report_id}"
        self.request("GET", resource)  # the report's ETag moves with every event: read it fresh
        response = self._guarded(resource, "POST", f"{resource}/{action}", body or {})
        return ReportRead.model_validate(response.json())

    def adopt_report(self, report_id: int, window_days: float | None = None) -> ReportRead:
        body = {} if window_days is None else {"editorial_window_days": window_days}
        return self._report_action(report_id, "adopt", body)

    def transmit_report(self, report_id: int) -> ReportRead:
        return self._report_action(report_id, "transmit")

    def set_public(self, report_id: int, public: bool = True) -> ReportRead:
        return self._report_action(report_id, "visibility", {"public": public})

    def update_report(self, report_id: int, **fields: Any) -> ReportRead:
        resource = f"/v1/reports/{report_id}"
        response = self._guarded(resource, "PATCH", resource, fields)
        return ReportRead.model_validate(response.json())

    def add_section(
        self,
        report_id: int,
        *,
        kind: str,
        label: str = "",
        heading: str = "",
        text: str = "",
        parent_id: int | None = None,
        position: int | None = None,
    ) -> SectionRead:
        body: dict[str, Any] = {"kind": kind, "label": label, "heading": heading, "text": text}
        if parent_id is not None:
            body["parent_id"] = parent_id
        if position is not None:
            body["position"] = position
        return self._post(SectionRead, f"/v1/reports/{report_id}/sections", body)

    def update_section(self, section_id: int, **fields: Any) -> SectionRead:
        resource = f"/v1/sections/{section_id}"
        response = self._guarded(resource, "PATCH", resource, fields)
        return SectionRead.model_validate(response.json())

    def move_section(self, section_id: int, *, parent_id: int | None, position: int) -> SectionRead:
        resource = f"/v1/sections/{section_id}"
        body = {"parent_id": parent_id, "position": position}
        response = self._guarded(resource, "POST", f"{resource}/move", body)
        return SectionRead.model_validate(response.json())

    def remove_section(self, section_id: int) -> SectionRead:
        resource = f"/v1/sections/{section_id}"
        response = self._guarded(resource, "DELETE", resource)
        return SectionRead.model_validate(response.json())
