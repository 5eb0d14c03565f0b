"""Anchors against the database: fixing one on the posted text, and following many to today's
text through the versions' recorded edits (the pure rules are in `text/anchors.py`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.consultations.models import Comment, Consultation, Scope
from app.consultations.schemas import Anchor, CurrentAnchor
from app.consultations.service.consultations import posted_outline
from app.errors import Unprocessable
from app.reports import service as reports
from app.reports.models import Section, Version
from app.text import anchors
from app.text.edits import Edit
from app.text.outline import Placed


@dataclass(frozen=True)
class Fixed:
    scope: Scope
    section_id: int | None = None
    posted_version: int | None = None
    paragraph: int | None = None
    start: int | None = None
    end: int | None = None
    quote: str = ""


def fix_anchor(session: Session, consultation: Consultation, anchor: Anchor) -> Fixed:
    """Check `anchor` against the posted text and pin it there (422 when it names nothing)."""
    if anchor.section_id is None:
        return Fixed(scope=Scope.general)
    placed = next(
        (p for p in posted_outline(session, consultation) if p.node.id == anchor.section_id),
        None,
    )
    if placed is None:
        raise Unprocessable(f"Section {anchor.section_id} is not open for comment here.")
    node = placed.node
    if (anchor.paragraph, anchor.quote, anchor.start, anchor.end) == (None,) * 4:
        return Fixed(scope=Scope.section, section_id=node.id, posted_version=node.version)
    text = node.text or ""
    try:
        span = anchors.locate(
            text,
            first_paragraph=placed.first_paragraph,
            paragraph=anchor.paragraph,
            quote=anchor.quote,
            start=anchor.start,
            end=anchor.end,
        )
    except anchors.AnchorError as error:
        raise Unprocessable(str(error)) from error
    return Fixed(
        scope=Scope.range,
        section_id=node.id,
        posted_version=node.version,
        paragraph=anchors.paragraph_of(text, span.start, first_paragraph=placed.first_paragraph),
        start=span.start,
        end=span.end,
        quote=text[span.start : span.end],
    )


def current_anchors(
    session: Session, *, report_id: int, comments: Sequence[Comment]
) -> dict[int, CurrentAnchor]:
    """Where each anchored comment's passage stands in the head text: carried through every
    version's edits since the posted one; outdated once an edit reached into it or its
    section left the outline."""
    anchored = [
        (c, c.section_id, c.posted_version)
        for c in comments
        if c.section_id is not None and c.posted_version is not None
    ]
    if not anchored:
        return {}
    chains = _edits_since(session, anchored)
    live = {
        s.id: s
        for s in session.scalars(
            select(Section).where(Section.id.in_({section_id for _c, section_id, _p in anchored}))
        )
        if s.removed_at is None
    }
    heads = {
        n.node.id: n for n in reports.outline(session, report_id=report_id) if n.node.id in live
    }
    head_texts = {
        section_id: text
        for section_id, text in session.execute(
            select(Version.section_id, Version.text)
            .join(Section, Section.id == Version.section_id)
            .where(Section.id.in_(list(live)), Version.number == Section.head_version)
        ).tuples()
    }
    found: dict[int, CurrentAnchor] = {}
    for c, section_id, posted in anchored:
        placed = heads.get(section_id)
        if placed is None:  # the section was removed from the outline
            found[c.id] = CurrentAnchor(
                outdated=True, version=None, paragraph=None, start=None, end=None
            )
            continue
        chain = [edits for number, edits in chains[section_id] if number > posted]
        found[c.id] = _carried(c, placed, chain, head_texts[section_id])
    return found


def _edits_since(
    session: Session, anchored: Sequence[tuple[Comment, int, int]]
) -> dict[int, list[tuple[int, list[Edit]]]]:
    """Each section's versions after the oldest posted one any comment read, with edits."""
    oldest: dict[int, int] = {}
    for _c, section_id, posted in anchored:
        oldest[section_id] = min(oldest.get(section_id, posted), posted)
    return reports.edits_after(session, oldest)


def _carried(
    comment: Comment, placed: Placed, chain: list[list[Edit]], head_text: str
) -> CurrentAnchor:
    version = placed.node.version
    if comment.scope != Scope.range or comment.start is None or comment.end is None:
        # the whole section: no one paragraph
        return CurrentAnchor(outdated=False, version=version, paragraph=None, start=None, end=None)
    span = anchors.carry_span(anchors.Span(comment.start, comment.end), chain)
    if span is None:
        return CurrentAnchor(outdated=True, version=version, paragraph=None, start=None, end=None)
    return CurrentAnchor(
        outdated=False,
        version=version,
        paragraph=anchors.paragraph_of(
            head_text, span.start, first_paragraph=placed.first_paragraph
        ),
        start=span.start,
        end=span.end,
    )
