"""Reading and locking a report: who may read it, the write lock every change takes first,
the states that refuse writes (transmitted, not drafting), and the ETags of reports and
sections."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Exists, Select, bindparam, func, select
from sqlalchemy.orm import QueryableAttribute, Session

from app.auth import Principal, beside_token
from app.db import unit_of_work
from app.drafting_groups.models import SectionStage
from app.errors import InvalidState, NotFound, ReportTransmitted, present
from app.etags import etag, require_match
from app.events.models import Event
from app.groups.models import Role
from app.reports.models import Report, ReportStatus, Section
from app.reports.outline import first_paragraph_of
from app.visibility import ensure_readable as ensure_readable
from app.visibility import get_report as get_report
from app.visibility import hidden_sections, stages_of
from app.webhooks.models import Webhook


def report_etag(session: Session, report: Report) -> str:
    """Covers the report's fields and its outline: every change to a report records an event."""
    seq = session.scalar(select(func.max(Event.seq)).where(Event.report_id == report.id)) or 0
    return etag("r", report.id, report.revision)[:-1] + f'.{seq}"'


def section_etag(session: Session, section: Section, *, first: int | None = None) -> str:
    """`first`: the section's first paragraph number, when the caller has it already."""
    if first is None:
        first = first_paragraph_of(session, section=section)
    return etag("s", section.id, section.revision)[:-1] + f'.{first or 0}"'


def require_report_match(session: Session, report: Report, if_match: str | None) -> None:
    require_match(
        if_match,
        report_etag(session, report),
        state={"status": report.status.value, "title": report.title, "revision": report.revision},
    )


def require_section_match(session: Session, section: Section, if_match: str | None) -> None:
    require_match(
        if_match,
        section_etag(session, section),
        state={
            "head_version": section.head_version,
            "label": section.label,
            "heading": section.heading,
            "parent_id": section.parent_id,
            "position": section.position,
            "removed": section.removed_at is not None,
        },
    )


class ReportOf:
    """The report of a row in another table (an amendment's, a thread's), for a lock that
    names the row: made once per table, where it is used, so that its statement (the report
    whose id the row holds, locked) is built once, and each lock binds only the row's id."""

    def __init__(self, report_id: QueryableAttribute[int], row_id: QueryableAttribute[int]):
        owner = select(report_id).where(row_id == bindparam("row_id")).scalar_subquery()
        self.statement = _locking(Report.id == owner)

    def __call__(self, row_id: int) -> OfRow:
        return OfRow(self.statement, row_id)


@dataclass(frozen=True)
class OfRow:
    """The report of one row: `ReportOf(...)(row_id)`."""

    statement: Select[Report, bool]
    row_id: int


def lock_report(
    session: Session,
    *,
    report_id: int | OfRow,
    principal: Principal,
    roles: Iterable[Role],
    missing: str | None = None,
) -> Report:
    """Load a report for a write, holding its row lock until commit.

    Every write to a report takes this lock first, so writes to one report are serialised
    (the event chain, version numbers and consent tallies never race) and always lock in
    the same order (no deadlocks). `report_id` may name the report of the object written
    (`ReportOf`: one query, and that object is then read under the lock); `missing` is the
    404's detail when nothing matches.
    """
    report = lock_report_row(session, report_id=report_id, missing=missing)
    principal.ensure_role(report.group_id, roles)
    return report


def lock_report_row(
    session: Session, *, report_id: int | OfRow, missing: str | None = None
) -> Report:
    """The report's write lock for a write with no role to check (a public comment, the
    clock's sweep): the same lock and chain head as `lock_report`."""
    if isinstance(report_id, int):
        found = session.execute(_lock_query(), {"report_id": report_id}).first()
    else:
        found = session.execute(report_id.statement, {"row_id": report_id.row_id}).first()
    if found is None:
        raise NotFound(missing or f"No report {report_id}.")
    return _noted(session, found)


