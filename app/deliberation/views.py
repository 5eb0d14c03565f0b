"""What a caller sees of threads, reservations and open points: the attributed read models,
or their public views (`app.visibility` decides which; Chatham House)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import TypeVar

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import visibility
from app.auth import Principal
from app.deliberation.models import Reservation, Thread, ThreadMessage
from app.deliberation.schemas import (
    PUBLIC_VIEWS,
    Mention,
    MessageRead,
    OpenPointRead,
    OptionRead,
    ReservationRead,
    ThreadRead,
)
from app.groups.models import Participant
from app.reports import service as reports
from app.reports.models import OpenPoint
from app.text.mentions import paragraph_mentions

Read = TypeVar("Read", bound=BaseModel)


def _as_seen_by(reads: list[Read], principal: Principal | None) -> list[Read]:
    if visibility.is_attributed(principal):
        return reads
    return [visibility.redacted(r, PUBLIC_VIEWS) for r in reads]


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(select(Participant.id, Participant.name).where(Participant.id.in_(ids)))
    return dict(rows.tuples().all())


def _mentions(session: Session, report_id: int, bodies: Sequence[str]) -> dict[str, list[Mention]]:
    numbers = {body: paragraph_mentions(body) for body in bodies}
    owners = reports.paragraph_owners(
        session, report_id=report_id, numbers=[n for found in numbers.values() for n in found]
    )
    return {
        body: [
            Mention(paragraph=n, section_id=owners[n], url=f"/v1/sections/{owners[n]}")
            for n in found
            if n in owners
        ]
        for body, found in numbers.items()
    }


def _messages_of(session: Session, threads: Sequence[Thread]) -> dict[int, list[ThreadMessage]]:
    messages: dict[int, list[ThreadMessage]] = defaultdict(list)
    for message in session.scalars(
        select(ThreadMessage)
        .where(ThreadMessage.thread_id.in_([t.id for t in threads]))
        .order_by(ThreadMessage.id)
    ):
        messages[message.thread_id].append(message)
    return messages


def thread_views(
    session: Session, threads: Sequence[Thread], principal: Principal | None
) -> list[ThreadRead]:
    if not threads:
        return []
    report_id = threads[0].report_id
    messages = _messages_of(session, threads)
    every = [m for found in messages.values() for m in found]
    names = _names(session, {m.author_id for m in every} | {t.opener_id for t in threads})
    mentions = _mentions(session, report_id, [m.body for m in every])
    where = reports.current_paragraphs(
        session,
        report_id=report_id,
        anchored=[
            (t.id, reports.ParagraphAnchor(t.section_id, t.anchor_version, t.anchor_start))
            for t in threads
            if t.section_id is not None
            and t.anchor_version is not None
            and t.anchor_start is not None
        ],
    )
    reads = [
        ThreadRead(
            id=t.id,
            report_id=t.report_id,
            subject=t.subject,
            amendment_id=t.amendment_id,
            objection_id=t.consent_id,
            section_id=t.section_id,
            question_id=t.question_id,
            paragraph=t.paragraph,
            current_paragraph=where[t.id].paragraph if t.id in where else None,
            title=t.title,
            published=t.published,
            resolved=t.resolved_at is not None,
            resolved_at=t.resolved_at,
            created_at=t.created_at,
            messages=[
                MessageRead(
                    id=m.id,
                    thread_id=m.thread_id,
                    parent_id=m.parent_id,
                    body=m.body,
                    mentions=mentions[m.body],
                    created_at=m.created_at,
                    author_id=m.author_id,
                    author_name=names.get(m.author_id),
                )
                for m in messages[t.id]
            ],
            opener_id=t.opener_id,
            opener_name=names.get(t.opener_id),
        )
        for t in threads
    ]
    return _as_seen_by(reads, principal)


def message_view(
    session: Session, message: ThreadMessage, report_id: int, principal: Principal | None
) -> MessageRead:
    read = MessageRead(
        id=message.id,
        thread_id=message.thread_id,
        parent_id=message.parent_id,
        body=message.body,
        mentions=_mentions(session, report_id, [message.body])[message.body],
        created_at=message.created_at,
        author_id=message.author_id,
        author_name=_names(session, {message.author_id}).get(message.author_id),
    )
    return _as_seen_by([read], principal)[0]


def reservation_views(
    session: Session, found: Sequence[Reservation], principal: Principal | None
) -> list[ReservationRead]:
    if not found:
        return []
    names = _names(session, {r.participant_id for r in found})
    where = reports.current_paragraphs(
        session,
        report_id=found[0].report_id,
        anchored=[
            (r.id, reports.ParagraphAnchor(r.section_id, r.anchor_version, r.anchor_start))
            for r in found
        ],
    )
    reads = [
        ReservationRead(
            id=r.id,
            report_id=r.report_id,
            section_id=r.section_id,
            paragraph=r.paragraph,
            current_paragraph=where[r.id].paragraph,
            text=r.text,
            attributed=r.attributed,
            named_as=names.get(r.participant_id) if r.attributed else None,
            withdrawn=r.withdrawn_at is not None,
            created_at=r.created_at,
            participant_id=r.participant_id,
            participant_name=names.get(r.participant_id),
        )
        for r in found
    ]
    return _as_seen_by(reads, principal)


def open_point_read(point: OpenPoint) -> OpenPointRead:
    return OpenPointRead(
        id=point.id,
        report_id=point.report_id,
        section_id=point.section_id,
        status=point.status,
        text=point.text,
        options=[OptionRead.model_validate(o) for o in point.options],
        created_version=point.created_version,
        version=point.version,
        start=point.start,
        end=point.end,
        note=point.note,
        resolved_version=point.resolved_version,
        kept_at=point.kept_at,
        resolved_at=point.resolved_at,
        created_at=point.created_at,
    )
