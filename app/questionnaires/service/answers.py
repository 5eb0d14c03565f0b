"""What an answer may be: checked against its question before anything is stored. A draft
may leave questions out; a submitted reply answers every required one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from app.questionnaires.errors import AnswerInvalid
from app.questionnaires.models import Question, QuestionKind
from app.questionnaires.schemas import DEFAULT_TEXT_CHARS


def _invalid(question: Question, detail: str) -> AnswerInvalid:
    return AnswerInvalid(
        f"Question {question.position}: {detail}",
        question_id=question.id,
        question=question.position,
    )


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def _check_options(question: Question, chosen: list[str]) -> None:
    unknown = [c for c in chosen if c not in question.options]
    if unknown:
        raise _invalid(question, f"unknown options {unknown}; choose from {question.options}.")
    if len(set(chosen)) != len(chosen):
        raise _invalid(question, "an option is given twice.")


def check_answer(question: Question, value: Any) -> None:
    kind = question.kind
    if kind == QuestionKind.text:
        limit = question.max_chars or DEFAULT_TEXT_CHARS
        if not isinstance(value, str):
            raise _invalid(question, "the answer is text.")
        if len(value) > limit:
            raise _invalid(question, f"{len(value)} characters; at most {limit}.")
    elif kind == QuestionKind.single:
        if not isinstance(value, str):
            raise _invalid(question, "the answer is one option, as text.")
        _check_options(question, [value])
    elif kind in (QuestionKind.multiple, QuestionKind.ranking):
        if not isinstance(value, list):
            raise _invalid(question, "the answer is a list of options.")
        _check_options(question, value)
    elif kind == QuestionKind.scale:
        low, high = question.scale_min, question.scale_max
        if isinstance(value, bool) or not isinstance(value, int):
            raise _invalid(question, "the answer is a whole number.")
        if low is None or high is None or not low <= value <= high:
            raise _invalid(question, f"{value} is off the scale {low} to {high}.")


def checked_answers(
    questions: Sequence[Question], answers: Mapping[str, Any], *, submitting: bool
) -> dict[str, Any]:
    """The answers as stored (empty ones left out); AnswerInvalid (422) for an unknown
    question, an answer that does not fit, or, when submitting, a required one missing."""
    by_id = {str(q.id): q for q in questions}
    unknown = sorted(set(answers) - set(by_id))
    if unknown:
        raise AnswerInvalid(
            f"No questions {unknown} in this questionnaire.", unknown_questions=unknown
        )
    kept: dict[str, Any] = {}
    for key, value in answers.items():
        if _empty(value):
            continue
        check_answer(by_id[key], value)
        kept[key] = value
    if submitting:
        missing = [q.position for q in questions if q.required and str(q.id) not in kept]
        if missing:
            raise AnswerInvalid(
                f"Required questions {missing} are not answered; save a draft or answer them.",
                missing_questions=missing,
            )
    return kept