def _noted(session: Session, found: Any) -> Report:
    # The chain's head, kept on the row by the database: read under the lock, it is the head
    # the next event of this transaction follows (app/events/service.py, record_event). And
    # whether the report's group has an active webhook, read in the same statement: the
    # events' deliveries need no read of their own when it has none (webhooks/delivery.py).
    report: Report = found[0]
    hooked: bool = found[1]
    work = unit_of_work(session)
    work.chain_heads[report.id] = (report.event_seq, report.event_hash)
    work.hooked_reports[report.id] = bool(hooked)
    return report


@cache
def _lock_query() -> Select[Report, bool]:
    return _locking(Report.id == bindparam("report_id"))


@cache
def _lock_by_section_query() -> Select[Report, bool]:
    section = select(Section.report_id).where(Section.id == bindparam("section_id"))
    return _locking(Report.id == section.scalar_subquery())


@cache
def _lock_with_token_query() -> Select[Any]:
    # The lock's statement with the caller's token row beside it (its columns third to fifth).
    return beside_token(_lock_by_section_query(), Report)


@cache
def _section_query() -> Select[Section, bool]:
    return section_read()


def section_read(*also: Any) -> Select[Any]:
    """The section as it stands under the lock (`populate_existing`: not as this session
    last saw it), whether its report has stage rows (stages change under the lock too: an
    unstaged report's stages need no statement of their own), then `also` (entities or
    columns; `Section` may be joined to them by the caller). Build it once: building a
    statement costs about as much as running it."""
    staged = select(SectionStage.section_id).where(SectionStage.report_id == Section.report_id)
    return (
        select(Section, staged.exists(), *also)
        .where(Section.id == bindparam("section_id"))
        .execution_options(populate_existing=True)
    )


def _locking(where: ColumnElement[bool]) -> Select[Report, bool]:
    # Built once each: building a statement costs about as much as running it. `of`: only
    # the report's row is locked (the webhook's EXISTS reads, never locks).
    return (
        select(Report, _hooked())
        .where(where)
        .with_for_update(of=Report)
        .execution_options(populate_existing=True)
    )


def lock_section(
    session: Session, *, section_id: int, principal: Principal, roles: Iterable[Role]
) -> tuple[Report, Section]:
    """The section's report locked as above, and the section as it stands under that lock."""
    report, section, _stage = lock_staged_section(
        session, section_id=section_id, principal=principal, roles=roles
    )
    return report, section


def lock_staged_section(
    session: Session, *, section_id: int, principal: Principal, roles: Iterable[Role]
) -> tuple[Report, Section, SectionStage | None]:
    """`lock_section`, and the section's stage row (None: the default stage) from the same
    read of the report's stages that decided whether the caller may read it. A part the
    caller may not read does not exist for it: 404 before its role is checked (an observer's
    403 would tell it the part is there)."""
    report, section, stage, _caller, _also = lock_staged_section_with(
        session, section_id=section_id, principal=principal, roles=roles
    )
    return report, section, stage


class UnresolvedCaller(Protocol):
    """A caller whose token's row can be read with the lock (app/preparing.py, `Caller`)."""

    def token_hash(self) -> str | None: ...
    def resolve(self) -> Principal: ...
    def resolve_row(self, token_id: int | None, is_admin: bool, participant: Any) -> Principal: ...


