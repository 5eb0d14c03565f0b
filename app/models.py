"""Every table, imported in one place for Alembic and the tests."""

from app.db import Base
from app.events.models import Event
from app.groups.models import Group, Participant, Token
from app.reports.models import Milestone, MilestoneEntry, Report, Section, Version

__all__ = [
    "Base",
    "Event",
    "Group",
    "Milestone",
    "MilestoneEntry",
    "Participant",
    "Report",
    "Section",
    "Token",
    "Version",
]
