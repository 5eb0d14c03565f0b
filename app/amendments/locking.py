"""How every amendment write begins: the report's row lock, deadlines settled, the
caller's role and If-Match checked (so decisions on one report are serialised)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.amendments.models import Amendment
from app.amendments.queries import amendment_etag
from app.amendments.settling import settle_due
from app.auth import Principal
from app.errors import present
from app.etags import require_match
from app.groups.models import Role
from app.reports import service as reports
from app.reports.models import Report

NO_PRECONDITION = object()


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
    report = reports.lock_report(
        session,
        report_id=select(Amendment.report_id).where(Amendment.id == amendment_id).scalar_subquery(),
        principal=principal,
        roles=roles,
        missing=f"No amendment {amendment_id}.",
    )
    settle_due(session, report=report)
    # Read under the lock (or already loaded, and maybe changed, by settle_due just now).
    amendment = present(session.get(Amendment, amendment_id), f"No amendment {amendment_id}.")
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
