"""How every amendment write begins: the report's row lock, deadlines settled, the
caller's role, the part's readability and If-Match checked (so decisions on one report are
serialised)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from app.amendments.models import Amendment
from app.amendments.queries import ANY_DUE, amendment_etag
from app.amendments.settling import settle_due
from app.auth import Principal
from app.clock import utcnow
from app.drafting_groups.models import SectionStage
from app.errors import NotFound, present
from app.etags import require_match
from app.groups.models import Role
from app.reports import service as reports
from app.reports.models import Report
from app.visibility import SEES_ALL_PARTS, stage_hides

NO_PRECONDITION = object()

# Built once (every amendment write runs them): building a statement costs about as much as
# running it.
_REPORT = reports.ReportOf(Amendment.report_id, Amendment.id)
_WITH_STAGE = (
    select(Amendment, SectionStage, ANY_DUE)
    .outerjoin(SectionStage, SectionStage.section_id == Amendment.section_id)
    .where(Amendment.id == bindparam("amendment_id"))
)


def lock_amendment(
    session: Session,
    *,
    amendment_id: int,
    principal: Principal,
    roles: Iterable[Role],
    if_match: str | object | None,
) -> tuple[Report, Amendment]:
    """Lock the amendment's report, settle deadlines, then check the caller's If-Match
    (`NO_PRECONDITION`: the write takes none, as an answer in a consent round)."""
    report = reports.lock_report_row(
        session, report_id=_REPORT(amendment_id), missing=f"No amendment {amendment_id}."
    )
    principal.ensure_in_group(report.group_id)
    now = utcnow()
    # Read under the lock, then settled: settling changes the very object read (the
    # session's), so what follows sees the amendment as the deadlines leave it.
    amendment, due = _read_checked(session, report, amendment_id, principal, now)
    if due is not False:
        settle_due(session, report=report, now=now)
    # After the part's check: an amendment to a part the caller may not read is a 404 for
    # every role (an observer's 403 would tell it the amendment is there).
    principal.ensure_role(report.group_id, roles)
    reports.ensure_not_transmitted(report)
    if if_match is not NO_PRECONDITION:
        require_match(
            if_match,  # type: ignore[arg-type]
            amendment_etag(session, amendment),
            state={
                "status": amendment.status.value,
                "kind": amendment.kind.value,
                "instruction": amendment.instruction,
                "revision": amendment.revision,
            },
        )
    return report, amendment


def _read_checked(
    session: Session, report: Report, amendment_id: int, principal: Principal, now: datetime
) -> tuple[Amendment, bool | None]:
    """The amendment, or 404 when it is to a part of a staged report the caller may not read
    (it does not exist for the caller: refused before any state or precondition is
    disclosed). The lock admitted only the report's group, so only a plain member can be
    refused: its part's stage row is read with the amendment, in the same statement, and so
    is whether any round of the report is due at `now` (None: not read)."""
    missing = f"No amendment {amendment_id}."
    if principal.is_admin or principal.role in SEES_ALL_PARTS:
        return present(session.get(Amendment, amendment_id), missing), None
    row = session.execute(
        _WITH_STAGE, {"amendment_id": amendment_id, "report_id": report.id, "now": now}
    ).first()
    if row is None:
        raise NotFound(missing)
    amendment, stage, due = row
    if stage is not None and stage_hides(
        session, principal, report.group_id, stage.stage, stage.drafting_group_id
    ):
        raise NotFound(missing)
    return amendment, bool(due)
