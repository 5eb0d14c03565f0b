"""The meeting, session, floor and certificate calls of `PlenaryClient`."""

from __future__ import annotations

from datetime import date
from typing import Any

from app.amendments.schemas import (
    MeetingRead,
)
from app.client_base import ClientBase
from app.meetings.schemas import FloorState
from app.meetings.session_schemas import (
    AgendaItemRead,
    AgendaList,
    AttendanceList,
    AttendanceRead,
    CaptionerList,
    CaptionerRead,
    CaptionList,
    CaptionRead,
    SessionList,
    SessionRead,
    SpeakerList,
    SpeakerRead,
)


class MeetingCalls(ClientBase):
    def open_meeting(
        self,
        report_id: int,
        *,
        title: str = "",
        venue: str = "",
        starts_on: date | None = None,
        ends_on: date | None = None,
        first_session: str | None = "plenary",
    ) -> MeetingRead:
        """Open a meeting; by default a plenary session starts with it."""
        body = {
            "title": title,
            "venue": venue,
            "starts_on": starts_on.isoformat() if starts_on else None,
            "ends_on": ends_on.isoformat() if ends_on else None,
            "first_session": first_session,
        }
        return self._post(MeetingRead, f"/v1/reports/{report_id}/meetings", body)

    def list_meetings(self, report_id: int) -> list[MeetingRead]:
        return self._list(MeetingRead, f"/v1/reports/{report_id}/meetings")

    def close_meeting(self, meeting_id: int) -> MeetingRead:
        return self._post(MeetingRead, f"/v1/meetings/{meeting_id}/close")

    def floor(self, report_id: int) -> FloorState:
        return self._get(FloorState, f"/v1/reports/{report_id}/floor")

    def next_on_floor(self, meeting_id: int) -> FloorState:
        return self._post(FloorState, f"/v1/meetings/{meeting_id}/floor/next")

    # --- sessions (issue 30) -------------------------------------------------------------

    def schedule_session(
        self,
        meeting_id: int,
        kind: str,
        *,
        title: str = "",
        start: bool = False,
        public_speakers: str | None = None,
        speaking_seconds: int | None = None,
    ) -> SessionRead:
        body = {
            "kind": kind,
            "title": title,
            "start": start,
            "public_speakers": public_speakers,
            "speaking_seconds": speaking_seconds,
        }
        return self._post(SessionRead, f"/v1/meetings/{meeting_id}/sessions", body)

    def list_sessions(self, meeting_id: int) -> list[SessionRead]:
        return self._get(SessionList, f"/v1/meetings/{meeting_id}/sessions").items

    def get_session(self, session_id: int) -> SessionRead:
        return self._get(SessionRead, f"/v1/sessions/{session_id}")

    def start_session(self, session_id: int) -> SessionRead:
        return self._post(SessionRead, f"/v1/sessions/{session_id}/start")

    def end_session(self, session_id: int) -> SessionRead:
        return self._post(SessionRead, f"/v1/sessions/{session_id}/end")

    def add_agenda_item(
        self,
        session_id: int,
        kind: str,
        title: str,
        *,
        target_id: int | None = None,
        note: str = "",
    ) -> AgendaItemRead:
        body = {"kind": kind, "title": title, "target_id": target_id, "note": note}
        return self._post(AgendaItemRead, f"/v1/sessions/{session_id}/agenda", body)

    def agenda(self, session_id: int) -> list[AgendaItemRead]:
        return self._get(AgendaList, f"/v1/sessions/{session_id}/agenda").items

    def move_agenda_item(
        self, session_id: int, item_id: int, position: int
    ) -> list[AgendaItemRead]:
        """The chair or the secretariat moves an item to a position (1 is the first)."""
        body = {"position": position}
        path = f"/v1/sessions/{session_id}/agenda/{item_id}/move"
        return self._post(AgendaList, path, body).items

    def take_up_item(self, session_id: int, item_id: int | None = None) -> SessionRead:
        """The chair takes up an agenda item, or the next one."""
        body = {"item_id": item_id}
        return self._post(SessionRead, f"/v1/sessions/{session_id}/agenda/current", body)

    def project(
        self,
        session_id: int,
        view: str,
        *,
        paragraph: int | None = None,
        amendment_id: int | None = None,
    ) -> SessionRead:
        body = {"view": view, "paragraph": paragraph, "amendment_id": amendment_id}
        return self._post(SessionRead, f"/v1/sessions/{session_id}/projection", body)

    def ask_for_floor(self, session_id: int, *, point_of_order: bool = False) -> SpeakerRead:
        body = {"point_of_order": point_of_order}
        return self._post(SpeakerRead, f"/v1/sessions/{session_id}/speakers", body)

    def speakers(self, session_id: int) -> list[SpeakerRead]:
        return self._get(SpeakerList, f"/v1/sessions/{session_id}/speakers").items

    def give_floor(self, session_id: int, request_id: int | None = None) -> SpeakerRead:
        body = {"request_id": request_id}
        return self._post(SpeakerRead, f"/v1/sessions/{session_id}/speakers/give", body)

    def end_speech(self, session_id: int) -> list[SpeakerRead]:
        return self._post(SpeakerList, f"/v1/sessions/{session_id}/speakers/end").items

    def withdraw_request(self, request_id: int) -> SpeakerRead:
        return self._post(SpeakerRead, f"/v1/speakers/{request_id}/withdraw")

    def skip_speaker(self, request_id: int) -> SpeakerRead:
        return self._post(SpeakerRead, f"/v1/speakers/{request_id}/skip")

    def check_in(self, session_id: int, participant_id: int | None = None) -> AttendanceRead:
        body = {"participant_id": participant_id}
        return self._post(AttendanceRead, f"/v1/sessions/{session_id}/attendance", body)

    def leave_room(self, session_id: int, participant_id: int | None = None) -> AttendanceRead:
        body = {"participant_id": participant_id}
        return self._post(AttendanceRead, f"/v1/sessions/{session_id}/attendance/leave", body)

    def attendance(self, session_id: int) -> list[AttendanceRead]:
        return self._get(AttendanceList, f"/v1/sessions/{session_id}/attendance").items

    def name_captioner(self, meeting_id: int, participant_id: int, on: bool = True) -> MeetingRead:
        body = {"participant_id": participant_id, "captioner": on}
        return self._post(MeetingRead, f"/v1/meetings/{meeting_id}/captioners", body)

    def captioners(self, meeting_id: int) -> list[CaptionerRead]:
        return self._get(CaptionerList, f"/v1/meetings/{meeting_id}/captioners").items

    def caption(self, session_id: int, text: str) -> CaptionRead:
        return self._post(CaptionRead, f"/v1/sessions/{session_id}/captions", {"text": text})

    def captions(self, session_id: int, after: int = 0) -> list[CaptionRead]:
        return self._get(CaptionList, f"/v1/sessions/{session_id}/captions", after=after).items

    def write_summary(self, session_id: int, text: str) -> SessionRead:
        response = self.request("PUT", f"/v1/sessions/{session_id}/summary", json={"text": text})
        return SessionRead.model_validate(response.json())

    def publish_summary(self, session_id: int) -> SessionRead:
        return self._post(SessionRead, f"/v1/sessions/{session_id}/summary/publish")

    def session_summary(self, session_id: int) -> str:
        """The summary as a document of the meeting (Markdown)."""
        return self.request("GET", f"/v1/sessions/{session_id}/summary").text

    # --- the certificate -----------------------------------------------------------------

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
