"""Every table, imported in one place for Alembic and the tests."""

from app.db import Base
from app.groups.models import Group, Participant, Token

__all__ = ["Base", "Group", "Participant", "Token"]
