"""Work a report's writes do before the write gate (see `preparing.prepared_by`).

A direct edit: the whole new text of a section is compared with the head it names, with no
lock held, in the diff worker process when it is large; the service uses the edits only if
that head is still the head and the text is the one diffed. A Markdown import: the document
is parsed (in the worker process when it is large), only for who may import there; the
service uses it only for the same source."""

from __future__ import annotations

from fastapi import Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import Database
from app.groups.models import DRAFTING_ROLES
from app.preparing import Entitlement, Owner, prepared_body, prepared_path_id
from app.reports.models import Report, Section
from app.reports.schemas import ReportImport, VersionCreate
from app.reports.service import PreparedEdits, get_version, section_owner
from app.reports.stages import ANY_WRITER
from app.text import markdown, offload
from app.text.edits import compute_edits

PREPARED = "prepared_edits"
PARSED = "parsed_import"


def prepared(request: Request) -> PreparedEdits | None:
    found: PreparedEdits | None = getattr(request.state, PREPARED, None)
    return found


def report_owner(session: Session, report_id: int) -> Owner | None:
    """The group of a report, and whether it is public (for `Entitlement`)."""
    row = session.execute(
        select(Report.group_id, Report.is_public).where(Report.id == report_id)
    ).first()
    return None if row is None else Owner(row[0], row[1])


def group_owner(_session: Session, group_id: int) -> Owner:
    """A group is its own owner (no read: another group's participant never matches it)."""
    return Owner(group_id, False)


# Creating a report from a document (Markdown or Word): the chair or the secretariat.
IMPORTERS = Entitlement("group_id", group_owner, DRAFTING_ROLES)

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


async def prepare_markdown_import(request: Request) -> None:
    body = await prepared_body(request, ReportImport)
    if body is None:
        return
    source = body.markdown
    document = await offload.run_async(markdown.parse, source, size=len(source))
    setattr(request.state, PARSED, (source, document))


def parsed_import(request: Request, source: str) -> markdown.ParsedDocument | None:
    """The document the prepare step parsed, if it parsed this source."""
    found: tuple[str, markdown.ParsedDocument] | None = getattr(request.state, PARSED, None)
    return found[1] if found is not None and found[0] == source else None
