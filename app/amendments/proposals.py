"""Proposing an amendment (and its alternatives), revising it as a new amendment,
withdrawing it, escalating it from editorial to substantive, and lapsing the open ones
when a report is transmitted."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from app.amendments.actions import (
    check_deadline,
    close,
    end_blocked_round,
    ensure_text_amendment,
    ensure_window_open,
    first_paragraph,
    instruction_payload,
    record,
    require_status,
)
from app.amendments.locking import lock_amendment
from app.amendments.models import (
    OPEN_STATUSES,
    Amendment,
    AmendmentKind,
    AmendmentStatus,
    Consent,
    ConsentVoter,
)
from app.amendments.proposal_lock import lock_for_proposal
from app.amendments.queries import forget_round, group_root, open_amendments
from app.amendments.rebase import Prepared, conflict_error, rebase, record_wording, wording_of
from app.amendments.rounds import open_round
from app.auth import Principal
from app.clock import utcnow
from app.db_writes import insert_now
from app.drafting_groups.models import WIP_STAGES, SectionStage
from app.errors import EditorialNotice, Forbidden, InvalidState, NotFound, Unprocessable, present
from app.groups.models import PROPOSING_ROLES, VOTING_ROLES, Role
from app.reports import service as reports
from app.reports.models import Report, ReportStatus, Section
from app.text.patches import PatchError, apply_exact


def propose_amendment(
    session: Session,
    *,
    section_id: int,
    caller: Principal | reports.UnresolvedCaller,
    base_version: int,
    text: str | None,
    patch: str | None,
    rationale: str,
    kind: AmendmentKind,
    alternative_to: int | None,
    consent_deadline: datetime | None,
    timeout: float,
    remind_before: timedelta | None = None,
    supersedes: Amendment | None = None,
    prepared: Prepared | None = None,
) -> Amendment:
    """`prepared`: the wording analysed before the transaction (prepare.py; else analysed
    here, under the lock). `remind_before`: when the round's pending voters are reminded."""
    locked = lock_for_proposal(
        session, section_id=section_id, caller=caller, base_version=base_version
    )
    report, section, principal = locked.report, locked.section, locked.principal
    _check_proposal(report, section, principal, base_version, kind, consent_deadline)
    base = locked.base or reports.get_version(session, section=section, number=base_version)
    proposed = _proposed_text(base.text, text=text, patch=patch)
    if proposed == base.text:
        raise Unprocessable("The amendment changes nothing.")
    root = _alternative_root(session, report, section, alternative_to)
    analysis = wording_of(
        base,
        proposed,
        first_paragraph=first_paragraph(session, section, base, locked_report=locked.current),
        timeout=timeout,
        prepared=prepared,
    )
    proposer = principal.acting()  # its role checked by _check_proposal
    amendment = Amendment(
        report_id=report.id,
        section_id=section.id,
        base_version=base_version,
        proposer_id=proposer.id,
        rationale=rationale,
        kind=kind,
        suggested_kind=AmendmentKind(analysis.suggested_kind),
        alternative_to_id=root,
        supersedes_id=None if supersedes is None else supersedes.id,
        consent_deadline=consent_deadline,
        remind_at=reminder_time(consent_deadline, remind_before),
    )
    record_wording(amendment, proposed, analysis)
    if patch is not None:
        amendment.patch = patch  # the proposer's own patch, as sent
    insert_now(session, amendment)  # its id names it in the event
    _ensure_carries_onto_head(session, amendment, section)
    _record_proposal(session, report, amendment, principal, locked.stage)
    if report.status == ReportStatus.adopted:
        _open_after_adoption(session, report, amendment)
    return amendment


def _open_after_adoption(session: Session, report: Report, amendment: Amendment) -> None:
    """An editorial change waits out its notice; a substantive one needs unanimous consent."""
    editorial = amendment.kind == AmendmentKind.editorial
    deadline = notice_end(report) if editorial else amendment.consent_deadline
    open_round(session, report=report, amendment=amendment, deadline=deadline)


def notice_end(report: Report) -> datetime:
    """When an editorial change proposed now has waited out its notice: inside the editorial
    window, or it cannot be made as editorial at all (409)."""
    ends = utcnow() + timedelta(hours=report.editorial_notice_hours)
    window = report.editorial_window_ends_at
    if window is not None and ends > window:
        raise EditorialNotice(
            f"An editorial change proposed now would wait out its notice "
            f"({report.editorial_notice_hours:g} hours) after the editorial window closes at "
            f"{window.isoformat()}; propose it as substantive (unanimous consent).",
            editorial_window_ends_at=window.isoformat(),
            notice_ends_at=ends.isoformat(),
        )
    return ends


