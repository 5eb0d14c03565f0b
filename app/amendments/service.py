"""Amendments: propose, rebase, decide on the floor, and pass by unanimous consent.

Every write here starts by taking the report's row lock (`lock_report`), so decisions on one
report are serialised: forty consents arriving in the same second are counted one after the
other and exactly one of them applies the amendment.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, defer

from app.amendments.models import (
    OPEN_STATUSES,
    Amendment,
    AmendmentKind,
    AmendmentStatus,
    Answer,
    Consent,
    ConsentVoter,
    DraftRevision,
)
from app.amendments.rebase import (
    Prepared,
    conflict_error,
    rebase,
    rebase_many,
    record_wording,
    wording_of,
)
from app.auth import Principal
from app.db import DEADLINE_WATCH, DueCheck, utcnow
from app.errors import (
    Forbidden,
    InvalidState,
    MergeConflict,
    NotFound,
    Unprocessable,
)
from app.etags import etag, require_match
from app.events.service import record_event
from app.groups.models import PROPOSING_ROLES, VOTING_ROLES, Participant, Role
from app.meetings.models import Meeting
from app.reports import service as reports
from app.reports.models import Report, ReportStatus, Section, Version, VersionSource
from app.text.diffing import compact_ops
from app.text.edits import apply_edits
from app.text.edits import to_json as edits_json
from app.text.patches import PatchError, apply_exact

DECIDERS_AFTER_ADOPTION = frozenset({Role.chair, Role.secretariat})
LONG_TEXTS = (Amendment.proposed_text, Amendment.patch, Amendment.instruction, Amendment.rationale)


# --- reading ----------------------------------------------------------------------------


def get_amendment(session: Session, *, amendment_id: int, principal: Principal | None) -> Amendment:
    amendment = session.get(Amendment, amendment_id)
    if amendment is None:
        raise NotFound(f"No amendment {amendment_id}.")
    report = session.get(Report, amendment.report_id)
    assert report is not None
    reports.ensure_readable(report, principal)
    return amendment


def list_amendments(
    session: Session,
    *,
    report: Report,
    status: AmendmentStatus | None,
    section_id: int | None,
    kind: AmendmentKind | None,
    proposer_id: int | None,
    after: int,
    limit: int,
) -> list[Amendment]:
    query = select(Amendment).where(Amendment.report_id == report.id, Amendment.id > after)
    if status is not None:
        query = query.where(Amendment.status == status)
    if section_id is not None:
        query = query.where(Amendment.section_id == section_id)
    if kind is not None:
        query = query.where(Amendment.kind == kind)
    if proposer_id is not None:
        query = query.where(Amendment.proposer_id == proposer_id)
    return list(session.scalars(query.order_by(Amendment.id).limit(limit)))


@dataclass(frozen=True)
class RoundState:
    voters: list[int]
    answers: list[Consent]

    @property
    def consented(self) -> int:
        return sum(1 for a in self.answers if a.answer == Answer.consent)

    @property
    def objected(self) -> int:
        return sum(1 for a in self.answers if a.answer == Answer.object)

    @property
    def pending(self) -> list[int]:
        answered = {a.participant_id for a in self.answers}
        return [v for v in self.voters if v not in answered]


_KNOWN_ROUNDS = "plenary.round_states"


def round_states(session: Session, amendment_ids: Iterable[int]) -> dict[int, RoundState]:
    """Voters and answers of many amendments in two queries, remembered by the session until
    its next flush (a write answers, then its response shows the tally: no second read)."""
    known: dict[int, RoundState | None] = session.info.setdefault(_KNOWN_ROUNDS, {})
    ids = list(amendment_ids)
    missing = [i for i in ids if i not in known]
    if missing:
        voters: dict[int, list[int]] = {}
        for amendment_id, participant_id in session.execute(
            select(ConsentVoter.amendment_id, ConsentVoter.participant_id)
            .where(ConsentVoter.amendment_id.in_(missing))
            .order_by(ConsentVoter.participant_id)
        ):
            voters.setdefault(amendment_id, []).append(participant_id)
        answers: dict[int, list[Consent]] = {}
        for consent in session.scalars(
            select(Consent).where(Consent.amendment_id.in_(missing)).order_by(Consent.id)
        ):
            answers.setdefault(consent.amendment_id, []).append(consent)
        for i in missing:
            known[i] = RoundState(voters[i], answers.get(i, [])) if i in voters else None
    return {i: state for i in ids if (state := known[i]) is not None}


@event.listens_for(Session, "after_flush")
def _forget_rounds(session: Session, _context: object) -> None:
    session.info.pop(_KNOWN_ROUNDS, None)


def _remember_round(session: Session, amendment_id: int, state: RoundState) -> None:
    session.info.setdefault(_KNOWN_ROUNDS, {})[amendment_id] = state


# --- text -------------------------------------------------------------------------------


def alternative_group(session: Session, amendment: Amendment) -> list[Amendment]:
    root = _group_root(amendment)
    return list(
        session.scalars(
            select(Amendment)
            .where((Amendment.id == root) | (Amendment.alternative_to_id == root))
            .order_by(Amendment.id)
        )
    )


def _proposed_text(base: str, *, text: str | None, patch: str | None) -> str:
    if text is not None:
        return text
    assert patch is not None
    try:
        return apply_exact(base, patch)
    except PatchError as error:
        raise Unprocessable(f"The patch does not apply to the base version: {error}") from None


# --- deadlines --------------------------------------------------------------------------


def settle_due(session: Session, *, report: Report, now: datetime | None = None) -> None:
    """Close the consent rounds of `report` whose deadline has passed. Caller holds the lock."""
    now = now or utcnow()
    watch: DueCheck | None = session.info.get(DEADLINE_WATCH)
    if watch is not None and watch.nothing_due(now):
        return
    due = list(
        session.scalars(
            select(Amendment)
            .where(
                Amendment.report_id == report.id,
                Amendment.status == AmendmentStatus.consent_open,
                Amendment.consent_deadline <= now,
            )
            .order_by(Amendment.consent_deadline, Amendment.id)
        )
    )
    for amendment in due:
        state = round_states(session, [amendment.id]).get(amendment.id)
        objected = state is not None and state.objected > 0
        if report.silence_procedure and not objected:
            try:
                _apply(session, report=report, amendment=amendment, actor_id=None)
            except MergeConflict:
                _close(
                    session,
                    report,
                    amendment,
                    AmendmentStatus.conflicted,
                    None,
                    "The section changed and the amendment no longer applies.",
                )
            else:
                amendment.outcome_note = (
                    "Adopted under the silence procedure: no objection by the deadline."
                )
        else:
            _close(
                session,
                report,
                amendment,
                AmendmentStatus.lapsed,
                None,
                "The consent round ended at its deadline without unanimous consent.",
            )


def reports_with_due_rounds(session: Session, *, now: datetime | None = None) -> list[int]:
    return list(
        session.scalars(
            select(Amendment.report_id)
            .where(
                Amendment.status == AmendmentStatus.consent_open,
                Amendment.consent_deadline <= (now or utcnow()),
            )
            .distinct()
        )
    )


def earliest_open_deadline(session: Session, *, after: datetime) -> datetime | None:
    return session.scalar(
        select(func.min(Amendment.consent_deadline)).where(
            Amendment.status == AmendmentStatus.consent_open,
            Amendment.consent_deadline > after,
        )
    )


# --- transitions ------------------------------------------------------------------------


def amendment_etag(session: Session, amendment: Amendment) -> str:
    """Covers the amendment and its tally (answers do not change the amendment's row)."""
    answers = 0
    if amendment.round_opened_at is not None:  # answers come only in a consent round
        state = round_states(session, [amendment.id]).get(amendment.id)
        answers = 0 if state is None else len(state.answers)
    return etag("a", amendment.id, amendment.revision)[:-1] + f'.{answers or 0}"'


_NO_PRECONDITION = object()


def _lock(
    session: Session,
    *,
    amendment_id: int,
    principal: Principal,
    roles: Iterable[Role],
    if_match: str | object | None,
) -> tuple[Report, Amendment]:
    """Lock the amendment's report, settle deadlines, then check the caller's If-Match."""
    report = reports.lock_report(
        session,
        report_id=select(Amendment.report_id).where(Amendment.id == amendment_id).scalar_subquery(),
        principal=principal,
        roles=roles,
        missing=f"No amendment {amendment_id}.",
    )
    settle_due(session, report=report)
    # Read under the lock (or already loaded, and maybe changed, by settle_due just now).
    amendment = session.get(Amendment, amendment_id)
    assert amendment is not None  # amendments are never deleted
    reports.ensure_not_transmitted(report)
    if if_match is not _NO_PRECONDITION:
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


def _require_status(amendment: Amendment, *allowed: AmendmentStatus, action: str) -> None:
    if amendment.status not in allowed:
        names = " or ".join(s.value for s in allowed)
        raise InvalidState(
            f"Cannot {action} amendment {amendment.id}: it is {amendment.status.value}, "
            f"not {names}.",
            amendment_status=amendment.status.value,
        )


def _event(
    session: Session, report: Report, type: str, actor_id: int | None, **payload: object
) -> None:
    record_event(session, report_id=report.id, type=type, actor_id=actor_id, payload=payload)


def _close(
    session: Session,
    report: Report,
    amendment: Amendment,
    status: AmendmentStatus,
    actor_id: int | None,
    note: str = "",
) -> None:
    amendment.status = status
    amendment.decided_at = utcnow()
    if note:
        amendment.outcome_note = note
    _clear_floor(session, amendment)
    session.flush()
    _event(
        session,
        report,
        f"amendment.{status.value}",
        actor_id,
        amendment_id=amendment.id,
        section_id=amendment.section_id,
        note=note,
    )


def _clear_floor(session: Session, amendment: Amendment) -> None:
    for meeting in session.scalars(
        select(Meeting).where(Meeting.floor_amendment_id == amendment.id)
    ):
        meeting.floor_amendment_id = None


def _group_root(amendment: Amendment) -> int:
    return amendment.alternative_to_id or amendment.id


def _apply(
    session: Session, *, report: Report, amendment: Amendment, actor_id: int | None
) -> Version:
    """Adopt: exactly one new version, in this transaction, or a MergeConflict. The
    amendment's recorded edits are carried onto the head; no text is diffed here."""
    section = session.get(Section, amendment.section_id)
    assert section is not None
    rebased = rebase(session, amendment, section=section)
    if rebased.edits is None:
        raise conflict_error(session, amendment.id, rebased, section=section)
    head = reports.get_version(session, section=section, number=section.head_version)
    version = reports.append_version(
        session,
        section=section,
        text=apply_edits(head.text, rebased.edits),
        author_id=amendment.proposer_id,
        source=VersionSource.amendment,
        amendment_id=amendment.id,
        edits=edits_json(rebased.edits),
    )
    version.amendment_revision = amendment.draft_revision
    amendment.resulting_version = version.number
    amendment.status = AmendmentStatus.adopted
    amendment.decided_at = utcnow()
    _clear_floor(session, amendment)
    session.flush()
    _event(
        session,
        report,
        "amendment.adopted",
        actor_id,
        amendment_id=amendment.id,
        section_id=section.id,
        version=version.number,
        sha256=version.sha256,
    )
    # Alternatives amend the same section, so one read finds them and the open rounds.
    # Their texts are not needed: rebasing reads only recorded edits.
    still_open = list(
        session.scalars(
            select(Amendment)
            .where(
                Amendment.section_id == section.id,
                Amendment.status.in_(OPEN_STATUSES),
                Amendment.id != amendment.id,
            )
            .options(*(defer(column) for column in LONG_TEXTS))
            .order_by(Amendment.id)
        )
    )
    root = _group_root(amendment)
    for other in still_open:
        if root in (other.id, other.alternative_to_id):
            _close(
                session,
                report,
                other,
                AmendmentStatus.superseded,
                actor_id,
                f"Alternative {amendment.id} was adopted.",
            )
    _recheck_open_rounds(session, report=report, section=section, candidates=still_open)
    return version


def _recheck_open_rounds(
    session: Session,
    *,
    report: Report,
    section: Section,
    candidates: Iterable[Amendment],
) -> None:
    """The section moved on: a round whose amendment no longer carries onto the head ends as
    conflicted; one that still does keeps its consents. `candidates`: the section's open
    amendments. Arithmetic on recorded edits only: forty open rounds cost forty list walks."""
    rounds = [a for a in candidates if a.status == AmendmentStatus.consent_open]
    for other_id, rebased in rebase_many(session, rounds, section=section).items():
        if rebased.applies:
            continue
        other = next(a for a in rounds if a.id == other_id)
        _close(
            session,
            report,
            other,
            AmendmentStatus.conflicted,
            None,
            f"Version {section.head_version} of the section overlaps this amendment.",
        )


def _open_round(
    session: Session, *, report: Report, amendment: Amendment, deadline: datetime | None
) -> None:
    voters = list(
        session.scalars(
            select(Participant.id).where(
                Participant.group_id == report.group_id,
                Participant.active.is_(True),
                Participant.role.in_(list(VOTING_ROLES)),
            )
        )
    )
    if not voters:
        raise InvalidState("The group has no voting members to consent.")
    session.add_all(ConsentVoter(amendment_id=amendment.id, participant_id=v) for v in voters)
    amendment.status = AmendmentStatus.consent_open
    amendment.round_opened_at = utcnow()
    amendment.consent_deadline = deadline
    session.flush()
    _event(
        session,
        report,
        "consent.opened",
        None,
        amendment_id=amendment.id,
        voters=len(voters),
        deadline=None if deadline is None else deadline.isoformat(),
    )


def _screen_ops(prepared: Prepared | None, previous: str, wording: str) -> list[list[object]]:
    if (
        prepared is not None
        and prepared.screen_ops is not None
        and prepared.text == wording
        and prepared.previous == previous
    ):
        return prepared.screen_ops
    return compact_ops(previous, wording)


EVENT_INSTRUCTION_CHARS = 2_000


def instruction_payload(instruction: str) -> dict[str, object]:
    """An event carries the instruction when it is short; a long one (a rewritten section)
    would be stored, hashed and sent to every screen again: readers fetch the amendment."""
    if len(instruction) <= EVENT_INSTRUCTION_CHARS:
        return {"instruction": instruction}
    return {"instruction": None, "instruction_chars": len(instruction)}


def _first_paragraph(session: Session, prepared: Prepared | None, section: Section) -> int:
    if prepared is not None:
        return prepared.first_paragraph
    return reports.first_paragraph_of(session, section=section) or 1


def _check_deadline(deadline: datetime | None) -> None:
    if deadline is not None:
        if deadline.tzinfo is None:
            raise Unprocessable("`consent_deadline` needs a timezone.")
        if deadline <= utcnow():
            raise Unprocessable("`consent_deadline` is in the past.")


def _ensure_window_open(report: Report) -> None:
    ends = report.editorial_window_ends_at
    if ends is not None and utcnow() >= ends:
        raise InvalidState(
            f"The editorial window closed at {ends.isoformat()}; a change now needs the "
            "unanimous consent of the group (propose it as substantive).",
            editorial_window_ends_at=ends.isoformat(),
        )


def propose_amendment(
    session: Session,
    *,
    section_id: int,
    principal: Principal,
    base_version: int,
    text: str | None,
    patch: str | None,
    rationale: str,
    kind: AmendmentKind,
    alternative_to: int | None,
    consent_deadline: datetime | None,
    timeout: float,
    supersedes: Amendment | None = None,
    prepared: Prepared | None = None,
) -> Amendment:
    """`prepared`: the wording analysed before the transaction (see prepare.py); without
    it (or when it no longer matches the base) the analysis runs here, under the lock."""
    report, section = reports.lock_section(
        session, section_id=section_id, principal=principal, roles=PROPOSING_ROLES
    )
    settle_due(session, report=report)
    reports.ensure_not_transmitted(report)
    if principal.participant is None or not principal.participant.active:
        raise Forbidden("Only an active participant may propose amendments.")
    if section.removed_at is not None:
        raise InvalidState(f"Section {section.id} has been removed from the outline.")
    if base_version > section.head_version:
        raise Unprocessable(
            f"Section {section.id} has no version {base_version}; its head is "
            f"{section.head_version}.",
            head_version=section.head_version,
        )
    _check_deadline(consent_deadline)
    if report.status == ReportStatus.adopted and kind == AmendmentKind.editorial:
        _ensure_window_open(report)
    base = reports.get_version(session, section=section, number=base_version)
    proposed = _proposed_text(base.text, text=text, patch=patch)
    if proposed == base.text:
        raise Unprocessable("The amendment changes nothing.")
    root: int | None = None
    if alternative_to is not None:
        target = session.get(Amendment, alternative_to)
        if target is None or target.report_id != report.id:
            raise NotFound(f"No amendment {alternative_to} in this report.")
        if target.section_id != section.id:
            raise Unprocessable("An alternative must amend the same section.")
        if target.status not in OPEN_STATUSES:
            raise InvalidState(f"Amendment {alternative_to} is already {target.status.value}.")
        root = _group_root(target)
    analysis = wording_of(
        base,
        proposed,
        first_paragraph=_first_paragraph(session, prepared, section),
        timeout=timeout,
        prepared=prepared,
    )
    amendment = Amendment(
        report_id=report.id,
        section_id=section.id,
        base_version=base_version,
        proposer_id=principal.participant.id,
        rationale=rationale,
        kind=kind,
        suggested_kind=AmendmentKind(analysis.suggested_kind),
        alternative_to_id=root,
        supersedes_id=None if supersedes is None else supersedes.id,
        consent_deadline=consent_deadline,
    )
    record_wording(amendment, proposed, analysis)
    if patch is not None:
        amendment.patch = patch  # the proposer's own patch, as sent
    session.add(amendment)
    session.flush()
    if base_version != section.head_version:  # on the head it applies as it stands
        rebased = rebase(session, amendment, section=section)
        if not rebased.applies:
            raise conflict_error(session, None, rebased, section=section)
    _event(
        session,
        report,
        "amendment.proposed",
        principal.participant_id,
        amendment_id=amendment.id,
        section_id=section.id,
        base_version=base_version,
        kind=kind.value,
        **instruction_payload(amendment.instruction),
        alternative_to=root,
        supersedes=amendment.supersedes_id,
    )
    if report.status == ReportStatus.adopted and kind == AmendmentKind.substantive:
        _open_round(session, report=report, amendment=amendment, deadline=consent_deadline)
    return amendment


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
    """A new wording is a new amendment that supersedes the old one (and voids its consents)."""
    _report, old = _lock(
        session,
        amendment_id=amendment_id,
        principal=principal,
        roles=PROPOSING_ROLES,
        if_match=if_match,
    )
    if principal.participant_id != old.proposer_id:
        raise Forbidden("Only the proposer may revise an amendment.")
    _require_status(old, AmendmentStatus.proposed, AmendmentStatus.consent_open, action="revise")
    new = propose_amendment(
        session,
        section_id=old.section_id,
        principal=principal,
        base_version=old.base_version,
        text=text,
        patch=patch,
        rationale=old.rationale if rationale is None else rationale,
        kind=old.kind,
        alternative_to=None,
        consent_deadline=old.consent_deadline
        if old.consent_deadline and old.consent_deadline > utcnow()
        else None,
        timeout=timeout,
        supersedes=old,
        prepared=prepared,
    )
    session.refresh(old)
    new.alternative_to_id = old.alternative_to_id
    report = session.get(Report, old.report_id)
    assert report is not None
    _require_status(old, AmendmentStatus.proposed, AmendmentStatus.consent_open, action="revise")
    _close(
        session,
        report,
        old,
        AmendmentStatus.superseded,
        principal.participant_id,
        f"Revised as amendment {new.id}.",
    )
    return new


def put_on_floor(
    session: Session, *, amendment_id: int, principal: Principal, if_match: str | None
) -> Amendment:
    report, amendment = _lock(
        session,
        amendment_id=amendment_id,
        principal=principal,
        roles=[Role.chair],
        if_match=if_match,
    )
    reports.ensure_drafting(report, "Putting an amendment on the floor")
    _require_status(amendment, AmendmentStatus.proposed, action="put on the floor")
    meeting = session.scalar(
        select(Meeting).where(Meeting.report_id == report.id, Meeting.closed_at.is_(None))
    )
    if meeting is None:
        raise InvalidState("No meeting is open on this report; the chair opens one first.")
    if meeting.floor_amendment_id is not None:
        raise InvalidState(
            f"Amendment {meeting.floor_amendment_id} is on the floor; decide it first.",
            floor_amendment_id=meeting.floor_amendment_id,
        )
    meeting.floor_amendment_id = amendment.id
    amendment.status = AmendmentStatus.on_floor
    session.flush()
    _event(
        session,
        report,
        "floor.changed",
        principal.participant_id,
        meeting_id=meeting.id,
        amendment_id=amendment.id,
        **instruction_payload(amendment.instruction),
    )
    return amendment


def revise_draft(
    session: Session,
    *,
    amendment_id: int,
    principal: Principal,
    text: str | None,
    patch: str | None,
    if_match: str | None,
    timeout: float,
    prepared: Prepared | None = None,
) -> Amendment:
    """Live drafting on the floor: the secretariat, the chair or the proposer reshape the
    wording; each revision names the one it edits (If-Match), so no typist overwrites another."""
    report, amendment = _lock(
        session,
        amendment_id=amendment_id,
        principal=principal,
        roles=PROPOSING_ROLES,
        if_match=if_match,
    )
    reports.ensure_drafting(report, "Live drafting")
    _require_status(amendment, AmendmentStatus.on_floor, action="redraft")
    if principal.role not in (Role.chair, Role.secretariat) and (
        principal.participant_id != amendment.proposer_id
    ):
        raise Forbidden("The secretariat, the chair or the proposer hold the pen.")
    previous = amendment.proposed_text
    if patch is not None:
        try:
            wording = apply_exact(previous, patch)
        except PatchError as error:
            raise Unprocessable(f"The patch does not apply to the current draft: {error}") from None
    else:
        assert text is not None
        wording = text
    section = session.get(Section, amendment.section_id)
    assert section is not None
    base = reports.get_version(session, section=section, number=amendment.base_version)
    if wording == previous:
        raise Unprocessable("The revision changes nothing.")
    if wording == base.text:
        raise Unprocessable("The revision would leave the section unchanged; withdraw instead.")
    has_revisions = session.scalar(
        select(func.count())
        .select_from(DraftRevision)
        .where(DraftRevision.amendment_id == amendment.id)
    )
    if not has_revisions:
        session.add(
            DraftRevision(
                amendment_id=amendment.id,
                number=1,
                text=previous,
                author_id=amendment.proposer_id,
                created_at=amendment.created_at,
            )
        )
    analysis = wording_of(
        base,
        wording,
        first_paragraph=_first_paragraph(session, prepared, section),
        timeout=timeout,
        prepared=prepared,
    )
    record_wording(amendment, wording, analysis)
    rebased = rebase(session, amendment, section=section)
    if not rebased.applies:
        raise conflict_error(session, amendment.id, rebased, section=section)
    amendment.draft_revision += 1
    session.add(
        DraftRevision(
            amendment_id=amendment.id,
            number=amendment.draft_revision,
            text=wording,
            author_id=principal.participant_id,
        )
    )
    session.flush()
    payload: dict[str, object] = {
        "amendment_id": amendment.id,
        "revision": amendment.draft_revision,
        **instruction_payload(amendment.instruction),
        "ops": _screen_ops(prepared, previous, wording),
    }
    if len(wording) <= 2_000:
        payload["text"] = wording
    _event(session, report, "amendment.revised", principal.participant_id, **payload)
    return amendment


def list_revisions(session: Session, *, amendment: Amendment) -> list[DraftRevision]:
    return list(
        session.scalars(
            select(DraftRevision)
            .where(DraftRevision.amendment_id == amendment.id)
            .order_by(DraftRevision.number)
        )
    )


def get_revision(session: Session, *, amendment: Amendment, number: int) -> DraftRevision:
    revision = session.scalar(
        select(DraftRevision).where(
            DraftRevision.amendment_id == amendment.id, DraftRevision.number == number
        )
    )
    if revision is None:
        if number == 1 and amendment.draft_revision == 1:
            return DraftRevision(
                amendment_id=amendment.id,
                number=1,
                text=amendment.proposed_text,
                author_id=amendment.proposer_id,
                created_at=amendment.created_at,
            )
        raise NotFound(f"Amendment {amendment.id} has no draft revision {number}.")
    return revision


def adopt_amendment(
    session: Session,
    *,
    amendment_id: int,
    principal: Principal,
    if_match: str | None,
) -> Amendment:
    report, amendment = _lock(
        session,
        amendment_id=amendment_id,
        principal=principal,
        roles=DECIDERS_AFTER_ADOPTION,
        if_match=if_match,
    )
    if report.status == ReportStatus.drafting:
        if principal.role != Role.chair:
            raise Forbidden("While drafting, only the chair adopts amendments on the floor.")
        _require_status(amendment, AmendmentStatus.on_floor, action="adopt")
    else:
        if amendment.kind != AmendmentKind.editorial:
            raise InvalidState(
                "After adoption of the report a substantive amendment passes only by "
                "unanimous consent.",
                amendment_status=amendment.status.value,
            )
        _require_status(amendment, AmendmentStatus.proposed, action="adopt")
        _ensure_window_open(report)
    _apply(session, report=report, amendment=amendment, actor_id=principal.participant_id)
    return amendment


def reject_amendment(
    session: Session, *, amendment_id: int, principal: Principal, reason: str, if_match: str | None
) -> Amendment:
    report, amendment = _lock(
        session,
        amendment_id=amendment_id,
        principal=principal,
        roles=DECIDERS_AFTER_ADOPTION,
        if_match=if_match,
    )
    if report.status == ReportStatus.drafting:
        if principal.role != Role.chair:
            raise Forbidden("While drafting, only the chair rejects amendments on the floor.")
        _require_status(amendment, AmendmentStatus.on_floor, action="reject")
    else:
        if amendment.kind != AmendmentKind.editorial:
            raise InvalidState("A substantive amendment is decided by the consent round.")
        _require_status(amendment, AmendmentStatus.proposed, action="reject")
        _ensure_window_open(report)
    _close(session, report, amendment, AmendmentStatus.rejected, principal.participant_id, reason)
    return amendment


def withdraw_amendment(
    session: Session, *, amendment_id: int, principal: Principal, reason: str, if_match: str | None
) -> Amendment:
    report, amendment = _lock(
        session,
        amendment_id=amendment_id,
        principal=principal,
        roles=PROPOSING_ROLES,
        if_match=if_match,
    )
    if principal.participant_id != amendment.proposer_id:
        raise Forbidden("Only the proposer may withdraw an amendment.")
    _require_status(
        amendment, AmendmentStatus.proposed, AmendmentStatus.on_floor, action="withdraw"
    )
    _close(session, report, amendment, AmendmentStatus.withdrawn, principal.participant_id, reason)
    return amendment


def escalate_amendment(
    session: Session, *, amendment_id: int, principal: Principal, reason: str, if_match: str | None
) -> Amendment:
    """'It potentially raises an issue of substance': editorial becomes substantive."""
    report, amendment = _lock(
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
    _require_status(
        amendment, AmendmentStatus.proposed, AmendmentStatus.on_floor, action="escalate"
    )
    amendment.kind = AmendmentKind.substantive
    session.flush()
    _event(
        session,
        report,
        "amendment.escalated",
        principal.participant_id,
        amendment_id=amendment.id,
        reason=reason,
    )
    if report.status == ReportStatus.adopted:
        _open_round(
            session, report=report, amendment=amendment, deadline=amendment.consent_deadline
        )
    return amendment


def answer_round(
    session: Session,
    *,
    amendment_id: int,
    principal: Principal,
    answer: Answer,
    reason: str,
) -> Amendment:
    """One voter's answer, recorded with the token that gave it.

    The voters are those frozen when the round opened. One deactivated since then stays on
    that roster but cannot answer (its tokens are refused at authentication), so the round
    waits for its deadline (lapsed, or adopted under the silence rule if nobody objected) or
    for the chair to cancel it; the site admin has no participant and never answers."""
    report, amendment = _lock(
        session,
        amendment_id=amendment_id,
        principal=principal,
        roles=VOTING_ROLES,
        if_match=_NO_PRECONDITION,
    )
    _require_status(amendment, AmendmentStatus.consent_open, action="answer on")
    state = round_states(session, [amendment.id])[amendment.id]
    voter = principal.participant_id
    if voter not in state.voters:
        raise Forbidden("You were not a voting member when this consent round opened.")
    if voter in {a.participant_id for a in state.answers}:
        raise InvalidState("You have already answered in this consent round.")
    assert voter is not None
    # The token is recorded too: if a credential was misused, its answers can be traced.
    consent = Consent(
        amendment_id=amendment.id,
        participant_id=voter,
        token_id=principal.token_id,
        answer=answer,
        reason=reason,
    )
    session.add(consent)
    session.flush()
    _event(
        session,
        report,
        f"consent.{answer.value}",
        voter,
        amendment_id=amendment.id,
        reason=reason if answer == Answer.object else "",
    )
    if answer == Answer.object:
        _close(
            session,
            report,
            amendment,
            AmendmentStatus.blocked,
            None,
            "Blocked: a voting member objected.",
        )
    elif len(state.pending) == 1:  # this answer was the last one missing
        _apply(session, report=report, amendment=amendment, actor_id=None)
        amendment.outcome_note = "Adopted by unanimous consent."
    session.flush()
    _remember_round(session, amendment.id, RoundState(state.voters, [*state.answers, consent]))
    return amendment


def cancel_round(
    session: Session, *, amendment_id: int, principal: Principal, reason: str, if_match: str | None
) -> Amendment:
    report, amendment = _lock(
        session,
        amendment_id=amendment_id,
        principal=principal,
        roles=[Role.chair],
        if_match=if_match,
    )
    _require_status(amendment, AmendmentStatus.consent_open, action="cancel the round of")
    _close(
        session,
        report,
        amendment,
        AmendmentStatus.lapsed,
        principal.participant_id,
        f"Consent round cancelled by the chair. {reason}".strip(),
    )
    return amendment


def count_open(session: Session, *, report_id: int) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(Amendment)
            .where(Amendment.report_id == report_id, Amendment.status.in_(OPEN_STATUSES))
        )
        or 0
    )


def lapse_open(session: Session, *, report: Report, actor_id: int | None, note: str) -> int:
    open_ones = list(
        session.scalars(
            select(Amendment)
            .where(Amendment.report_id == report.id, Amendment.status.in_(OPEN_STATUSES))
            .order_by(Amendment.id)
        )
    )
    for amendment in open_ones:
        _close(session, report, amendment, AmendmentStatus.lapsed, actor_id, note)
    return len(open_ones)
