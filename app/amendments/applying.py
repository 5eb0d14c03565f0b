"""Applying an amendment creates exactly one new version of its section, in the same
transaction that marks it adopted (DESIGN.md, "Applying"); then its alternatives are
superseded and the section's open consent rounds are checked against the new head."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import (
    Select,
    inspect,
    select,
)
from sqlalchemy.orm import Session, defer

from app.amendments.actions import clear_floor, close, record
from app.amendments.models import (
    Amendment,
    AmendmentStatus,
    AmendmentStructure,
)
from app.amendments.own_base import (
    adopted,
    moved_with_it_clause,
    moved_with_it_params,
    on_its_own_base,
)
from app.amendments.queries import LONG_TEXTS, group_root
from app.amendments.rebase import conflict_error, rebase, rebase_many
from app.amendments.structure_apply import apply_structure
from app.amendments.structure_check import check
from app.errors import MergeConflict, present
from app.meetings.models import Meeting
from app.reports import service as reports
from app.reports.models import Report, Section, Version, VersionSource
from app.text.edits import Edit, apply_edits
from app.text.edits import to_json as edits_json


def apply_amendment(
    session: Session, *, report: Report, amendment: Amendment, actor_id: int | None
) -> Version | None:
    """Adopt: exactly one new version, in this transaction, or a MergeConflict. The
    amendment's recorded edits are carried onto the head; no text is diffed here. The caller
    holds the report lock, so no other writer appends a version meanwhile. A structural
    amendment makes its outline change and the versions it implies (none for a move)."""
    if amendment.structure is not None:
        return _apply_structural(session, report=report, amendment=amendment, actor_id=actor_id)
    # Reads and writes in a known order: nothing read here depends on what this function has
    # written, so one flush (append_version's, which the version chain read below needs)
    # writes them together, rather than one flush set off by each small read.
    with session.no_autoflush:
        return _apply_text(session, report=report, amendment=amendment, actor_id=actor_id)


def _apply_text(
    session: Session, *, report: Report, amendment: Amendment, actor_id: int | None
) -> Version:
    on_floor = amendment.status == AmendmentStatus.on_floor
    written = on_its_own_base(session, amendment)
    others: bool | None = None  # None: not known, read them
    if written is not None:
        section, version, others = written
    else:
        section = present(
            session.get(Section, amendment.section_id), f"No section {amendment.section_id}."
        )
        rebased = rebase(session, amendment, section=section)
        if rebased.edits is None:
            raise conflict_error(session, amendment.id, rebased, section=section)
        text = _adopted_text(session, amendment, section, rebased.edits)
        # Adopted before the version is appended, so that append_version's flush writes the
        # amendment's row once, with the version (its number: the next one, or StaleBase).
        adopted(amendment, section.head_version + 1)
        version = reports.append_version(
            session,
            section=section,
            text=text,
            author_id=amendment.proposer_id,
            source=VersionSource.amendment,
            amendment_id=amendment.id,
            amendment_revision=amendment.draft_revision,
            edits=edits_json(rebased.edits),
        )
    if on_floor:
        # Only an amendment on the floor is a meeting's floor amendment (put_on_floor takes
        # it from proposed; every way off the floor clears it): one in a consent round or
        # a notice never was.
        clear_floor(session, amendment)
    record(
        session,
        report,
        "amendment.adopted",
        actor_id,
        amendment_id=amendment.id,
        section_id=section.id,
        version=version.number,
        sha256=version.sha256,
    )
    _after_sections_moved(
        session,
        report=report,
        adopted=amendment,
        sections=[section],
        removed=[],
        actor_id=actor_id,
        others=others,
    )
    return version


def _adopted_text(
    session: Session, amendment: Amendment, section: Section, edits: list[Edit]
) -> str:
    """The section's next text: the amendment's own wording when its base is still the head
    (its recorded edits are exactly base -> wording: `record_wording`), with no read of the
    head; else the head with the carried edits applied."""
    if (
        amendment.base_version == section.head_version
        and "proposed_text" not in inspect(amendment).unloaded
    ):
        return amendment.proposed_text
    head = reports.get_version(session, section=section, number=section.head_version)
    return apply_edits(head.text, edits)


def _apply_structural(
    session: Session, *, report: Report, amendment: Amendment, actor_id: int | None
) -> Version | None:
    structure = session.get(AmendmentStructure, amendment.id)
    if structure is None:
        raise LookupError(f"Amendment {amendment.id} has no structure")
    applied = apply_structure(
        session, report=report, amendment=amendment, structure=structure, actor_id=actor_id
    )
    _after_sections_moved(
        session,
        report=report,
        adopted=amendment,
        sections=applied.changed,
        removed=applied.removed,
        actor_id=actor_id,
    )
    if amendment.resulting_version is None:
        return None
    section = present(
        session.get(Section, amendment.section_id), f"No section {amendment.section_id}."
    )
    return reports.get_version(session, section=section, number=amendment.resulting_version)


def _after_the_section_moved(
    session: Session, *, report: Report, adopted: Amendment, actor_id: int | None
) -> None:
    section = present(session.get(Section, adopted.section_id), f"No section {adopted.section_id}.")
    _after_sections_moved(
        session, report=report, adopted=adopted, sections=[section], removed=[], actor_id=actor_id
    )


def _after_sections_moved(
    session: Session,
    *,
    report: Report,
    adopted: Amendment,
    sections: list[Section],
    removed: list[int],
    actor_id: int | None,
    others: bool | None = None,
) -> None:
    """The other wordings of the adopted one's group are superseded; the open rounds of the
    sections it changed are rechecked, and so are the report's open structural rounds;
    amendments to sections it removed end as conflicted. One read finds them all (none when
    `others` is False: the adoption's own write found that there are none)."""
    if others is False and not removed:
        return
    touched = [s.id for s in sections]
    root = group_root(adopted)
    still_open = list(
        session.scalars(
            _MOVED_WITH_IT[bool(removed)],
            {
                **moved_with_it_params(adopted, touched),
                "of_report": report.id,
                **({"removed": removed} if removed else {}),
            },
        )
    )
    for other in still_open:
        if root in (other.id, other.alternative_to_id) or other.section_id in removed:
            gone = other.section_id in removed
            close(
                session,
                report,
                other,
                AmendmentStatus.conflicted if gone else AmendmentStatus.superseded,
                actor_id,
                f"Amendment {adopted.id} removed section {other.section_id}."
                if gone
                else f"Alternative {adopted.id} was adopted.",
            )
    texts = [a for a in still_open if a.structure is None]
    for section in sections:
        mine = [a for a in texts if a.section_id == section.id]
        recheck_open_rounds(session, report=report, section=section, candidates=mine)
    recheck_structural_rounds(session, report=report, candidates=still_open)


def _moved_with_it(*, removing: bool) -> Select[Amendment]:
    """What an adoption may end or must recheck, other than the adopted amendment: the still
    open wordings of its group (superseded), every still open amendment to a section it
    removed (conflicted; `removing`: the adoption removed sections), the rounds and the floor
    amendment of the sections it changed, and the report's structural rounds (rechecked). A
    proposed amendment elsewhere is not touched: it is rebased when it is decided.

    Each branch of the UNION is a range of an index of its own, so the read does not grow
    with the report's other open amendments: the structural rounds are found through
    `amendment_structure`'s report index (reading every amendment of the report for its
    `structure` column grew with them; and as branches of one OR, the subquery made
    PostgreSQL scan the whole table). Their texts are not needed: rebasing reads only
    recorded edits. Built once: every adoption runs it."""
    return (
        select(Amendment)
        .where(moved_with_it_clause(removing=removing))
        .options(*(defer(column) for column in LONG_TEXTS))
        .order_by(Amendment.id)
    )


_MOVED_WITH_IT = {removing: _moved_with_it(removing=removing) for removing in (False, True)}


def recheck_structural_rounds(
    session: Session, *, report: Report, candidates: Iterable[Amendment]
) -> None:
    """A structural amendment in a consent round that no longer applies ends as conflicted."""
    for other in candidates:
        if other.structure is None or not other.is_round_open:
            continue
        structure = session.get(AmendmentStructure, other.id)
        if structure is None:
            continue
        try:
            check(session, structure)
        except MergeConflict as conflict:
            close(
                session,
                report,
                other,
                AmendmentStatus.conflicted,
                None,
                f"The report changed where this amendment applies: {conflict.detail}",
            )


def recheck_open_rounds(
    session: Session,
    *,
    report: Report,
    section: Section,
    candidates: Iterable[Amendment],
) -> None:
    """The section moved on: a round (or the amendment on the floor) whose amendment no
    longer carries onto the head ends as conflicted; one that still does keeps its consents.
    `candidates`: the section's open amendments. Arithmetic on recorded edits only: forty
    open rounds cost forty list walks. A round blocked by objections that may still be
    withdrawn is checked too: if they are, its last answer must be able to apply it."""
    candidates = list(candidates)
    on_floor = [a for a in candidates if a.status == AmendmentStatus.on_floor]
    for other_id, rebased in rebase_many(session, on_floor, section=section).items():
        if not rebased.applies:
            other = next(a for a in on_floor if a.id == other_id)
            leave_floor_conflicted(session, report, other, section)
    rounds = [a for a in candidates if a.is_round_open]
    for other_id, rebased in rebase_many(session, rounds, section=section).items():
        if rebased.applies:
            continue
        other = next(a for a in rounds if a.id == other_id)
        close(
            session,
            report,
            other,
            AmendmentStatus.conflicted,
            None,
            f"Version {section.head_version} of the section overlaps this amendment.",
        )


def leave_floor_conflicted(
    session: Session,
    report: Report,
    amendment: Amendment,
    section: Section,
    called_by: Meeting | None = None,
) -> None:
    """An amendment that no longer merges onto its section's head ends as conflicted; if it
    was on the floor (or `called_by` a meeting's chair from its queue), the floor says why."""
    reason = f"Version {section.head_version} of the section overlaps this amendment."
    meeting = called_by or session.scalar(
        select(Meeting).where(Meeting.floor_amendment_id == amendment.id)
    )
    close(session, report, amendment, AmendmentStatus.conflicted, None, reason)
    if meeting is not None:
        meeting.floor_note = f"Amendment {amendment.id} left the floor, conflicted: {reason}"


# Adopting alternatives as brackets (brackets.py) moves the section the same way.
after_the_section_moved = _after_the_section_moved
