"""A direct text edit moves a section as an adoption does: the amendment on the floor of that
section is checked against the new head, and one that no longer merges leaves the floor as
conflicted, the reason on the meeting's `floor_note` (issue 30). Adoptions, brackets and the
chair's "next" check it themselves; a direct edit belongs to the reports domain, which
cannot call this one, so the check is a session listener installed by app/wiring.py: it
holds whatever the code path that writes the version."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.amendments.applying import leave_floor_conflicted
from app.amendments.models import Amendment, AmendmentStatus
from app.amendments.rebase import rebase
from app.db import unit_of_work
from app.reports.models import Report, Section, Version, VersionSource


def note_direct_edits(session: Session, _context: object) -> None:
    """after_flush: remember the sections a direct edit gave a new version."""
    for obj in session.new:
        if isinstance(obj, Version) and obj.source == VersionSource.edit:
            unit_of_work(session).edited_sections.add(obj.section_id)


def recheck_floor_after_edits(session: Session) -> None:
    """before_commit: the amendment on the floor of an edited section must still merge."""
    work = unit_of_work(session)
    if not work.edited_sections:
        return
    session.flush()
    edited, work.edited_sections = work.edited_sections, set()
    on_floor = session.scalars(
        select(Amendment)
        .where(
            Amendment.section_id.in_(sorted(edited)),
            Amendment.status == AmendmentStatus.on_floor,
        )
        .order_by(Amendment.id)
    ).all()
    for amendment in on_floor:
        section = session.get(Section, amendment.section_id)
        report = session.get(Report, amendment.report_id)
        if section is None or report is None:
            continue
        if not rebase(session, amendment, section=section).applies:
            leave_floor_conflicted(session, report, amendment, section)
    session.flush()
