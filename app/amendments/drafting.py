"""Live drafting on the floor (DESIGN.md, "Live plenary"): the secretariat, the chair or
the proposer reshape the wording of the amendment on the floor in numbered revisions, each
naming the one it edits (If-Match), so no typist overwrites another; every screen gets the
change as an event. The chair then adopts exactly the wording on the wall (floor.py)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.amendments.actions import (
    ensure_text_amendment,
    first_paragraph,
    instruction_payload,
    record,
    require_status,
)
from app.amendments.locking import lock_amendment
from app.amendments.models import Amendment, AmendmentStatus, DraftRevision
from app.amendments.rebase import Prepared, conflict_error, rebase, record_wording, wording_of
from app.auth import Principal
from app.errors import Forbidden, Unprocessable, present
from app.groups.models import PROPOSING_ROLES, Role
from app.reports import service as reports
from app.reports.models import Section
from app.text.diffing import compact_ops
from app.text.patches import PatchError, apply_exact

# Revisions up to this size travel whole in their event; longer ones as screen ops only.
_TEXT_IN_EVENT = 2_000


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
    """One revision of the live draft on the floor."""
    report, amendment = lock_amendment(
        session,
        amendment_id=amendment_id,
        principal=principal,
        roles=PROPOSING_ROLES,
        if_match=if_match,
    )
    reports.ensure_drafting(report, "Live drafting")
    require_status(amendment, AmendmentStatus.on_floor, action="redraft")
    ensure_text_amendment(amendment, "redrafted")
    _ensure_holds_pen(principal, amendment)
    previous = amendment.proposed_text
    section = present(session.get(Section, amendment.section_id), "No such section.")
    base = reports.get_version(session, section=section, number=amendment.base_version)
    wording = _new_wording(amendment, base.text, text=text, patch=patch)
    _keep_first_revision(session, amendment)
    analysis = wording_of(
        base,
        wording,
        first_paragraph=first_paragraph(session, section, base),
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
    if len(wording) <= _TEXT_IN_EVENT:
        payload["text"] = wording
    record(session, report, "amendment.revised", principal.participant_id, **payload)
    return amendment


def _ensure_holds_pen(principal: Principal, amendment: Amendment) -> None:
    if principal.role not in (Role.chair, Role.secretariat) and (
        principal.participant_id != amendment.proposer_id
    ):
        raise Forbidden("The secretariat, the chair or the proposer hold the pen.")


def _new_wording(
    amendment: Amendment,
    base_text: str,
    *,
    text: str | None,
    patch: str | None,
) -> str:
    """The revised wording (a patch applies exactly to the current draft, or 422); it must
    change the draft and still change the section."""
    previous = amendment.proposed_text
    if patch is not None:
        try:
            wording = apply_exact(previous, patch)
        except PatchError as error:
            raise Unprocessable(f"The patch does not apply to the current draft: {error}") from None
    elif text is not None:
        wording = text
    else:
        raise Unprocessable("Give the new wording or a patch to the current draft.")
    if wording == previous:
        raise Unprocessable("The revision changes nothing.")
    if wording == base_text:
        raise Unprocessable("The revision would leave the section unchanged; withdraw instead.")
    return wording


def _keep_first_revision(session: Session, amendment: Amendment) -> None:
    """Revision 1 (the wording as proposed) is stored when the first revision is made."""
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
                text=amendment.proposed_text,
                author_id=amendment.proposer_id,
                created_at=amendment.created_at,
            )
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
