"""Who owns a section, for the prepare steps' entitlement checks (`preparing.Entitlement`):
the group of its report, whether the report is public, and the section's part when the
report is staged, read in one statement."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, select
from sqlalchemy.orm import Session, aliased

from app.drafting_groups.models import SectionStage, Stage
from app.preparing import Owner, Part
from app.reports.models import Report, Section

# (group, public, staged, the part's stage, its drafting group)
_OwnerQuery = Select[int, bool, bool, Stage, int | None]


def section_owner(session: Session, section_id: int) -> Owner | None:
    """The group of a section's report, whether it is public, and the section's part when
    the report is staged (for `Entitlement`): one statement."""
    return _owner(session, _section_owner_query(), section_id)


def section_owner_where(session: Session, target: int, *, join: Any) -> Owner | None:
    """`section_owner` for the section of row `target` of `join`, a table with an `id` and
    a `section_id` (an amendment's section, for revising it)."""
    return _owner(session, _owner_query_through(join), target)


@cache
def _section_owner_query() -> _OwnerQuery:
    # Built once: building it (an aliased table and its columns) cost more than running it.
    return _owner_query(select_from=Section, where=Section.id == bindparam("target"))


@cache
def _owner_query_through(join: Any) -> _OwnerQuery:
    return _owner_query(
        select_from=join,
        where=join.id == bindparam("target"),
        join_section=Section.id == join.section_id,
    )


def _owner_query(
    *, select_from: Any, where: ColumnElement[bool], join_section: Any | None = None
) -> _OwnerQuery:
    any_stage = aliased(SectionStage)
    staged = select(any_stage.section_id).where(any_stage.report_id == Report.id).exists()
    query = select(
        Report.group_id,
        Report.is_public,
        staged,
        SectionStage.stage,
        SectionStage.drafting_group_id,
    ).select_from(select_from)
    if join_section is not None:
        query = query.join(Section, join_section)
    return (
        query.join(Report, Report.id == Section.report_id)
        .outerjoin(SectionStage, SectionStage.section_id == Section.id)
        .where(where)
    )


def section_owner_statement() -> _OwnerQuery:
    """`section_owner`'s statement (bound by `target`), for a caller reading more beside
    it; `owner_of_row` reads its columns."""
    return _section_owner_query()


def owner_of_row(
    group_id: int | None,
    is_public: bool | None,
    is_staged: bool | None,
    stage: Stage | None,
    drafting_group_id: int | None,
) -> Owner | None:
    """The owner of a row of an owner statement (all None: no such target)."""
    if group_id is None or is_public is None:
        return None
    part = Part(stage, drafting_group_id) if is_staged else None
    return Owner(group_id, is_public, part)


def _owner(session: Session, query: _OwnerQuery, target: int) -> Owner | None:
    row = session.execute(query, {"target": target}).first()
    return None if row is None else owner_of_row(*row)
