"""Drafting groups' public surface (issue 20): rosters.py (the sub-roster, co-leads and
composition), stages.py (a part's way to the plenary), progress.py (the progress view).
Amendments decided inside a drafting group: app/amendments/in_group.py. Who reads a part:
app/visibility.py (`hidden_sections`). Deriving a report: app/reports/deriving.py."""

from __future__ import annotations

from app.drafting_groups.progress import progress
from app.drafting_groups.rosters import (
    create_drafting_group,
    drafting_group_read,
    get_drafting_group,
    list_drafting_groups,
)
from app.drafting_groups.stages import assign_section, change_stage

__all__ = [
    "assign_section",
    "change_stage",
    "create_drafting_group",
    "drafting_group_read",
    "get_drafting_group",
    "list_drafting_groups",
    "progress",
]
