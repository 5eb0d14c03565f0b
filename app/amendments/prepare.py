"""Analyse a new wording before the write transaction (see `idempotency.prepared_by`).

A proposal or a live-drafting revision is diffed against its base here, with no lock held;
inputs past `offload.OFFLOAD_CHARS` are diffed in the worker process, so a 1 MB proposal
holds neither the database's write lock nor this process's GIL. The endpoint uses the result
only if the base and the wording are still the ones analysed (`rebase.wording_of`).
Anything this step cannot read (bad body, unknown ids) is left for the endpoint to refuse.
"""

from __future__ import annotations

from fastapi import Request

from app.amendments.models import Amendment
from app.amendments.rebase import Prepared
from app.amendments.schemas import AmendmentCreate, AmendmentRevise, DraftRevise
from app.db import Database
from app.idempotency import prepared_body, prepared_path_id
from app.reports import service as reports
from app.reports.models import Section
from app.text import offload
from app.text.analysis import analyse
from app.text.diffing import compact_ops
from app.text.patches import PatchError, apply_exact

PREPARED = "prepared_wording"


def prepared(request: Request) -> Prepared | None:
    found: Prepared | None = getattr(request.state, PREPARED, None)
    return found


async def analyse_wording(
    request: Request,
    *,
    section_id: int,
    base_number: int,
    text: str | None,
    patch: str | None,
    previous: str | None = None,
) -> None:
    """Read the base and analyse `text` (or the base with `patch` applied) against it, with
    no lock held; the result is `prepared(request)`. `previous`: a draft's current wording,
    which `patch` applies to (else the base) and the screen's ops start from."""
    database: Database = request.app.state.database
    timeout = float(request.app.state.settings.diff_timeout_seconds)

    def read() -> tuple[str, str, int] | None:
        with database.session(write=False) as session:
            section = session.get(Section, section_id)
            if section is None or not 1 <= base_number <= section.head_version:
                return None
            base = reports.get_version(session, section=section, number=base_number)
            first = reports.first_paragraph_of(session, section=section) or 1
            return base.text, base.sha256, first

    found = await offload.run_async(read, size=0)
    if found is None:
        return
    base_text, base_sha256, first = found
    if text is None:
        if patch is None:
            return
        try:
            text = apply_exact(base_text if previous is None else previous, patch)
        except PatchError:
            return
    analysis = await offload.run_async(
        analyse,
        base_text,
        text,
        size=len(base_text) + len(text),
        first_paragraph=first,
        timeout=timeout,
    )
    screen_ops = None
    if previous is not None:
        screen_ops = await offload.run_async(
            compact_ops, previous, text, size=len(previous) + len(text)
        )
    prepared = Prepared(base_sha256, text, first, analysis, previous, screen_ops)
    setattr(request.state, PREPARED, prepared)


async def prepare_proposal(request: Request) -> None:
    section_id = prepared_path_id(request, "section_id")
    if section_id is None or "authorization" not in request.headers:
        return
    body = await prepared_body(request, AmendmentCreate)
    if body is None:
        return
    await analyse_wording(
        request,
        section_id=section_id,
        base_number=body.base_version,
        text=body.text,
        patch=body.patch,
    )


async def prepare_draft_revision(request: Request) -> None:
    """Live drafting: a patch applies to the draft's current wording."""
    await _prepare_rewording(request, DraftRevise, live_drafting=True)


async def prepare_amendment_revision(request: Request) -> None:
    """A revised amendment: a patch applies to the base, as for a proposal."""
    await _prepare_rewording(request, AmendmentRevise, live_drafting=False)


async def _prepare_rewording(
    request: Request, schema: type[DraftRevise | AmendmentRevise], *, live_drafting: bool
) -> None:
    amendment_id = prepared_path_id(request, "amendment_id")
    if amendment_id is None or "authorization" not in request.headers:
        return
    body = await prepared_body(request, schema)
    if body is None:
        return
    database: Database = request.app.state.database

    def read() -> tuple[int, int, str] | None:
        with database.session(write=False) as session:
            amendment = session.get(Amendment, amendment_id)
            if amendment is None:
                return None
            return amendment.section_id, amendment.base_version, amendment.proposed_text

    found = await offload.run_async(read, size=0)
    if found is None:
        return
    section_id, base_version, previous = found
    await analyse_wording(
        request,
        section_id=section_id,
        base_number=base_version,
        text=body.text,
        patch=body.patch,
        previous=previous if live_drafting else None,
    )
