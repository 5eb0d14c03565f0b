"""Analyse a new wording before the write transaction (see `idempotency.prepared_by`).

A proposal or a live-drafting revision is diffed against its base here, with no lock held;
inputs past `offload.OFFLOAD_CHARS` are diffed in the worker process, so a 1 MB proposal
holds neither the database's write lock nor this process's GIL. The endpoint uses the result
only if the base and the wording are still the ones analysed (`rebase.wording_of`).
Anything this step cannot read (bad body, unknown ids) is left for the endpoint to refuse.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import anyio.to_thread
from fastapi import Request
from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.amendments.models import Amendment
from app.amendments.rebase import Prepared
from app.amendments.schemas import AmendmentCreate, AmendmentRevise, DraftRevise, ProposalSketch
from app.db import Database
from app.groups.models import PROPOSING_ROLES
from app.preparing import (
    CheckedPrepare,
    Entitlement,
    Owner,
    entitled_to_prepare,
    prepared_body,
    prepared_path_id,
)
from app.reports import service as reports
from app.reports.models import Section
from app.text import offload
from app.text.analysis import Analysis, analyse
from app.text.diffing import compact_ops
from app.text.patches import PatchError, apply_exact

PREPARED = "prepared_wording"


def amendment_owner(session: Session, amendment_id: int) -> Owner | None:
    """The group of an amendment's report, whether it is public, and its section's part when
    the report is staged (for `Entitlement`)."""
    return reports.section_owner_where(session, amendment_id, join=Amendment)


# Proposing, revising (the proposer or the chair) and live drafting: the roles that propose,
# in the target's group (the finer rules are the endpoint's, under the lock).
PROPOSERS = Entitlement(
    "section_id",
    reports.section_owner,
    PROPOSING_ROLES,
    owner_statement=reports.section_owner_statement,
    owner_row=reports.owner_of_row,
)
REVISERS = Entitlement("amendment_id", amendment_owner, PROPOSING_ROLES)
# A sketch writes nothing: whoever may read the section may have its wording analysed.
SKETCHERS = Entitlement("section_id", reports.section_owner, None)


def prepared(request: Request) -> Prepared | None:
    found: Prepared | None = getattr(request.state, PREPARED, None)
    return found


@dataclass(frozen=True)
class _Wording:
    """A wording and its base, read; `analysis` (and a draft's `screen_ops`) None until made
    in the worker process, for a long text."""

    base_text: str
    base_sha256: str
    first_paragraph: int
    text: str
    analysis: Analysis | None
    screen_ops: list[list[object]] | None


def _base(database: Database, section_id: int, number: int) -> tuple[str, str, int] | None:
    """(text, sha256, first paragraph) of a version: known to this process, or read."""
    store = reports.known_versions_of(database.engine)
    found = store.known(section_id, number)
    if found is not None:
        return found
    with database.session(write=False) as session:
        section = session.get(Section, section_id)
        if section is None or not 1 <= number <= section.head_version:
            return None
        base = reports.get_version(session, section=section, number=number)
        first = reports.first_paragraph_of(session, section=section) or 1
    store.learn(section_id, number, base.text, base.sha256, first)
    return base.text, base.sha256, first


def _wording(
    database: Database,
    *,
    section_id: int,
    base_number: int,
    text: str | None,
    patch: str | None,
    previous: str | None,
    timeout: float,
) -> _Wording | None:
    """The base, the wording, and (for a short one) its analysis: in one thread hop."""
    found = _base(database, section_id, base_number)
    if found is None:
        return None
    base_text, base_sha256, first = found
    if text is None:
        if patch is None:
            return None
        try:
            text = apply_exact(base_text if previous is None else previous, patch)
        except PatchError:
            return None
    analysis = screen_ops = None
    if len(base_text) + len(text) < offload.OFFLOAD_CHARS:
        analysis = analyse(base_text, text, first_paragraph=first, timeout=timeout)
    if previous is not None and len(previous) + len(text) < offload.OFFLOAD_CHARS:
        screen_ops = compact_ops(previous, text)
    return _Wording(base_text, base_sha256, first, text, analysis, screen_ops)


async def _keep(request: Request, wording: _Wording | None, previous: str | None) -> None:
    """Leave the prepared wording for the endpoint, analysing a long one in the worker."""
    if wording is None:
        return
    analysis, screen_ops = wording.analysis, wording.screen_ops
    if analysis is None:
        analysis = await offload.run_async(
            analyse,
            wording.base_text,
            wording.text,
            size=len(wording.base_text) + len(wording.text),
            first_paragraph=wording.first_paragraph,
            timeout=float(request.app.state.settings.diff_timeout_seconds),
        )
    if previous is not None and screen_ops is None:
        screen_ops = await offload.run_async(
            compact_ops, previous, wording.text, size=len(previous) + len(wording.text)
        )
    prepared = Prepared(
        wording.base_sha256, wording.text, wording.first_paragraph, analysis, previous, screen_ops
    )
    setattr(request.state, PREPARED, prepared)


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
    wording = await anyio.to_thread.run_sync(
        lambda: _wording(
            database,
            section_id=section_id,
            base_number=base_number,
            text=text,
            patch=patch,
            previous=previous,
            timeout=timeout,
        )
    )
    await _keep(request, wording, previous)


def new_wording_step(schema: type[AmendmentCreate | ProposalSketch]) -> CheckedPrepare:
    """The prepare step of a new wording against a base (a proposal, or its sketch): the
    caller checked, the body parsed, the base read (unless known) and a short wording
    analysed in one thread hop, since each hop is a turn of the event loop and a wake-up of
    a worker thread (`prepared_by(..., checks_itself=True)`)."""

    async def prepare_new_wording(request: Request, entitlement: Entitlement) -> None:
        section_id = prepared_path_id(request, "section_id")
        if section_id is None or "authorization" not in request.headers:
            return
        raw = await request.body()  # already read by the body limits: no parsing yet
        database: Database = request.app.state.database
        timeout = float(request.app.state.settings.diff_timeout_seconds)
        parsed = None
        if len(raw) < offload.OFFLOAD_CHARS:
            parsed = _parsed(raw, schema)
            if parsed is None:
                return  # the endpoint refuses it
            request._json = parsed[0]  # see below
            if _short_and_known(database, section_id, parsed[1]):
                return

        def parse_and_analyse() -> _Wording | None:
            found = parsed or _parsed(raw, schema)
            if found is None:
                return None  # the endpoint refuses it
            data, body = found
            # Starlette's own cache of `request.json()`: FastAPI reads the body through it,
            # so the body is parsed once, here, not again on the event loop.
            request._json = data
            return _wording(
                database,
                section_id=section_id,
                base_number=body.base_version,
                text=body.text,
                patch=getattr(body, "patch", None),
                previous=None,
                timeout=timeout,
            )

        await _keep(
            request, await entitled_to_prepare(request, entitlement, parse_and_analyse), None
        )

    return prepare_new_wording


def _parsed(
    raw: bytes, schema: type[AmendmentCreate | ProposalSketch]
) -> tuple[object, AmendmentCreate | ProposalSketch] | None:
    """The body as FastAPI parses and validates it, or None (the endpoint refuses it)."""
    try:
        data = json.loads(raw)
        return data, schema.model_validate(data)
    except (ValueError, ValidationError):
        return None


def _short_and_known(
    database: Database, section_id: int, body: AmendmentCreate | ProposalSketch
) -> bool:
    """Whether the endpoint may analyse this wording itself, under its lock: a text (not a
    patch, which may rebuild a long wording from a short body) that with its base, a version
    this process knows, is shorter than `offload.OFFLOAD_CHARS`. Such an analysis runs in
    this process wherever it runs and takes a fraction of a millisecond (a rewording of
    15 KB gained nothing from the step: README, the machinery table), less than the step's
    thread hop and its statement; a longer one, or one on a base not known yet, is prepared."""
    if body.text is None or getattr(body, "patch", None) is not None:
        return False
    known = reports.known_versions_of(database.engine).known(section_id, body.base_version)
    return known is not None and len(known[0]) + len(body.text) < offload.OFFLOAD_CHARS


prepare_proposal = new_wording_step(AmendmentCreate)


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
