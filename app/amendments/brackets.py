"""Adopting alternatives as brackets (DESIGN.md, "Bracket"): instead of choosing one wording
of an alternative group, the chair adopts two or more of them side by side. The section's
new version holds `[option A / option B]` where the wordings differ, every chosen wording
is adopted into that one version, and the section records an open point whose options name
their amendments (`app/reports/open_points.py` tracks it from there)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.amendments.actions import clear_floor, record, require_status
from app.amendments.applying import after_the_section_moved
from app.amendments.locking import NO_PRECONDITION, lock_amendment
from app.amendments.models import Amendment, AmendmentStatus
from app.amendments.own_base import adopted
from app.amendments.queries import group_root
from app.amendments.rebase import conflict_error, rebase
from app.auth import Principal
from app.errors import InvalidState, NotFound, Unprocessable, present
from app.groups.models import Role
from app.meetings.models import deciding_session, decision_payload
from app.reports import service as reports
from app.reports.models import OpenPoint, Report, Section, Version, VersionSource
from app.text.brackets import bracket
from app.text.edits import apply_edits, compute_edits
from app.text.edits import to_json as edits_json


def _alternatives(
    session: Session, amendment_ids: Sequence[int], first: Amendment
) -> list[Amendment]:
    """The chosen amendments, in the order given: open wordings of one alternative group."""
    rows = {
        a.id: a
        for a in session.scalars(
            select(Amendment)
            .where(Amendment.id.in_(amendment_ids))
            .execution_options(populate_existing=True)
        )
    }
    chosen = [rows[i] for i in amendment_ids if i in rows]
    if len(chosen) != len(amendment_ids) or any(a.report_id != first.report_id for a in chosen):
        missing = [
            i for i in amendment_ids if i not in rows or rows[i].report_id != first.report_id
        ]
        raise NotFound(f"No amendments {missing} in this report.")
    root = group_root(first)
    if any(group_root(a) != root for a in chosen):
        raise InvalidState(
            "Only alternatives of one group (`alternative_to`) can be kept as brackets."
        )
    for amendment in chosen:
        require_status(
            amendment,
            AmendmentStatus.proposed,
            AmendmentStatus.on_floor,
            action="adopt as a bracket",
        )
    return chosen


def _wordings(
    session: Session, chosen: Sequence[Amendment], *, section: Section, head: str
) -> list[str]:
    """The section's head text as each amendment would make it (a conflict: 409)."""
    wordings = []
    for amendment in chosen:
        rebased = rebase(session, amendment, section=section)
        if rebased.edits is None:
            raise conflict_error(session, amendment.id, rebased, section=section)
        wordings.append(apply_edits(head, rebased.edits))
    return wordings


def adopt_as_brackets(
    session: Session,
    *,
    section_id: int,
    amendment_ids: Sequence[int],
    principal: Principal,
    if_match: str | None,
) -> OpenPoint:
    """The chair keeps the chosen alternatives of `section_id` open in the text (while
    drafting); `if_match`: the section's ETag, as for any write to its text."""
    if len(set(amendment_ids)) != len(amendment_ids) or len(amendment_ids) < 2:
        raise Unprocessable("Name two or more different alternatives.")
    report, first = lock_amendment(
        session,
        amendment_id=amendment_ids[0],
        principal=principal,
        roles=[Role.chair],
        if_match=NO_PRECONDITION,
    )
    reports.ensure_drafting(report, "Adopting alternatives as brackets")
    sitting = deciding_session(session, report.id, decision="Adopting alternatives as brackets")
    chosen = _alternatives(session, amendment_ids, first)
    section = present(session.get(Section, first.section_id), f"No section {first.section_id}.")
    if section.id != section_id:
        raise NotFound(f"No amendment {first.id} on section {section_id}.")
    reports.require_section_match(session, section, if_match)
    head = reports.get_version(session, section=section, number=section.head_version)
    bracketed = bracket(_wordings(session, chosen, section=section, head=head.text))
    if bracketed is None:
        raise InvalidState("These alternatives give the same text: there is nothing to bracket.")
    version = reports.append_version(
        session,
        section=section,
        text=bracketed.text,
        author_id=principal.participant_id,
        source=VersionSource.amendment,
        amendment_id=chosen[0].id,
        amendment_revision=chosen[0].draft_revision,
        edits=edits_json(compute_edits(head.text, bracketed.text)),
    )
    point = reports.record_open_point(
        session,
        section=section,
        version=version,
        span=(bracketed.start, bracketed.end),
        options=[(a.id, text) for a, text in zip(chosen, bracketed.options, strict=True)],
        actor_id=principal.participant_id,
    )
    _mark_adopted(
        session, report, chosen, version=version, point=point, actor_id=principal.participant_id
    )
    after_the_section_moved(
        session, report=report, adopted=first, actor_id=principal.participant_id
    )
    payload = decision_payload(sitting, "adopt_as_brackets", amendment_id=first.id)
    record(session, report, "session.decided", principal.participant_id, **payload)
    return point


def _mark_adopted(
    session: Session,
    report: Report,
    chosen: Sequence[Amendment],
    *,
    version: Version,
    point: OpenPoint,
    actor_id: int | None,
) -> None:
    """Every chosen wording is adopted into the one bracketed version."""
    for index, amendment in enumerate(chosen, start=1):
        adopted(amendment, version.number)
        amendment.outcome_note = f"Adopted as option {index} of open point {point.id}."
        clear_floor(session, amendment)
    session.flush()
    for amendment in chosen:
        record(
            session,
            report,
            "amendment.adopted",
            actor_id,
            amendment_id=amendment.id,
            section_id=amendment.section_id,
            version=version.number,
            sha256=version.sha256,
        )
