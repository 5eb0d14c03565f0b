"""The consultation calls of `PlenaryClient` (mixed in there; kept here with their domain)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any, Literal

from pydantic import TypeAdapter

from app.amendments.schemas import AmendmentRead
from app.client_base import PAGE_SIZE, ClientBase
from app.consultations.schemas import (
    CommentPage,
    CommentPublic,
    CommentRead,
    Compilation,
    ConsultationPage,
    ConsultationRead,
    InviteRead,
    ParagraphView,
    PostedText,
)

CommentView = CommentRead | CommentPublic
_COMMENT: TypeAdapter[CommentView] = TypeAdapter(CommentView)


def _anchor(
    section_id: int | None,
    paragraph: int | None,
    quote: str | None,
    start: int | None,
    end: int | None,
) -> dict[str, Any]:
    fields = {
        "section_id": section_id,
        "paragraph": paragraph,
        "quote": quote,
        "start": start,
        "end": end,
    }
    return {k: v for k, v in fields.items() if v is not None}


class ConsultationCalls(ClientBase):
    def open_consultation(
        self,
        report_id: int,
        *,
        title: str,
        closes_at: datetime,
        audiences: list[str],
        opens_at: datetime | None = None,
        milestone_id: int | None = None,
        section_ids: list[int] | None = None,
        disclaimer: str | None = None,
        moderated: bool = False,
    ) -> ConsultationRead:
        body: dict[str, Any] = {
            "title": title,
            "closes_at": closes_at.isoformat(),
            "audiences": audiences,
            "moderated": moderated,
        }
        optional = {
            "opens_at": opens_at.isoformat() if opens_at else None,
            "milestone_id": milestone_id,
            "section_ids": section_ids,
            "disclaimer": disclaimer,
        }
        body.update({k: v for k, v in optional.items() if v is not None})
        path = f"/v1/reports/{report_id}/consultations"
        return ConsultationRead.model_validate(self.request("POST", path, json=body).json())

    def consultations(
        self, report_id: int, *, after: int = 0, limit: int = 100
    ) -> ConsultationPage:
        params = {"after": after, "limit": limit}
        response = self.request("GET", f"/v1/reports/{report_id}/consultations", params=params)
        return ConsultationPage.model_validate(response.json())

    def get_consultation(self, consultation_id: int) -> ConsultationRead:
        response = self.request("GET", f"/v1/consultations/{consultation_id}")
        return ConsultationRead.model_validate(response.json())

    def posted_text(self, consultation_id: int) -> PostedText:
        response = self.request("GET", f"/v1/consultations/{consultation_id}/text")
        return PostedText.model_validate(response.json())

    def invite_stakeholder(
        self, consultation_id: int, *, category: str, organisation: str = ""
    ) -> InviteRead:
        body = {"category": category, "organisation": organisation}
        path = f"/v1/consultations/{consultation_id}/invites"
        return InviteRead.model_validate(self.request("POST", path, json=body).json())

    def comment(
        self,
        consultation_id: int,
        body: str,
        *,
        section_id: int | None = None,
        paragraph: int | None = None,
        quote: str | None = None,
        start: int | None = None,
        end: int | None = None,
        suggestion: str | None = None,
    ) -> CommentView:
        payload: dict[str, Any] = {
            "body": body,
            "anchor": _anchor(section_id, paragraph, quote, start, end),
        }
        if suggestion is not None:
            payload["suggestion"] = suggestion
        path = f"/v1/consultations/{consultation_id}/comments"
        return _COMMENT.validate_python(self.request("POST", path, json=payload).json())

    def public_comment(
        self,
        consultation_id: int,
        body: str,
        *,
        name: str,
        category: str,
        organisation: str = "",
        publish_name: bool = False,
        invite_code: str | None = None,
        section_id: int | None = None,
        paragraph: int | None = None,
        quote: str | None = None,
        suggestion: str | None = None,
    ) -> CommentPublic:
        payload: dict[str, Any] = {
            "body": body,
            "name": name,
            "category": category,
            "organisation": organisation,
            "publish_name": publish_name,
            "anchor": _anchor(section_id, paragraph, quote, None, None),
        }
        if invite_code is not None:
            payload["invite_code"] = invite_code
        if suggestion is not None:
            payload["suggestion"] = suggestion
        path = f"/v1/consultations/{consultation_id}/public-comments"
        return CommentPublic.model_validate(self.request("POST", path, json=payload).json())

    def comments(
        self,
        consultation_id: int,
        *,
        after: int = 0,
        limit: int = 100,
        visibility: str | None = None,
        section_id: int | None = None,
    ) -> CommentPage:
        params = {
            "after": after,
            "limit": limit,
            "visibility": visibility,
            "section_id": section_id,
        }
        path = f"/v1/consultations/{consultation_id}/comments"
        return CommentPage.model_validate(self.request("GET", path, params=params).json())

    def all_comments(self, consultation_id: int, **filters: Any) -> Iterator[CommentView]:
        after = 0
        while True:
            page = self.comments(consultation_id, after=after, **filters)
            yield from page.items
            if page.next is None:
                return
            after = page.next

    def get_comment(self, comment_id: int) -> CommentView:
        return _COMMENT.validate_python(self.request("GET", f"/v1/comments/{comment_id}").json())

    def _comment_action(self, comment_id: int, action: str, body: Any = None) -> CommentView:
        path = f"/v1/comments/{comment_id}/{action}"
        return _COMMENT.validate_python(self.request("POST", path, json=body or {}).json())

    def moderate(self, comment_id: int, decision: Literal["publish", "reject"]) -> CommentView:
        return self._comment_action(comment_id, "moderate", {"decision": decision})

    def dispose(self, comment_id: int, disposition: str, response: str = "") -> CommentView:
        body = {"disposition": disposition, "response": response}
        return self._comment_action(comment_id, "disposition", body)

    def reply(self, comment_id: int, body: str) -> CommentView:
        return self._comment_action(comment_id, "replies", {"body": body})

    def resolve(self, comment_id: int) -> CommentView:
        return self._comment_action(comment_id, "resolve")

    def comment_to_amendment(
        self,
        comment_id: int,
        *,
        text: str | None = None,
        kind: str = "substantive",
        rationale: str | None = None,
    ) -> AmendmentRead:
        body: dict[str, Any] = {"kind": kind}
        if text is not None:
            body["text"] = text
        if rationale is not None:
            body["rationale"] = rationale
        path = f"/v1/comments/{comment_id}/amendment"
        return AmendmentRead.model_validate(self.request("POST", path, json=body).json())

    def amendment_comments(self, amendment_id: int) -> list[CommentView]:
        """The comments an amendment came from, every page."""
        path = f"/v1/amendments/{amendment_id}/comments"
        found: list[CommentView] = []
        after: int | None = 0
        while after is not None:
            params = {"after": after, "limit": PAGE_SIZE}
            page = CommentPage.model_validate(self.request("GET", path, params=params).json())
            found += page.items
            after = page.next
        return found

    def compilation(self, consultation_id: int) -> Compilation:
        response = self.request("GET", f"/v1/consultations/{consultation_id}/compilation")
        return Compilation.model_validate(response.json())

    def export_comments(
        self, consultation_id: int, format: Literal["markdown", "html", "csv"] = "markdown"
    ) -> str:
        path = f"/v1/consultations/{consultation_id}/export"
        return self.request("GET", path, params={"format": format}).text

    def paragraph_view(self, consultation_id: int) -> ParagraphView:
        response = self.request("GET", f"/v1/consultations/{consultation_id}/paragraphs")
        return ParagraphView.model_validate(response.json())
