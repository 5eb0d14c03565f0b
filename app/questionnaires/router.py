"""Routes of questionnaires and members' replies; the public links' routes are in
`public_router.py`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, status
from pydantic import BaseModel

from app.auth import CurrentPrincipal, OptionalPrincipal
from app.clock import Now
from app.db import SessionDep
from app.idempotency import IdempotentRoute, SecretAnswer
from app.pagination import DEFAULT_PAGE, After, Limit, link_next
from app.questionnaires import views
from app.questionnaires.models import ReplyAudience
from app.questionnaires.schemas import (
    LinkCreate,
    LinkRead,
    NarrativeSet,
    QuestionnaireCreate,
    QuestionnairePage,
    QuestionnairePublic,
    QuestionnaireRead,
    QuestionsSet,
    ReplyCreate,
    ReplyModeration,
    ReplyPage,
    ReplyUpdate,
    ReplyView,
    ShareSet,
    Summary,
    SummaryImport,
    SummaryImported,
    WordingFix,
)
from app.questionnaires.service import (
    documents,
    editing,
    links,
    questionnaires,
    replies,
    summary,
)
from app.schemas import IdPath

router = APIRouter(prefix="/v1", route_class=IdempotentRoute, tags=["questionnaires"])
CLOSED: dict[int | str, dict[str, Any]] = {
    409: {"description": "The deadline has passed (questionnaire-closed)"}
}
EXPORT_TYPES = {
    "markdown": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def json_answer(model: BaseModel, status_code: int = 200, location: str | None = None) -> Response:
    """Exactly the model chosen (a public view never gains attributed fields); a 201 names
    what it made in `Location`."""
    headers = None if location is None else {"Location": location}
    return Response(
        model.model_dump_json(),
        status_code=status_code,
        media_type="application/json",
        headers=headers,
    )


@router.post(
    "/groups/{group_id}/questionnaires",
    response_model=QuestionnaireRead,
    status_code=status.HTTP_201_CREATED,
)
def create_questionnaire(
    group_id: IdPath,
    body: QuestionnaireCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
    now: Now,
    response: Response,
) -> QuestionnaireRead:
    """The chair or the secretariat: an internal version, a public one, or both."""
    made = questionnaires.create_questionnaire(
        session, group_id=group_id, principal=principal, body=body, now=now
    )
    response.headers["Location"] = f"/v1/questionnaires/{made.id}"
    return views.questionnaire_read(session, made, now)


@router.get("/groups/{group_id}/questionnaires", response_model=QuestionnairePage)
def list_questionnaires(
    group_id: IdPath,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
    now: Now,
    after: After = 0,
    limit: Limit = DEFAULT_PAGE,
) -> QuestionnairePage:
    found, next_after = questionnaires.list_questionnaires(
        session, group_id=group_id, principal=principal, after=after, limit=limit
    )
    link_next(request, response, next_after)
    items = [views.questionnaire_read(session, q, now) for q in found]
    return QuestionnairePage(items=items, next=next_after)


@router.get(
    "/questionnaires/{questionnaire_id}",
    response_model=QuestionnaireRead | QuestionnairePublic,
)
def get_questionnaire(
    questionnaire_id: IdPath, session: SessionDep, principal: OptionalPrincipal, now: Now
) -> Response:
    """The group reads it whole; anyone else its public version (if it has one)."""
    found = questionnaires.get_questionnaire(
        session, questionnaire_id=questionnaire_id, principal=principal
    )
    if questionnaires.in_group(found, principal):
        return json_answer(views.questionnaire_read(session, found, now))
    return json_answer(views.questionnaire_public(session, found, now))


@router.put(
    "/questionnaires/{questionnaire_id}/questions",
    response_model=QuestionnaireRead,
    responses={409: {"description": "Closed, or replies submitted (questionnaire-answered)"}},
)
def set_questions(
    questionnaire_id: IdPath,
    body: QuestionsSet,
    session: SessionDep,
    principal: CurrentPrincipal,
    now: Now,
) -> QuestionnaireRead:
    """The chair or the secretariat adds, changes, removes and reorders questions: the whole
    list in its new order (`id` keeps a question). Only until the first reply is submitted."""
    found = editing.set_questions(
        session,
        questionnaire_id=questionnaire_id,
        principal=principal,
        questions=body.questions,
        now=now,
    )
    return views.questionnaire_read(session, found, now)


@router.post(
    "/questions/{question_id}/wording",
    response_model=QuestionnaireRead,
    responses={409: {"description": "Closed, or more than a typo once answered"}},
)
def correct_question_wording(
    question_id: IdPath,
    body: WordingFix,
    session: SessionDep,
    principal: CurrentPrincipal,
    now: Now,
) -> QuestionnaireRead:
    """Correct a question's wording, its reason recorded; once replies are submitted, a few
    characters only (a typo), and the wording they answered is kept beside it."""
    found = editing.correct_wording(
        session,
        question_id=question_id,
        principal=principal,
        prompt=body.prompt,
        note=body.note,
        now=now,
    )
    return views.questionnaire_read(session, found, now)


@router.post("/questionnaires/{questionnaire_id}/share", response_model=QuestionnaireRead)
def share_replies(
    questionnaire_id: IdPath,
    body: ShareSet,
    session: SessionDep,
    principal: CurrentPrincipal,
    now: Now,
) -> QuestionnaireRead:
    """The secretariat opens members' replies to each other (named), or closes them again."""
    found = questionnaires.set_shared(
        session, questionnaire_id=questionnaire_id, principal=principal, shared=body.shared, now=now
    )
    return views.questionnaire_read(session, found, now)


