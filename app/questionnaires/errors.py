"""Problems particular to questionnaires (same family and rendering as app/errors.py)."""

from __future__ import annotations

from app.errors import AppError, Conflict, Unprocessable


class QuestionnaireClosed(Conflict):
    slug, title = "questionnaire-closed", "The questionnaire's deadline has passed"


class ReplyExists(Conflict):
    slug, title = "reply-exists", "One reply per respondent: change the reply you made"


class AnswerInvalid(Unprocessable):
    slug, title = "answer-invalid", "An answer does not fit its question"


class QuestionsAnswered(Conflict):
    slug, title = (
        "questionnaire-answered",
        "Replies have been submitted: the questions keep their meaning",
    )


class OpenLinkFull(Conflict):
    slug, title = "open-link-full", "This open link has taken all the replies it may"


class OpenLinkHasNoReply(Conflict):
    slug, title = "open-link", "An open link has no reply of its own: each respondent makes one"


class TooManyReplies(AppError):
    status, slug, title = 429, "too-many-replies", "Too many replies from this address"
