"""Every table, imported in one place for Alembic and the tests."""

from app.amendments.models import Amendment, Consent, ConsentVoter, DraftRevision
from app.consultations.models import Comment, Consultation, ConsultationInvite
from app.db import Base
from app.deliberation.models import Reservation, Thread, ThreadMessage
from app.drafting_groups.models import DraftingGroup, DraftingMember, SectionStage
from app.events.models import Event, StreamTicket
from app.groups.models import AccessRevision, Group, Participant, Token
from app.idempotency import IdempotencyRecord
from app.meetings.models import Meeting
from app.questionnaires.models import Question, Questionnaire, QuestionnaireLink, Reply
from app.reports.models import (
    Certificate,
    Milestone,
    MilestoneEntry,
    OpenPoint,
    Report,
    Section,
    Version,
    VersionLineage,
)
from app.webhooks.models import Delivery, Webhook

__all__ = [
    "AccessRevision",
    "Amendment",
    "Base",
    "Certificate",
    "Comment",
    "Consent",
    "ConsentVoter",
    "Consultation",
    "ConsultationInvite",
    "Delivery",
    "DraftRevision",
    "DraftingGroup",
    "DraftingMember",
    "Event",
    "Group",
    "IdempotencyRecord",
    "Meeting",
    "Milestone",
    "MilestoneEntry",
    "OpenPoint",
    "Participant",
    "Question",
    "Questionnaire",
    "QuestionnaireLink",
    "Reply",
    "Report",
    "Reservation",
    "Section",
    "SectionStage",
    "StreamTicket",
    "Thread",
    "ThreadMessage",
    "Token",
    "Version",
    "VersionLineage",
    "Webhook",
]