@router.put("/questionnaires/{questionnaire_id}/narrative", response_model=QuestionnaireRead)
def set_narrative(
    questionnaire_id: IdPath,
    body: NarrativeSet,
    session: SessionDep,
    principal: CurrentPrincipal,
    now: Now,
) -> QuestionnaireRead:
    """The secretariat's narrative summary, printed above the counts."""
    found = questionnaires.set_narrative(
        session, questionnaire_id=questionnaire_id, principal=principal, text=body.text
    )
    return views.questionnaire_read(session, found, now)


@router.post(
    "/questionnaires/{questionnaire_id}/links",
    response_model=LinkRead,
    status_code=status.HTTP_201_CREATED,
    dependencies=[SecretAnswer],
)
def issue_link(
    questionnaire_id: IdPath, body: LinkCreate, session: SessionDep, principal: CurrentPrincipal
) -> LinkRead:
    """A public link for one public respondent (one reply); its code is shown once."""
    link, code = links.issue_link(
        session,
        questionnaire_id=questionnaire_id,
        principal=principal,
        organisation=body.organisation,
        category=body.category,
    )
    return LinkRead(
        id=link.id,
        questionnaire_id=link.questionnaire_id,
        organisation=link.organisation,
        category=link.category,
        code=code,
        path=links.link_path(code),
    )


@router.post(
    "/questionnaires/{questionnaire_id}/replies",
    response_model=ReplyView,
    status_code=status.HTTP_201_CREATED,
    responses={409: {"description": "Closed, or you have replied already (reply-exists)"}},
)
def create_reply(
    questionnaire_id: IdPath,
    body: ReplyCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
    now: Now,
) -> Response:
    """A member's own reply, with its own token: a draft, or submitted (`submit`)."""
    reply = replies.create_member_reply(
        session,
        questionnaire_id=questionnaire_id,
        principal=principal,
        answers=body.answers,
        submit=body.submit,
        now=now,
    )
    return json_answer(views.own_view(session, reply), 201, f"/v1/replies/{reply.id}")


@router.get("/questionnaires/{questionnaire_id}/replies", response_model=ReplyPage)
def list_replies(
    questionnaire_id: IdPath,
    request: Request,
    session: SessionDep,
    principal: OptionalPrincipal,
    audience: ReplyAudience | None = None,
    after: After = 0,
    limit: Limit = DEFAULT_PAGE,
) -> Response:
    """Your own reply; members' submitted replies once shared (named to members); published
    public replies; and for the chair and the secretariat every submitted reply."""
    found = questionnaires.get_questionnaire(
        session, questionnaire_id=questionnaire_id, principal=principal
    )
    rows, next_after = replies.list_replies(
        session,
        questionnaire=found,
        principal=principal,
        audience=audience,
        after=after,
        limit=limit,
    )
    page = ReplyPage(items=views.reply_views(session, found, rows, principal), next=next_after)
    response = json_answer(page)
    link_next(request, response, next_after)
    return response


