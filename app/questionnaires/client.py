"""The questionnaire calls of `PlenaryClient` (mixed in there; kept here with their domain)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import TypeAdapter

from app.client_base import ClientBase
from app.questionnaires.schemas import (
    LinkRead,
    OpenLinkRead,
    OpenReplyCreated,
    PublicForm,
    QuestionnairePublic,
    QuestionnaireRead,
    ReplyPublic,
    ReplyRead,
    Summary,
    SummaryImported,
)

ReplyView = ReplyRead | ReplyPublic
_REPLY: TypeAdapter[ReplyView] = TypeAdapter(ReplyView)
_QUESTIONNAIRE: TypeAdapter[QuestionnaireRead | QuestionnairePublic] = TypeAdapter(
    QuestionnaireRead | QuestionnairePublic
)


class QuestionnaireCalls(ClientBase):
    def create_questionnaire(self, group_id: int, body: dict[str, Any]) -> QuestionnaireRead:
        """`body`: a QuestionnaireCreate (title, chapeaux, deadline, questions, report_id)."""
        path = f"/v1/groups/{group_id}/questionnaires"
        return self._post(QuestionnaireRead, path, body)

    def questionnaires(self, group_id: int) -> list[QuestionnaireRead]:
        return self._list(QuestionnaireRead, f"/v1/groups/{group_id}/questionnaires")

    def get_questionnaire(self, questionnaire_id: int) -> QuestionnaireRead | QuestionnairePublic:
        response = self.request("GET", f"/v1/questionnaires/{questionnaire_id}")
        return _QUESTIONNAIRE.validate_python(response.json())

    def share_replies(self, questionnaire_id: int, shared: bool = True) -> QuestionnaireRead:
        path = f"/v1/questionnaires/{questionnaire_id}/share"
        return self._post(QuestionnaireRead, path, {"shared": shared})

    def set_narrative(self, questionnaire_id: int, text: str) -> QuestionnaireRead:
        path = f"/v1/questionnaires/{questionnaire_id}/narrative"
        response = self.request("PUT", path, json={"text": text})
        return QuestionnaireRead.model_validate(response.json())

    def issue_link(
        self, questionnaire_id: int, *, organisation: str = "", category: str | None = None
    ) -> LinkRead:
        body: dict[str, Any] = {"organisation": organisation}
        if category is not None:
            body["category"] = category
        return self._post(LinkRead, f"/v1/questionnaires/{questionnaire_id}/links", body)

    def issue_open_link(self, questionnaire_id: int, *, max_replies: int = 1000) -> OpenLinkRead:
        """One link many public respondents use; its code is shown once."""
        path = f"/v1/questionnaires/{questionnaire_id}/open-links"
        return self._post(OpenLinkRead, path, {"max_replies": max_replies})

    def set_questions(
        self, questionnaire_id: int, questions: list[dict[str, Any]]
    ) -> QuestionnaireRead:
        """The whole list in its new order (`id` keeps a question); before any submission."""
        path = f"/v1/questionnaires/{questionnaire_id}/questions"
        response = self.request("PUT", path, json={"questions": questions})
        return QuestionnaireRead.model_validate(response.json())

    def correct_wording(self, question_id: int, prompt: str, note: str) -> QuestionnaireRead:
        """A typo in a question's wording, its reason recorded."""
        path = f"/v1/questions/{question_id}/wording"
        return self._post(QuestionnaireRead, path, {"prompt": prompt, "note": note})

    def answer_questionnaire(
        self, questionnaire_id: int, answers: dict[str, Any], *, submit: bool = False
    ) -> ReplyRead:
        """Your own reply (`answers` by question id), a draft unless `submit`."""
        path = f"/v1/questionnaires/{questionnaire_id}/replies"
        return self._post(ReplyRead, path, {"answers": answers, "submit": submit})

    def update_reply(
        self, reply_id: int, answers: dict[str, Any], *, submit: bool = False
    ) -> ReplyView:
        body = {"answers": answers, "submit": submit}
        response = self.request("PUT", f"/v1/replies/{reply_id}", json=body)
        return _REPLY.validate_python(response.json())

    def withdraw_reply(self, reply_id: int) -> ReplyView:
        response = self.request("POST", f"/v1/replies/{reply_id}/withdraw", json={})
        return _REPLY.validate_python(response.json())

    def moderate_reply(self, reply_id: int, decision: str) -> ReplyView:
        body = {"decision": decision}
        response = self.request("POST", f"/v1/replies/{reply_id}/moderate", json=body)
        return _REPLY.validate_python(response.json())

    def replies(self, questionnaire_id: int, *, audience: str | None = None) -> Iterator[ReplyView]:
        """Every reply you may read, page after page."""
        params: dict[str, Any] = {"limit": 500}
        if audience is not None:
            params["audience"] = audience
        after = 0
        while True:
            path = f"/v1/questionnaires/{questionnaire_id}/replies"
            page = self.request("GET", path, params={**params, "after": after}).json()
            yield from (_REPLY.validate_python(item) for item in page["items"])
            if page["next"] is None:
                return
            after = page["next"]

    def questionnaire_summary(self, questionnaire_id: int) -> Summary:
        return self._get(Summary, f"/v1/questionnaires/{questionnaire_id}/summary")

    def export_questionnaire_summary(self, questionnaire_id: int, format: str) -> bytes:
        path = f"/v1/questionnaires/{questionnaire_id}/summary/export"
        return self.request("GET", path, params={"format": format}).content

    def import_questionnaire_summary(
        self,
        questionnaire_id: int,
        *,
        into: str,
        report_id: int | None = None,
        parent_id: int | None = None,
    ) -> SummaryImported:
        body = {"into": into, "report_id": report_id, "parent_id": parent_id}
        path = f"/v1/questionnaires/{questionnaire_id}/summary/import"
        return self._post(SummaryImported, path, {k: v for k, v in body.items() if v is not None})

    def public_form(self, code: str) -> PublicForm:
        return self._get(PublicForm, f"/v1/public-questionnaires/{code}")

    def public_reply(self, code: str, body: dict[str, Any]) -> ReplyRead:
        """The link's one reply: name, organisation, category, publish_name, answers, submit."""
        return self._post(ReplyRead, f"/v1/public-questionnaires/{code}/reply", body)

    def open_reply(self, code: str, body: dict[str, Any]) -> OpenReplyCreated:
        """A new reply through an open link, with its own secret (shown once)."""
        return self._post(OpenReplyCreated, f"/v1/public-questionnaires/{code}/replies", body)
