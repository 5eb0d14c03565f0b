"""Problems particular to questionnaires (same family and rendering as app/errors.py)."""

from __future__ import annotations

from app.errors import Conflict, Unprocessable


class QuestionnaireClosed(Conflict):
    slug, title = "questionnaire-closed", "The questionnaire's deadline has passed"


class ReplyExists(Conflict):
    slug, title = "reply-exists", "One reply per respondent: change the reply you made"


class AnswerInvalid(Unprocessable):
    slug, title = "answer-invalid", "An answer does not fit its question"