def _reply_answer(session: SessionDep, reply_id: int, principal: OptionalPrincipal) -> Response:
    reply = replies.get_reply(session, reply_id=reply_id, principal=principal)
    found = questionnaires.get_questionnaire(
        session, questionnaire_id=reply.questionnaire_id, principal=principal
    )
    [view] = views.reply_views(session, found, [reply], principal)
    return json_answer(view)


@router.get("/replies/{reply_id}", response_model=ReplyView)
def get_reply(reply_id: IdPath, session: SessionDep, principal: OptionalPrincipal) -> Response:
    return _reply_answer(session, reply_id, principal)


@router.put("/replies/{reply_id}", response_model=ReplyView, responses=CLOSED)
def update_reply(
    reply_id: IdPath, body: ReplyUpdate, session: SessionDep, principal: CurrentPrincipal, now: Now
) -> Response:
    """Change your reply until the deadline (answers replaced whole); `submit` a draft."""
    replies.update_reply(
        session,
        reply_id=reply_id,
        code=None,
        principal=principal,
        answers=body.answers,
        submit=body.submit,
        now=now,
    )
    return _reply_answer(session, reply_id, principal)


@router.post("/replies/{reply_id}/withdraw", response_model=ReplyView, responses=CLOSED)
def withdraw_reply(
    reply_id: IdPath, session: SessionDep, principal: CurrentPrincipal, now: Now
) -> Response:
    replies.withdraw_reply(session, reply_id=reply_id, code=None, principal=principal, now=now)
    return _reply_answer(session, reply_id, principal)


@router.post("/replies/{reply_id}/moderate", response_model=ReplyView)
def moderate_reply(
    reply_id: IdPath, body: ReplyModeration, session: SessionDep, principal: CurrentPrincipal
) -> Response:
    """The chair or the secretariat publishes a submitted public reply, or rejects it."""
    replies.moderate_reply(
        session, reply_id=reply_id, principal=principal, publish=body.decision == "publish"
    )
    return _reply_answer(session, reply_id, principal)


@router.get("/questionnaires/{questionnaire_id}/summary", response_model=Summary)
def get_questionnaire_summary(
    questionnaire_id: IdPath, session: SessionDep, principal: OptionalPrincipal, now: Now
) -> Summary:
    """Counts by option and category, free text by category, the members' response rate
    (members' view), and the narrative."""
    return summary.get_summary(
        session, questionnaire_id=questionnaire_id, principal=principal, now=now
    )


@router.get(
    "/questionnaires/{questionnaire_id}/summary/export",
    response_class=Response,
    responses={200: {"content": {t: {} for t in EXPORT_TYPES.values()}}},
)
def export_questionnaire_summary(
    questionnaire_id: IdPath,
    session: SessionDep,
    principal: OptionalPrincipal,
    now: Now,
    format: Annotated[documents.ExportFormat, Query()] = "markdown",
) -> Response:
    """The summary as the caller reads it, in the report formats."""
    found = summary.get_summary(
        session, questionnaire_id=questionnaire_id, principal=principal, now=now
    )
    questionnaire = questionnaires.get_questionnaire(
        session, questionnaire_id=questionnaire_id, principal=principal
    )
    body = documents.export_summary(session, questionnaire, found, format, now)
    headers = {"X-Content-Type-Options": "nosniff"}
    if format == "html":
        headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    if format in ("docx", "pdf"):
        headers["Content-Disposition"] = (
            f'attachment; filename="questionnaire-{questionnaire_id}-summary.{format}"'
        )
    return Response(body, media_type=EXPORT_TYPES[format], headers=headers)


@router.post(
    "/questionnaires/{questionnaire_id}/summary/import",
    response_model=SummaryImported,
    status_code=status.HTTP_201_CREATED,
)
def import_questionnaire_summary(
    questionnaire_id: IdPath,
    body: SummaryImport,
    session: SessionDep,
    principal: CurrentPrincipal,
    now: Now,
) -> SummaryImported:
    """The summary (its public view) as a section of a report, or as a new report."""
    return documents.import_summary(
        session, questionnaire_id=questionnaire_id, principal=principal, body=body, now=now
    )
