"""The meeting, floor and certificate calls of `PlenaryClient`."""

from __future__ import annotations

from typing import Any

from app.amendments.schemas import (
    MeetingRead,
)
from app.client_base import ClientBase
from app.meetings.schemas import FloorState


class MeetingCalls(ClientBase):
    def open_meeting(self, report_id: int) -> MeetingRead:
        return self._post(MeetingRead, f"/v1/reports/{report_id}/meetings")

    def list_meetings(self, report_id: int) -> list[MeetingRead]:
        return self._list(MeetingRead, f"/v1/reports/{report_id}/meetings")

    def close_meeting(self, meeting_id: int) -> MeetingRead:
        return self._post(MeetingRead, f"/v1/meetings/{meeting_id}/close")

    def floor(self, report_id: int) -> FloorState:
        return self._get(FloorState, f"/v1/reports/{report_id}/floor")

    def certificate(self, report_id: int) -> dict[str, Any]:
        data = self.request("GET", f"/v1/reports/{report_id}/certificate").json()
        return dict(data["certificate"])

    def certificate_exports(self, report_id: int) -> dict[str, Any] | None:
        """Each export format's sealed hash, or None while the seal is pending."""
        data = self.request("GET", f"/v1/reports/{report_id}/certificate").json()
        exports = data.get("exports")
        return dict(exports) if exports is not None else None

    def seal_certificate(self, report_id: int) -> dict[str, Any]:
        """Ask for a missing seal (chair or secretariat); sealed after the answer."""
        return dict(self.request("POST", f"/v1/reports/{report_id}/certificate/seal").json())
