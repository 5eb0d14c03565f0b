"""A report's record: create, list, publish, update its fields, and the rule that its consent
rules do not change after adoption. (Adoption and transmission happen in a meeting:
app/meetings/service.py.)"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth import Principal
from app.errors import ConsentRulesFrozen
from app.events.service import record_event
from app.groups.models import DRAFTING_ROLES, Role
from app.pagination import page_query
from app.reports.access import ensure_not_transmitted, lock_report, require_report_match
from app.reports.models import DEFAULT_DISCLAIMER, Report, ReportStatus
from app.reports.schemas import ReportUpdate


def create_report(
    session: Session,
    *,
    group_id: int,
    principal: Principal,
    title: str,
    symbol: str,
    disclaimer: str | None,
    silence_procedure: bool = False,
    editorial_notice_hours: float = 48.0,
) -> Report:
    principal.ensure_role(group_id, DRAFTING_ROLES)
    report = Report(
        group_id=group_id,
        title=title,
        symbol=symbol,
        disclaimer=DEFAULT_DISCLAIMER if disclaimer is None else disclaimer,
        silence_procedure=silence_procedure,
        editorial_notice_hours=editorial_notice_hours,
    )
    session.add(report)
    session.flush()
    record_event(
        session,
        report_id=report.id,
        type="report.created",
        actor_id=principal.participant_id,
        payload={"title": title, "symbol": symbol},
    )
    return report


def list_reports(
    session: Session, *, group_id: int, principal: Principal, after: int, limit: int
) -> tuple[list[Report], int | None]:
    principal.ensure_in_group(group_id)
    query = select(Report).where(Report.group_id == group_id)
    return page_query(session, query, Report.id, after=after, limit=limit)


def set_public(
    session: Session, *, report_id: int, principal: Principal, public: bool, if_match: str | None
) -> Report:
    report = lock_report(session, report_id=report_id, principal=principal, roles=[Role.chair])
    require_report_match(session, report, if_match)
    if report.is_public != public:
        report.is_public = public
        session.flush()
        record_event(
            session,
            report_id=report.id,
            type="report.published" if public else "report.unpublished",
            actor_id=principal.participant_id,
            payload={},
        )
    return report


# What decides how consent works on an adopted report. The group adopted the report under
# these rules; changing them afterwards would let the chair turn a round that is lapsing into
# an adoption by silence (or the reverse) without the group. So they do not change at all
# after adoption, not even by unanimous consent: that round would itself run under the rule
# it is changing. (The editorial window and each round's deadline are fixed when they start
# and have no setter.) Every field of ReportUpdate is in exactly one of these two sets.
CONSENT_RULES = frozenset({"silence_procedure", "editorial_notice_hours"})
EDITABLE_AFTER_ADOPTION = frozenset({"title", "symbol", "disclaimer"})


def ensure_consent_rules_kept(report: Report, values: dict[str, Any]) -> dict[str, Any]:
    """`values` without consent rules restated as they are; 409 if one would change after
    adoption. Nothing is written before this check."""
    if report.status == ReportStatus.drafting:
        return values
    changed = sorted(f for f in CONSENT_RULES & values.keys() if values[f] != getattr(report, f))
    if changed:
        raise ConsentRulesFrozen(
            f"Report {report.id} was adopted under its consent rules; "
            f"{', '.join(changed)} can no longer change.",
            report_id=report.id,
            fields=changed,
        )
    return {k: v for k, v in values.items() if k not in CONSENT_RULES}


def update_report(
    session: Session,
    *,
    report_id: int,
    principal: Principal,
    changes: ReportUpdate,
    if_match: str | None,
) -> Report:
    report = lock_report(session, report_id=report_id, principal=principal, roles=DRAFTING_ROLES)
    ensure_not_transmitted(report)
    require_report_match(session, report, if_match)
    values = {k: v for k, v in changes.model_dump(exclude_unset=True).items() if v is not None}
    values = ensure_consent_rules_kept(report, values)
    for field, value in values.items():
        setattr(report, field, value)
    session.flush()
    record_event(
        session,
        report_id=report.id,
        type="report.updated",
        actor_id=principal.participant_id,
        payload={"fields": sorted(values)},
    )
    return report
