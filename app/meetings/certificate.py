"""The adoption certificate: what was transmitted, provable by hashes alone."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import InvalidState
from app.events.models import Event
from app.groups.models import VOTING_ROLES, Participant
from app.reports import service as reports
from app.reports.models import Certificate, Milestone, Report
from app.text import render
from app.text.outline import order

CERTIFICATE_FORMAT = "plenary-certificate/1"


def transmitted_markdown(report: Report, nodes: list[Any], milestone: Milestone) -> str:
    """The canonical export whose SHA-256 the certificate carries."""
    info = render.DocumentInfo(
        title=report.title,
        symbol=report.symbol,
        status="transmitted",
        disclaimer=None,
        caption=f"as at milestone '{milestone.name}'",
    )
    return render.to_markdown(info, order(nodes))


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def issue_certificate(session: Session, *, report: Report, milestone: Milestone) -> Certificate:
    """Called inside the transmitting transaction, after its last event was recorded."""
    nodes = reports.milestone_nodes(session, report=report, milestone_id=milestone.id)
    placed = order(nodes)
    last = session.execute(
        select(Event.seq, Event.hash)
        .where(Event.report_id == report.id)
        .order_by(Event.seq.desc())
        .limit(1)
    ).one()
    voters = session.scalars(
        select(Participant)
        .where(
            Participant.group_id == report.group_id,
            Participant.active.is_(True),
            Participant.role.in_(list(VOTING_ROLES)),
        )
        .order_by(Participant.id)
    )
    if (
        report.adopted_at is None
        or report.transmitted_at is None
        or report.editorial_window_ends_at is None
    ):
        raise InvalidState(f"Report {report.id} has no certificate before its transmission.")
    body = {
        "format": CERTIFICATE_FORMAT,
        "report_id": report.id,
        "title": report.title,
        "symbol": report.symbol,
        "adopted_at": report.adopted_at.isoformat(),
        "editorial_window_ends_at": report.editorial_window_ends_at.isoformat(),
        "transmitted_at": report.transmitted_at.isoformat(),
        "milestone_id": milestone.id,
        "sections": [
            {
                "section_id": p.node.id,
                "label": p.node.label,
                "heading": p.node.heading,
                "version": p.node.version,
                "sha256": sha256(p.node.text or ""),
            }
            for p in placed
        ],
        "report_sha256": sha256(transmitted_markdown(report, nodes, milestone)),
        "report_hash_of": (
            f"GET /v1/reports/{report.id}/export?format=markdown&milestone={milestone.id}"
        ),
        "event_chain": {"seq": last.seq, "head_hash": last.hash},
        "voting_members": [
            {"participant_id": v.id, "name": v.name, "stakeholder": v.stakeholder.value}
            for v in voters
        ],
    }
    certificate = Certificate(report_id=report.id, body=body)
    session.add(certificate)
    session.flush()
    return certificate


def public_view(body: dict[str, Any]) -> dict[str, Any]:
    """Chatham House: the roster is counted, never named."""
    view = {k: v for k, v in body.items() if k != "voting_members"}
    view["voting_members"] = len(body.get("voting_members", []))
    return view
