"""The deliberation calls of `PlenaryClient` (mixed in there; kept here with their domain):
threads, reservations and open points."""

from __future__ import annotations

from typing import Any

from app.client_base import ClientBase
from app.deliberation.schemas import (
    MessageRead,
    OpenPointList,
    OpenPointRead,
    ReservationList,
    ReservationRead,
    ThreadPage,
    ThreadRead,
)


class DeliberationCalls(ClientBase):
    def open_thread(
        self,
        report_id: int,
        body: str,
        *,
        amendment_id: int | None = None,
        objection_id: int | None = None,
        section_id: int | None = None,
        paragraph: int | None = None,
        question_id: int | None = None,
        title: str = "",
    ) -> ThreadRead:
        """On exactly one of an amendment, an objection or a section (with `paragraph`:
        that paragraph)."""
        subject = {
            "amendment_id": amendment_id,
            "objection_id": objection_id,
            "section_id": section_id,
            "paragraph": paragraph,
            "question_id": question_id,
        }
        payload = {"body": body, "title": title, **{k: v for k, v in subject.items() if v}}
        response = self.request("POST", f"/v1/reports/{report_id}/threads", json=payload)
        return ThreadRead.model_validate(response.json())

    def threads(
        self,
        report_id: int,
        *,
        amendment_id: int | None = None,
        section_id: int | None = None,
        question_id: int | None = None,
        after: int = 0,
        limit: int = 100,
    ) -> ThreadPage:
        params: dict[str, Any] = {"after": after, "limit": limit}
        if amendment_id is not None:
            params["amendment_id"] = amendment_id
        if section_id is not None:
            params["section_id"] = section_id
        if question_id is not None:
            params["question_id"] = question_id
        response = self.request("GET", f"/v1/reports/{report_id}/threads", params=params)
        return ThreadPage.model_validate(response.json())

    def get_thread(self, thread_id: int) -> ThreadRead:
        return ThreadRead.model_validate(self.request("GET", f"/v1/threads/{thread_id}").json())

    def post_message(
        self, thread_id: int, body: str, *, reply_to: int | None = None
    ) -> MessageRead:
        payload = {"body": body, "reply_to": reply_to}
        response = self.request("POST", f"/v1/threads/{thread_id}/messages", json=payload)
        return MessageRead.model_validate(response.json())

    def thread_action(self, thread_id: int, action: str) -> ThreadRead:
        """`resolve`, `reopen`, `publish` or `unpublish`."""
        response = self.request("POST", f"/v1/threads/{thread_id}/{action}")
        return ThreadRead.model_validate(response.json())

    def record_reservation(
        self, section_id: int, *, paragraph: int, text: str, attributed: bool = False
    ) -> ReservationRead:
        payload = {"paragraph": paragraph, "text": text, "attributed": attributed}
        response = self.request("POST", f"/v1/sections/{section_id}/reservations", json=payload)
        return ReservationRead.model_validate(response.json())

    def reservations(self, report_id: int) -> ReservationList:
        response = self.request("GET", f"/v1/reports/{report_id}/reservations")
        return ReservationList.model_validate(response.json())

    def adopt_as_brackets(self, section_id: int, amendment_ids: list[int]) -> OpenPointRead:
        """The chair's decision on the section as it stands now (reads its ETag first)."""
        section = self.request("GET", f"/v1/sections/{section_id}")
        response = self.request(
            "POST",
            f"/v1/sections/{section_id}/brackets",
            json={"amendment_ids": amendment_ids},
            headers={"If-Match": section.headers["etag"]},
        )
        return OpenPointRead.model_validate(response.json())

    def open_points(self, report_id: int, *, status: str | None = None) -> OpenPointList:
        params = {"status": status} if status else {}
        response = self.request("GET", f"/v1/reports/{report_id}/open-points", params=params)
        return OpenPointList.model_validate(response.json())

    def keep_open_point(self, open_point_id: int, *, note: str = "") -> OpenPointRead:
        response = self.request(
            "POST", f"/v1/open-points/{open_point_id}/keep", json={"note": note}
        )
        return OpenPointRead.model_validate(response.json())
