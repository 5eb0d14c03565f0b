"""Threads: discussion tied to an amendment, an objection, a section or a paragraph.

Participants who may speak (chair, members, secretariat) open threads and write in them;
observers read. A reply answers a message, never a reply (one level). A thread is resolved,
or reopened, by whoever opened it, the proposer of its amendment, or the chair; the chair
publishes a thread to the public (which then reads it without names)."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app import visibility
from app.amendments.models import Amendment, Answer, Consent
from app.auth import Principal
from app.clock import utcnow
from app.deliberation.models import Subject, Thread, ThreadMessage
from app.deliberation.schemas import ThreadCreate
from app.errors import Forbidden, InvalidState, NotFound, present
from app.events.service import record_event
from app.groups.models import Role
from app.pagination import page_query
from app.questionnaires.models import Question, Questionnaire
from app.reports import service as reports
from app.reports.models import Report, Section

SPEAKING_ROLES = frozenset({Role.chair, Role.member, Role.secretariat})
# The lock of a thread's report, built once (app/reports/access.py, ReportOf).
_REPORT = reports.ReportOf(Thread.report_id, Thread.id)


def _lock_thread(
    session: Session, *, thread_id: int, principal: Principal, roles: frozenset[Role]
) -> tuple[Report, Thread]:
    report = reports.lock_report_row(
        session, report_id=_REPORT(thread_id), missing=f"No thread {thread_id}."
    )
    principal.ensure_in_group(report.group_id)
    thread = present(
        session.get(Thread, thread_id, populate_existing=True), f"No thread {thread_id}."
    )
    # A thread on a part the caller may not read does not exist for it: 404 before the role
    # is checked (an observer's 403 would tell it the thread is there).
    _ensure_part_readable(session, report, thread, principal)
    principal.ensure_role(report.group_id, roles)
    reports.ensure_not_transmitted(report)
    return report, thread


def _part_of(session: Session, thread: Thread) -> int | None:
    """The section a thread is about: its own, or its amendment's (an objection's too)."""
    if thread.section_id is not None:
        return thread.section_id
    if thread.amendment_id is not None:
        return session.scalar(
            select(Amendment.section_id).where(Amendment.id == thread.amendment_id)
        )
    return None


def _ensure_part_readable(
    session: Session, report: Report, thread: Thread, principal: Principal | None
) -> None:
    """A thread about a part of a staged report the caller may not read does not exist for
    it (a drafting group's discussion of its work in progress stays in the group)."""
    section_id = _part_of(session, thread)
    if section_id is not None and section_id in visibility.hidden_sections(
        session, report, principal
    ):
        raise NotFound(f"No thread {thread.id}.")


def _subject(session: Session, report: Report, body: ThreadCreate) -> Thread:
    """The thread's subject, checked against the report (another report's objects: 404)."""
    if body.amendment_id is not None:
        amendment = session.get(Amendment, body.amendment_id)
        if amendment is None or amendment.report_id != report.id:
            raise NotFound(_no_such_subject(report, body))
        return Thread(subject=Subject.amendment, amendment_id=amendment.id)
    if body.objection_id is not None:
        consent = session.get(Consent, body.objection_id)
        amendment = None if consent is None else session.get(Amendment, consent.amendment_id)
        if consent is None or amendment is None or amendment.report_id != report.id:
            raise NotFound(_no_such_subject(report, body))
        if consent.answer != Answer.object:
            raise InvalidState(f"Answer {consent.id} is not an objection.")
        return Thread(subject=Subject.objection, amendment_id=amendment.id, consent_id=consent.id)
    if body.question_id is not None:
        return _question_subject(session, report, body.question_id)
    section = session.get(Section, body.section_id)
    if section is None or section.report_id != report.id or section.removed_at is not None:
        raise NotFound(_no_such_subject(report, body))
    if body.paragraph is None:
        return Thread(subject=Subject.section, section_id=section.id)
    anchor = reports.fix_paragraph(session, section=section, paragraph=body.paragraph)
    return Thread(
        subject=Subject.paragraph,
        section_id=section.id,
        paragraph=body.paragraph,
        anchor_version=anchor.version,
        anchor_start=anchor.start,
    )


def _no_such_subject(report: Report, body: ThreadCreate) -> str:
    """The 404 `_subject` gives a subject that does not exist (a part the caller may not
    read gets the same)."""
    if body.amendment_id is not None:
        return f"No amendment {body.amendment_id} in report {report.id}."
    if body.objection_id is not None:
        return f"No objection {body.objection_id} in report {report.id}."
    return f"No section {body.section_id} in report {report.id}."


def _question_subject(session: Session, report: Report, question_id: int) -> Thread:
    """A question of a questionnaire tied to this report (members continue their
    discussion of the replies there)."""
    question = session.get(Question, question_id)
    tied = None if question is None else session.get(Questionnaire, question.questionnaire_id)
    if question is None or tied is None or tied.report_id != report.id:
        raise NotFound(f"No question {question_id} of a questionnaire of report {report.id}.")
    return Thread(subject=Subject.question, question_id=question.id)


def open_thread(
    session: Session, *, report_id: int, principal: Principal, body: ThreadCreate
) -> Thread:
    report = reports.lock_report(
        session, report_id=report_id, principal=principal, roles=SPEAKING_ROLES
    )
    reports.ensure_not_transmitted(report)
    thread = _subject(session, report, body)
    try:
        _ensure_part_readable(session, report, thread, principal)
    except NotFound:
        raise NotFound(_no_such_subject(report, body)) from None
    author_id = principal.acting().id  # the admin holds no speaking role
    thread.report_id = report.id
    thread.title = body.title
    thread.opener_id = author_id
    session.add(thread)
    session.flush()
    session.add(ThreadMessage(thread_id=thread.id, author_id=author_id, body=body.body))
    session.flush()
    record_event(
        session,
        report_id=report.id,
        type="thread.opened",
        actor_id=author_id,
        payload={
            "thread_id": thread.id,
            "subject": thread.subject.value,
            "amendment_id": thread.amendment_id,
            "section_id": thread.section_id,
            "paragraph": thread.paragraph,
            "question_id": thread.question_id,
        },
    )
    return thread


def post_message(
    session: Session,
    *,
    thread_id: int,
    principal: Principal,
    body: str,
    reply_to: int | None,
) -> ThreadMessage:
    report, thread = _lock_thread(
        session, thread_id=thread_id, principal=principal, roles=SPEAKING_ROLES
    )
    if thread.resolved_at is not None:
        raise InvalidState(f"Thread {thread.id} is resolved; reopen it to write in it.")
    if reply_to is not None:
        parent = session.get(ThreadMessage, reply_to)
        if parent is None or parent.thread_id != thread.id:
            raise NotFound(f"No message {reply_to} in thread {thread.id}.")
        if parent.parent_id is not None:
            raise InvalidState("Reply to the message itself: replies are not nested further.")
    author_id = principal.acting().id
    message = ThreadMessage(thread_id=thread.id, parent_id=reply_to, author_id=author_id, body=body)
    session.add(message)
    session.flush()
    record_event(
        session,
        report_id=report.id,
        type="thread.replied",
        actor_id=author_id,
        payload={"thread_id": thread.id, "message_id": message.id, "reply_to": reply_to},
    )
    return message


def _may_resolve(session: Session, thread: Thread, principal: Principal) -> bool:
    """The opener, the chair, or the proposer of the thread's amendment or of a wording
    that revises it (the thread was carried over to the revision)."""
    if principal.role == Role.chair or principal.participant_id == thread.opener_id:
        return True
    if thread.amendment_id is None:
        return False
    return _proposes_a_wording(session, thread.amendment_id, principal)


def _proposes_a_wording(session: Session, amendment_id: int, principal: Principal) -> bool:
    """Whether `principal` proposed `amendment_id` or a later wording revising it."""
    current: int | None = amendment_id
    seen: set[int] = set()
    while current is not None and current not in seen:
        seen.add(current)
        row = session.execute(
            select(Amendment.proposer_id, Amendment.revised_by_id).where(Amendment.id == current)
        ).first()
        if row is None:
            return False
        if row.proposer_id == principal.participant_id:
            return True
        current = row.revised_by_id
    return False


def set_resolved(
    session: Session, *, thread_id: int, principal: Principal, resolved: bool
) -> Thread:
    report, thread = _lock_thread(
        session, thread_id=thread_id, principal=principal, roles=SPEAKING_ROLES
    )
    if not _may_resolve(session, thread, principal):
        raise Forbidden("The thread's opener, the amendment's proposer or the chair decides this.")
    if (thread.resolved_at is not None) == resolved:
        state = "resolved" if resolved else "open"
        raise InvalidState(f"Thread {thread.id} is already {state}.")
    thread.resolved_at = utcnow() if resolved else None
    session.flush()
    record_event(
        session,
        report_id=report.id,
        type="thread.resolved" if resolved else "thread.reopened",
        actor_id=principal.participant_id,
        payload={"thread_id": thread.id},
    )
    return thread


def set_published(
    session: Session, *, thread_id: int, principal: Principal, published: bool
) -> Thread:
    """The chair lets the public read a thread (without names), or takes it back."""
    report, thread = _lock_thread(
        session, thread_id=thread_id, principal=principal, roles=frozenset({Role.chair})
    )
    if thread.published != published:
        thread.published = published
        session.flush()
        record_event(
            session,
            report_id=report.id,
            type="thread.published" if published else "thread.unpublished",
            actor_id=principal.participant_id,
            payload={"thread_id": thread.id},
        )
    return thread


def get_thread(session: Session, *, thread_id: int, principal: Principal | None) -> Thread:
    """A reader outside the group sees a thread only once the chair published it."""
    thread = session.get(Thread, thread_id)
    if thread is None:
        raise NotFound(f"No thread {thread_id}.")
    report = reports.get_report(session, report_id=thread.report_id, principal=principal)
    if not thread.published and not visibility.reads_unpublished(report, principal):
        raise NotFound(f"No thread {thread_id}.")
    _ensure_part_readable(session, report, thread, principal)
    return thread


def earlier_wordings(session: Session, amendment_id: int) -> list[int]:
    """`amendment_id` and every wording it revises (`supersedes_id`, back to the first): a
    revision filed to resolve an objection carries the discussion of the ones before it."""
    chain: list[int] = []
    current: int | None = amendment_id
    while current is not None and current not in chain:
        chain.append(current)
        current = session.scalar(select(Amendment.supersedes_id).where(Amendment.id == current))
    return chain


def list_threads(
    session: Session,
    *,
    report: Report,
    principal: Principal | None,
    amendment_id: int | None,
    section_id: int | None,
    after: int,
    limit: int,
    question_id: int | None = None,
) -> tuple[list[Thread], int | None]:
    query = select(Thread).where(Thread.report_id == report.id)
    if not visibility.reads_unpublished(report, principal):
        query = query.where(Thread.published.is_(True))
    if amendment_id is not None:
        query = query.where(Thread.amendment_id.in_(earlier_wordings(session, amendment_id)))
    if section_id is not None:
        query = query.where(Thread.section_id == section_id)
    if question_id is not None:
        query = query.where(Thread.question_id == question_id)
    hidden = visibility.hidden_sections(session, report, principal)
    if hidden:
        hidden_amendments = select(Amendment.id).where(Amendment.section_id.in_(hidden))
        query = query.where(
            or_(Thread.section_id.is_(None), Thread.section_id.not_in(hidden)),
            or_(Thread.amendment_id.is_(None), Thread.amendment_id.not_in(hidden_amendments)),
        )
    return page_query(session, query, Thread.id, after=after, limit=limit)
