"""How a proposal begins: the report's lock with the caller's token read by its statement, then
the section under the lock with the base version and whether a round of the report is due
(one statement), and the due rounds settled."""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy import and_, bindparam
from sqlalchemy.orm import Session

from app.amendments.queries import SECTION_REPORT_ANY_DUE
from app.amendments.settling import settle_due
from app.auth import Principal
from app.clock import utcnow
from app.drafting_groups.models import SectionStage
from app.groups.models import PROPOSING_ROLES
from app.reports import service as reports
from app.reports.models import Report, Section, Version

# Under the report's lock, in the one statement that reads the section: the base version
# (None when it does not exist) and whether any consent round of the report is due (settling
# then costs no statement of its own when none is: PostgreSQL has no deadline watch). Built
# once.
_SECTION_BASE_AND_DUE = reports.section_read(Version, SECTION_REPORT_ANY_DUE).outerjoin(
    Version, and_(Version.section_id == Section.id, Version.number == bindparam("number"))
)


class Locked(NamedTuple):
    report: Report
    section: Section
    stage: SectionStage | None  # read with the lock (stages change under it too)
    principal: Principal
    # The base as read with the section; None when it was not there then (settling may
    # write it: a round adopted at its deadline makes a new head). A version never changes.
    base: Version | None
    # The report's row as the lock read it, while nothing settled has written since (its
    # outline's revision is then current), else None.
    current: Report | None


def lock_for_proposal(
    session: Session,
    *,
    section_id: int,
    caller: Principal | reports.UnresolvedCaller,
    base_version: int,
) -> Locked:
    """`caller`: one not yet resolved has its token read with the report's lock."""
    params: dict[str, Any] = {"number": base_version}

    def once_locked() -> dict[str, Any]:
        params["now"] = utcnow()  # due as of the moment the lock is held, not before its wait
        return params

    report, section, stage, principal, (base, due) = reports.lock_staged_section_with(
        session,
        section_id=section_id,
        principal=caller,
        roles=PROPOSING_ROLES,
        read=_SECTION_BASE_AND_DUE,
        params=once_locked,
    )
    settled = settle_due(session, report=report, now=params["now"], due=due)
    return Locked(report, section, stage, principal, base, None if settled else report)
