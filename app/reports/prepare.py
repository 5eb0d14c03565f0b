"""Diff a direct edit before the write transaction (see `idempotency.prepared_by`): the
whole new text of a section is compared with the head it names, with no lock held, in the
diff worker process when it is large. The service uses the edits only if that head is
still the head and the text is the one diffed."""

from __future__ import annotations

from fastapi import Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import Database
from app.preparing import Entitlement, Owner, prepared_body, prepared_path_id
from app.reports.models import Report, Section
from app.reports.schemas import VersionCreate
from app.reports.service import PreparedEdits, get_version
from app.reports.stages import ANY_WRITER
from app.text import offload
from app.text.edits import compute_edits

PREPARED = "prepared_edits"


def prepared(request: Request) -> PreparedEdits | None:
    found: PreparedEdits | None = getattr(request.state, PREPARED, None)
    return found


def report_owner(session: Session, report_id: int) -> Owner | None:
    """The group of a report, and whether it is public (for `Entitlement`)."""
    row = session.execute(
        select(Report.group_id, Report.is_public).where(Report.id == report_id)
    ).first()
    return None if row is None else (row[0], row[1])


def section_owner(session: Session, section_id: int) -> Owner | None:
    """The group of a section's report, and whether it is public (for `Entitlement`)."""
    row = session.execute(
        select(Report.group_id, Report.is_public)
        .join(Section, Section.report_id == Report.id)
        .where(Section.id == section_id)
    ).first()
    return None if row is None else (row[0], row[1])


# A direct edit: the chair and the secretariat, or a drafting group's member (its part's
# finer rule is the endpoint's, under the lock).
VERSION_WRITERS = Entitlement("section_id", section_owner, ANY_WRITER)


async def prepare_version_write(request: Request) -> None:
    if "authorization" not in request.headers:
        return
    section_id = prepared_path_id(request, "section_id")
    if section_id is None:
        return
    body = await prepared_body(request, VersionCreate)
    if body is None:
        return
    database: Database = request.app.state.database

    def read() -> tuple[str, str] | None:
        with database.session(write=False) as session:
            section = session.get(Section, section_id)
            if section is None or body.base_version != section.head_version:
                return None
            head = get_version(session, section=section, number=section.head_version)
            return head.text, head.sha256

    found = await offload.run_async(read, size=0)
    if found is None:
        return
    head_text, head_sha256 = found
    edits = await offload.run_async(
        compute_edits,
        head_text,
        body.text,
        size=len(head_text) + len(body.text),
        timeout=float(request.app.state.settings.diff_timeout_seconds),
    )
    setattr(request.state, PREPARED, PreparedEdits(head_sha256, body.text, edits))