def reminder_time(deadline: datetime | None, remind_before: timedelta | None) -> datetime | None:
    """When a round's reminder goes out: `remind_before` its deadline, still to come."""
    if remind_before is None:
        return None
    if deadline is None:
        raise Unprocessable("`remind_before` needs a `consent_deadline`.")
    remind_at = deadline - remind_before
    if remind_at <= utcnow():
        raise Unprocessable(
            "`remind_before` puts the reminder in the past; give a shorter one.",
            remind_at=remind_at.isoformat(),
        )
    return remind_at


def _ensure_carries_onto_head(session: Session, amendment: Amendment, section: Section) -> None:
    """An amendment on an older base must carry onto the head now (409 with both sides)."""
    if amendment.base_version != section.head_version:  # on the head it applies as it stands
        rebased = rebase(session, amendment, section=section)
        if not rebased.applies:
            raise conflict_error(session, None, rebased, section=section)


def _record_proposal(
    session: Session,
    report: Report,
    amendment: Amendment,
    principal: Principal,
    stage: SectionStage | None,  # read with the lock (stages change under it too)
) -> None:
    # All readers read the log; a drafting group's work in progress is worded for its readers.
    wording = instruction_payload(amendment.instruction)
    if stage is not None and stage.stage in WIP_STAGES:
        wording = {"instruction": None}
    record(
        session,
        report,
        "amendment.proposed",
        principal.participant_id,
        amendment_id=amendment.id,
        section_id=amendment.section_id,
        base_version=amendment.base_version,
        kind=amendment.kind.value,
        **wording,
        alternative_to=amendment.alternative_to_id,
        supersedes=amendment.supersedes_id,
    )


def _check_proposal(
    report: Report,
    section: Section,
    principal: Principal,
    base_version: int,
    kind: AmendmentKind,
    consent_deadline: datetime | None,
) -> None:
    reports.ensure_not_transmitted(report)
    if principal.participant is None or not principal.participant.active:
        raise Forbidden("Only an active participant may propose amendments.")
    if section.removed_at is not None:
        raise InvalidState(f"Section {section.id} has been removed from the outline.")
    if base_version > section.head_version:  # a version that does not exist (yet)
        raise NotFound(
            f"Section {section.id} has no version {base_version}; its head is "
            f"{section.head_version}.",
            head_version=section.head_version,
        )
    check_deadline(consent_deadline)
    if report.status == ReportStatus.adopted and kind == AmendmentKind.editorial:
        ensure_window_open(report)
        notice_end(report)  # refused before any work if the notice cannot fit the window


def _proposed_text(base: str, *, text: str | None, patch: str | None) -> str:
    if text is not None:
        return text
    if patch is None:
        raise Unprocessable("Give the amended text or a patch to the base version.")
    try:
        return apply_exact(base, patch)
    except PatchError as error:
        raise Unprocessable(f"The patch does not apply to the base version: {error}") from None


def _alternative_root(
    session: Session, report: Report, section: Section, alternative_to: int | None
) -> int | None:
    """An alternative joins the group of the amendment it answers (same section, open)."""
    if alternative_to is None:
        return None
    target = session.get(Amendment, alternative_to)
    if target is None or target.report_id != report.id:
        raise NotFound(f"No amendment {alternative_to} in this report.")
    if target.section_id != section.id:
        raise Unprocessable("An alternative must amend the same section.")
    if target.status not in OPEN_STATUSES and not target.is_round_open:
        raise InvalidState(f"Amendment {alternative_to} is already {target.status.value}.")
    return group_root(target)


def revise_amendment(
    session: Session,
    *,
    amendment_id: int,
    principal: Principal,
    text: str | None,
    patch: str | None,
    rationale: str | None,
    timeout: float,
    if_match: str | None,
    prepared: Prepared | None = None,
) -> Amendment:
    """A new wording is a new amendment that supersedes the old one (and voids its answers:
    the voters are asked again). Revise to resolve: the proposer or the chair files a wording
    that answers an objection; an open round (blocked or not) ends as superseded; a round
    already ended as blocked stays blocked, linked to its successor (`revised_by_id`)."""
    _report, old = lock_amendment(
        session,
        amendment_id=amendment_id,
        principal=principal,
        roles=PROPOSING_ROLES,
        if_match=if_match,
    )
    _ensure_may_revise(old, principal)
    new = propose_amendment(
        session,
        section_id=old.section_id,
        caller=principal,
        base_version=old.base_version,
        text=text,
        patch=patch,
        rationale=old.rationale if rationale is None else rationale,
        kind=old.kind,
        alternative_to=None,
        consent_deadline=_still_ahead(old.consent_deadline),
        remind_before=_remind_before(old),
        timeout=timeout,
        supersedes=old,
        prepared=prepared,
    )
    session.refresh(old)
    _ensure_may_revise(old, principal)  # proposing settled deadlines: look again
    new.alternative_to_id = old.alternative_to_id
    old.revised_by_id = new.id
    report = present(session.get(Report, old.report_id), f"No report {old.report_id}.")
    if old.status != AmendmentStatus.blocked or old.is_round_open:  # its round ends here
        close(
            session,
            report,
            old,
            AmendmentStatus.superseded,
            principal.participant_id,
            f"Revised as amendment {new.id}.",
        )
    session.flush()
    return new