def lock_staged_section_with(
    session: Session,
    *,
    section_id: int,
    principal: Principal | UnresolvedCaller,
    roles: Iterable[Role],
    read: Select[Any] | None = None,
    params: Callable[[], dict[str, Any]] | None = None,
) -> tuple[Report, Section, SectionStage | None, Principal, tuple[Any, ...]]:
    """`lock_staged_section`, the section read under the lock by `read` (`section_read`
    with more columns: what the write needs next comes in the same statement) with the
    parameters `params()` gives once the lock is held (a time read after the lock's wait);
    then the caller, and the further columns' values. A caller not yet resolved has its
    token read by the lock's own statement (one statement fewer), and is refused (401, 429)
    before a missing section is a 404, as when its token is read first."""
    statement = _section_query() if read is None else read

    def values() -> dict[str, Any]:  # once the lock is held
        return {"section_id": section_id, **(params() if params else {})}

    hashed = None if isinstance(principal, Principal) else principal.token_hash()
    caller = _resolved(principal) if hashed is None else None
    found: Any = None  # the section's row, when the lock's statement read it
    locked: Any  # the lock's row: the report and whether its group has a webhook first
    if session.get_bind().dialect.name == "sqlite":
        # SQLite's lock is the transaction's BEGIN IMMEDIATE, taken before any statement:
        # the report, the token and the section come in one read under it.
        session.connection()
        both_statement, width = _read_under_begin(statement, with_token=hashed is not None)
        both = session.execute(
            both_statement, values() if hashed is None else {**values(), "token_hash": hashed}
        ).first()
        found, locked = (None, None) if both is None else (both[:width], both[width:])
    elif hashed is None:
        locked = session.execute(_lock_by_section_query(), {"section_id": section_id}).first()
    else:
        locked = session.execute(
            _lock_with_token_query(), {"section_id": section_id, "token_hash": hashed}
        ).first()
    if caller is None:
        caller = _resolved(principal, locked)
    if locked is None:
        raise NotFound(f"No section {section_id}.")
    report = _noted(session, locked)
    caller.ensure_in_group(report.group_id)
    if found is None:
        found = session.execute(statement, values()).first()
        if found is None:
            raise NotFound(f"No section {section_id}.")
    section, staged, *also = found
    ensure_readable(report, caller)
    stages = stages_of(session, report.id) if staged else {}
    if section.id in hidden_sections(session, report, caller, stages=stages):
        raise NotFound(f"No section {section.id}.")
    caller.ensure_role(report.group_id, roles)
    return report, section, stages.get(section.id), caller, tuple(also)


def _resolved(principal: Principal | UnresolvedCaller, locked: Any = None) -> Principal:
    """The caller; one not yet resolved from the token's columns the lock's statement read
    beside the report (`locked`, its third to fifth: `beside_token`) when it found a row."""
    if isinstance(principal, Principal):
        return principal
    if locked is None:
        return principal.resolve()
    return principal.resolve_row(locked[2], locked[3], locked[4])


@cache
def _read_under_begin(read: Select[Any], *, with_token: bool) -> tuple[Select[Any], int]:
    """`read` with the lock's columns after its own (the report, whether its group has a
    webhook, and with a token its three columns), for SQLite, whose lock comes before the
    statement; and how many of the row's values are `read`'s. Built once per read."""
    statement = read.add_columns(Report, _hooked()).join_from(
        Section, Report, Report.id == Section.report_id
    )
    if with_token:
        statement = beside_token(statement, Report)
    return statement.execution_options(populate_existing=True), len(read.column_descriptions)


def _hooked() -> Exists:
    """Whether the report's group has an active webhook, read beside the report's lock."""
    return (
        select(Webhook.id)
        .where(Webhook.group_id == Report.group_id, Webhook.active.is_(True))
        .exists()
    )


def ensure_not_transmitted(report: Report) -> None:
    if report.status == ReportStatus.transmitted:
        raise ReportTransmitted(
            f"Report {report.id} was transmitted on {report.transmitted_at:%Y-%m-%d}; "
            "it can no longer change.",
            report_id=report.id,
        )


def ensure_drafting(report: Report, action: str) -> None:
    ensure_not_transmitted(report)
    if report.status != ReportStatus.drafting:
        raise InvalidState(
            f"{action} is only possible while the report is drafting; it is {report.status}.",
            report_status=report.status.value,
        )


def get_section(session: Session, *, section_id: int, principal: Principal | None) -> Section:
    return readable_section(session, section_id=section_id, principal=principal)[0]


def readable_section(
    session: Session, *, section_id: int, principal: Principal | None
) -> tuple[Section, Report, dict[int, SectionStage]]:
    """The section, its report and the report's stage rows (empty: not staged), each read
    once, for a caller that also decides by them (the section read keeps no staged answer)."""
    section = session.get(Section, section_id)
    if section is None:
        raise NotFound(f"No section {section_id}.")
    report = present(session.get(Report, section.report_id), f"No report {section.report_id}.")
    ensure_readable(report, principal)
    stages = stages_of(session, report.id)
    if section.id in hidden_sections(session, report, principal, stages=stages):
        raise NotFound(f"No section {section_id}.")
    return section, report, stages
