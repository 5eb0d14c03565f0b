"""Changing a questionnaire's questions after it is made.

Until the first reply is submitted the secretariat may add, change, remove and reorder
questions freely (`set_questions`): nobody has answered yet. Drafts saved meanwhile keep
the answers that still fit their question; an answer to a removed question, or one the
changed question no longer takes (an option gone, a shorter limit), is dropped from the
draft, and the event counts the drafts so changed.

Once a reply has been submitted (withdrawn ones included: they were read and may be
submitted again) the questions are fixed: a submitted answer must keep meaning what it
meant. The one change left is correcting a question's wording (`correct_wording`): a
typo, at most `MAX_WORDING_FIX` characters changed (edit distance), with its reason on the
record, the wording the replies answered kept beside it (`answered_prompt`). Options are
not corrected even then: an answer stores the option's text. After the deadline nothing
changes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from diff_match_patch import diff_match_patch
from sqlalchemy import column, func, select, table
from sqlalchemy.orm import Session

from app.auth import Principal
from app.errors import Conflict, NotFound, Unprocessable
from app.questionnaires.errors import AnswerInvalid, QuestionsAnswered
from app.questionnaires.models import Question, Questionnaire, Reply
from app.questionnaires.schemas import QuestionEdit
from app.questionnaires.service.answers import check_answer
from app.questionnaires.service.questionnaires import (
    ensure_open,
    ensure_staff,
    lock,
    questions_of,
    record,
)

# The deliberation domain's threads may be about a question (it imports this domain, so this
# domain names its table rather than its model).
THREAD = table("thread", column("id"), column("question_id"))
MAX_WORDING_FIX = 20  # characters changed in a correction once replies are submitted
FIELDS = ("kind", "prompt", "required", "options", "max_chars", "scale_min", "scale_max")


def submitted_count(session: Session, questionnaire_id: int) -> int:
    """Replies ever submitted (a withdrawn reply was submitted first)."""
    return (
        session.scalar(
            select(func.count())
            .select_from(Reply)
            .where(Reply.questionnaire_id == questionnaire_id, Reply.submitted_at.is_not(None))
        )
        or 0
    )


def _ensure_unanswered(session: Session, questionnaire: Questionnaire) -> None:
    answered = submitted_count(session, questionnaire.id)
    if answered:
        raise QuestionsAnswered(
            f"{answered} replies have been submitted: questions can no longer be added, "
            "changed, removed or reordered. A typo in a question's wording can still be "
            "corrected (POST /v1/questions/{question_id}/wording).",
            submitted_replies=answered,
        )


def _same(question: Question, edit: QuestionEdit) -> bool:
    return all(getattr(question, name) == getattr(edit, name) for name in FIELDS)


def _prune_drafts(session: Session, questionnaire_id: int, questions: Sequence[Question]) -> int:
    """Drafts keep the answers that still fit; returns how many drafts changed."""
    by_id = {str(q.id): q for q in questions}
    changed = 0
    drafts = session.scalars(select(Reply).where(Reply.questionnaire_id == questionnaire_id))
    for draft in drafts:
        kept = {}
        for key, value in draft.answers.items():
            question = by_id.get(key)
            if question is None:
                continue
            try:
                check_answer(question, value)
            except AnswerInvalid:
                continue
            kept[key] = value
        if kept != draft.answers:
            draft.answers = kept
            changed += 1
    return changed


def _checked(
    session: Session, questionnaire: Questionnaire, questions: Sequence[QuestionEdit]
) -> tuple[dict[int, Question], list[Question]]:
    """The questions now (by id) and those the new list leaves out; 422 for an id not of
    this questionnaire or listed twice, 409 for a removed question under discussion."""
    current = {q.id: q for q in questions_of(session, questionnaire.id)}
    named = [edit.id for edit in questions if edit.id is not None]
    unknown = sorted(set(named) - set(current))
    if unknown:
        raise Unprocessable(
            f"No questions {unknown} in questionnaire {questionnaire.id}: leave `id` out to "
            "add a question.",
            unknown_questions=unknown,
        )
    if len(set(named)) != len(named):
        raise Unprocessable("A question is listed twice.", field="questions")
    removed = [q for qid, q in current.items() if qid not in set(named)]
    discussed = sorted(
        q.position
        for q in removed
        if session.scalar(select(THREAD.c.id).where(THREAD.c.question_id == q.id).limit(1))
    )
    if discussed:
        raise Conflict(
            f"Questions {discussed} have a discussion thread: they stay (change them instead).",
            questions=discussed,
        )
    return current, removed


def _write(
    session: Session,
    questionnaire: Questionnaire,
    current: dict[int, Question],
    removed: list[Question],
    questions: Sequence[QuestionEdit],
) -> list[Question]:
    for question in removed:
        session.delete(question)
    # Positions are unique per questionnaire: park the kept ones out of the way first.
    for question in current.values():
        if question not in removed:
            question.position = -question.id
    session.flush()
    final: list[Question] = []
    for number, edit in enumerate(questions, start=1):
        question = (
            current[edit.id] if edit.id is not None else Question(questionnaire_id=questionnaire.id)
        )
        question.position = number
        for name in FIELDS:
            value = getattr(edit, name)
            setattr(question, name, list(value) if name == "options" else value)
        session.add(question)
        final.append(question)
    session.flush()
    return final


def set_questions(
    session: Session,
    *,
    questionnaire_id: int,
    principal: Principal,
    questions: Sequence[QuestionEdit],
    now: datetime,
) -> Questionnaire:
    questionnaire = lock(session, questionnaire_id)
    ensure_staff(questionnaire, principal)
    ensure_open(questionnaire, now)
    _ensure_unanswered(session, questionnaire)
    current, removed = _checked(session, questionnaire, questions)
    changed = sum(
        1 for edit in questions if edit.id is not None and not _same(current[edit.id], edit)
    )
    added = sum(1 for edit in questions if edit.id is None)
    same_order = [edit.id for edit in questions] == list(current)
    if not (added or changed or removed) and same_order:
        return questionnaire  # the same list again: no change, no event
    final = _write(session, questionnaire, current, removed, questions)
    pruned = _prune_drafts(session, questionnaire.id, final)
    session.flush()
    record(
        session,
        questionnaire,
        type="questionnaire.questions_changed",
        actor_id=principal.participant_id,
        payload={
            "questions": len(final),
            "added": added,
            "changed": changed,
            "removed": len(removed),
            "drafts_changed": pruned,
        },
    )
    return questionnaire


def correct_wording(
    session: Session,
    *,
    question_id: int,
    principal: Principal,
    prompt: str,
    note: str,
    now: datetime,
) -> Questionnaire:
    question = session.get(Question, question_id)
    if question is None:
        raise NotFound(f"No question {question_id}.")
    questionnaire = lock(session, question.questionnaire_id)
    ensure_staff(questionnaire, principal)
    session.refresh(question)
    ensure_open(questionnaire, now)
    if prompt == question.prompt:
        return questionnaire
    answered = submitted_count(session, questionnaire.id)
    dmp = diff_match_patch()
    distance = int(dmp.diff_levenshtein(dmp.diff_main(question.prompt, prompt)))
    if answered and distance > MAX_WORDING_FIX:
        raise QuestionsAnswered(
            f"This changes {distance} characters of question {question.position}; once replies "
            f"are submitted a correction changes at most {MAX_WORDING_FIX} (a typo), so that "
            "the answers keep their meaning. Ask a new questionnaire for a new question.",
            changed_characters=distance,
            most=MAX_WORDING_FIX,
        )
    before = question.prompt
    if answered:
        question.answered_prompt = question.answered_prompt or before
        question.reworded_at = now
    question.prompt = prompt
    session.flush()
    record(
        session,
        questionnaire,
        type="questionnaire.question_reworded",
        actor_id=principal.participant_id,
        payload={
            "question_id": question.id,
            "number": question.position,
            "before": before,
            "after": prompt,
            "note": note,
            "submitted_replies": answered,
        },
    )
    return questionnaire