def _ensure_may_revise(old: Amendment, principal: Principal) -> None:
    ensure_text_amendment(old, "revised")
    if principal.participant_id != old.proposer_id and principal.role != Role.chair:
        raise Forbidden("Only the proposer or the chair may revise an amendment.")
    if old.revised_by_id is not None:
        raise InvalidState(
            f"Amendment {old.id} was already revised as amendment {old.revised_by_id}.",
            amendment_status=old.status.value,
        )
    require_status(
        old,
        AmendmentStatus.proposed,
        AmendmentStatus.consent_open,
        AmendmentStatus.blocked,
        action="revise",
    )


def _still_ahead(deadline: datetime | None) -> datetime | None:
    return deadline if deadline is not None and deadline > utcnow() else None


def _remind_before(old: Amendment) -> timedelta | None:
    """The new round keeps the old one's reminder when it is still to come."""
    if old.remind_at is None or old.consent_deadline is None or old.reminded_at is not None:
        return None
    if old.remind_at <= utcnow():
        return None
    return old.consent_deadline - old.remind_at


def withdraw_amendment(
    session: Session, *, amendment_id: int, principal: Principal, reason: str, if_match: str | None
) -> Amendment:
    report, amendment = lock_amendment(
        session,
        amendment_id=amendment_id,
        principal=principal,
        roles=PROPOSING_ROLES,
        if_match=if_match,
    )
    if principal.participant_id != amendment.proposer_id:
        raise Forbidden("Only the proposer may withdraw an amendment.")
    require_status(amendment, AmendmentStatus.proposed, AmendmentStatus.on_floor, action="withdraw")
    close(session, report, amendment, AmendmentStatus.withdrawn, principal.participant_id, reason)
    return amendment


def escalate_amendment(
    session: Session, *, amendment_id: int, principal: Principal, reason: str, if_match: str | None
) -> Amendment:
    """'It potentially raises an issue of substance': editorial becomes substantive."""
    report, amendment = lock_amendment(
        session,
        amendment_id=amendment_id,
        principal=principal,
        roles=VOTING_ROLES,
        if_match=if_match,
    )
    if principal.participant is None or not principal.participant.is_voting:
        raise Forbidden("Only a voting member may escalate an amendment.")
    if amendment.kind != AmendmentKind.editorial:
        raise InvalidState(f"Amendment {amendment.id} is already substantive.")
    require_status(
        amendment,
        AmendmentStatus.proposed,
        AmendmentStatus.on_floor,
        AmendmentStatus.consent_open,  # an editorial notice
        action="escalate",
    )
    if amendment.is_notice:
        # Acceptances of an editorial change are not consents to substance: the round starts
        # again, every voter asked afresh, with no deadline of its own (the chair may cancel).
        end_notice(session, amendment)
    amendment.kind = AmendmentKind.substantive
    session.flush()
    record(
        session,
        report,
        "amendment.escalated",
        principal.participant_id,
        amendment_id=amendment.id,
        reason=reason,
    )
    if report.status == ReportStatus.adopted:
        open_round(session, report=report, amendment=amendment, deadline=amendment.consent_deadline)
    return amendment


def end_notice(session: Session, amendment: Amendment) -> None:
    """Forget a notice's acceptances and roster (they stay in the event chain)."""
    session.execute(delete(Consent).where(Consent.amendment_id == amendment.id))
    session.execute(delete(ConsentVoter).where(ConsentVoter.amendment_id == amendment.id))
    forget_round(session, amendment.id)
    amendment.consent_deadline = None
    amendment.remind_at = None
    amendment.reminded_at = None


def lapse_open(session: Session, *, report: Report, actor_id: int | None, note: str) -> int:
    """Close every open amendment of `report` as lapsed (its transmission); a round blocked
    by an objection still standing ends blocked (a blocked amendment never lapses into
    something else)."""
    lapsed = 0
    for amendment in open_amendments(session, report_id=report.id):
        if amendment.status == AmendmentStatus.blocked:
            end_blocked_round(session, report, amendment, actor_id, note, by="transmission")
        else:
            close(session, report, amendment, AmendmentStatus.lapsed, actor_id, note)
            lapsed += 1
    return lapsed
