"""A typed Python client for plenary, built on httpx and the server's own schemas.

    from app.client import PlenaryClient

    with PlenaryClient("http://127.0.0.1:8000", token="plen_...") as client:
        report = client.import_report(group_id=1, markdown=open("report.md").read())
        section = report.outline[0]
        amendment = client.propose(section.id, base_version=section.head_version,
                                   text="New wording.", kind="substantive")
        print(amendment.instruction)

Every error answer is raised as `ProblemError`, carrying the RFC 9457 problem. Lists come
whole: the client follows the server's pages (`{items, next}`) by itself.
"""

from __future__ import annotations

from app.amendments.client_rounds import RoundCalls
from app.client_base import DOCX_MEDIA, ClientBase, ProblemError
from app.consultations.client import ConsultationCalls
from app.deliberation.client import DeliberationCalls
from app.drafting_groups.client import DraftingGroupCalls
from app.events.client import EventCalls, chain_report, unattributed
from app.groups.client import GroupCalls
from app.meetings.client import MeetingCalls
from app.questionnaires.client import QuestionnaireCalls
from app.reports.client import ReportCalls

__all__ = [
    "DOCX_MEDIA",
    "ClientBase",
    "PlenaryClient",
    "ProblemError",
    "chain_report",
    "unattributed",
]


class PlenaryClient(
    GroupCalls,
    ReportCalls,
    RoundCalls,
    MeetingCalls,
    EventCalls,
    DraftingGroupCalls,
    ConsultationCalls,
    DeliberationCalls,
    QuestionnaireCalls,
):
    """Every call of the API, one method each; the calls live beside their domains."""
