"""Payloads of the questionnaire events (issue 31), listed in `EVENT_PAYLOADS`
(`app/events/types.py`). Recorded in the log of the report a questionnaire is tied to. No
respondent is named: readers fetch the reply, which shows names only to whom it may."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from app.events.payload import Payload


class QuestionnaireCreatedPayload(Payload):
    questionnaire_id: int
    title: str
    internal: bool = Field(description="It has an internal version (the group's members)")
    public: bool = Field(description="It has a public version (public links)")
    questions: int
    deadline: datetime


class QuestionnairePayload(Payload):
    questionnaire_id: int


class QuestionnaireNarrativePayload(Payload):
    questionnaire_id: int
    chars: int = Field(description="The narrative's length now")


class QuestionnaireLinkIssuedPayload(Payload):
    questionnaire_id: int
    category: str | None = Field(description="The category the link fixes, if any")


class QuestionnaireOpenLinkIssuedPayload(Payload):
    questionnaire_id: int
    max_replies: int = Field(description="At most this many respondents through it")


class QuestionnaireQuestionsChangedPayload(Payload):
    """The questions were added, changed, removed or reordered (before any reply was
    submitted)."""

    questionnaire_id: int
    questions: int = Field(description="How many questions it has now")
    added: int
    changed: int
    removed: int
    drafts_changed: int = Field(description="Drafts that lost answers no longer fitting")


class QuestionnaireQuestionRewordedPayload(Payload):
    """A question's wording corrected, with its reason (after replies: a typo only)."""

    questionnaire_id: int
    question_id: int
    number: int
    before: str
    after: str
    note: str
    submitted_replies: int = Field(description="Replies submitted before the correction")


class QuestionnaireClosedPayload(Payload):
    questionnaire_id: int
    deadline: datetime
    internal_replies: int = Field(description="Members' submitted replies")
    public_replies: int = Field(description="Public replies published after moderation")


class QuestionnaireSummaryImportedPayload(Payload):
    """Recorded in the report the summary went into."""

    questionnaire_id: int
    section_id: int | None = Field(description="The section made; null for a new report")


class ReplySubmittedPayload(Payload):
    questionnaire_id: int
    reply_id: int
    audience: str = Field(description="internal or public")
    revised: bool = Field(description="A submitted reply changed (else a first submission)")


class ReplyWithdrawnPayload(Payload):
    questionnaire_id: int
    reply_id: int
    audience: str


class ReplyModeratedPayload(Payload):
    questionnaire_id: int
    reply_id: int
    moderation: str = Field(description="published or rejected")


QUESTIONNAIRE_PAYLOADS: dict[str, type[Payload]] = {
    "questionnaire.created": QuestionnaireCreatedPayload,
    "questionnaire.shared": QuestionnairePayload,
    "questionnaire.unshared": QuestionnairePayload,
    "questionnaire.narrative": QuestionnaireNarrativePayload,
    "questionnaire.link_issued": QuestionnaireLinkIssuedPayload,
    "questionnaire.open_link_issued": QuestionnaireOpenLinkIssuedPayload,
    "questionnaire.questions_changed": QuestionnaireQuestionsChangedPayload,
    "questionnaire.question_reworded": QuestionnaireQuestionRewordedPayload,
    "questionnaire.closed": QuestionnaireClosedPayload,
    "questionnaire.summary_imported": QuestionnaireSummaryImportedPayload,
    "reply.submitted": ReplySubmittedPayload,
    "reply.withdrawn": ReplyWithdrawnPayload,
    "reply.moderated": ReplyModeratedPayload,
}
