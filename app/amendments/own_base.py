"""The usual adoption of a text amendment, written with Core (applying.py decides when it
applies): the section's head is still the amendment's base, so its wording is the next text
and its recorded edits are the version's. And the clause that finds what moves with an
adoption (applying.py reads it; the UPDATE here asks it)."""

from __future__ import annotations

from typing import cast

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Table,
    and_,
    bindparam,
    inspect,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key
from sqlalchemy.sql.dml import Update

from app.amendments.models import (
    Amendment,
    AmendmentStatus,
    AmendmentStructure,
    round_open_clause,
    still_open_clause,
)
from app.amendments.queries import group_root
from app.clock import utcnow
from app.db_writes import as_loaded, insert_now, update_now
from app.reports import service as reports
from app.reports.models import Section, Version, VersionSource
from app.text.edits import from_json
from app.text.edits import to_json as edits_json


def adopted(amendment: Amendment, number: int) -> None:
    amendment.resulting_version = number
    amendment.status = AmendmentStatus.adopted
    amendment.decided_at = utcnow()


def on_its_own_base(
    session: Session, amendment: Amendment
) -> tuple[Section, Version, bool | None] | None:
    """The usual adoption, written with Core: the section's head is still the amendment's
    base, so its wording is the next text and its recorded edits (base -> wording:
    `record_wording`) are the version's, with nothing to rebase and no read of the section
    or of the head. One UPDATE moves the head from the base (compare-and-set under the
    report's lock, returning the section's row), one INSERT writes the version and one
    UPDATE the amendment's row (its revision checked and moved, as a flush would); no flush
    and its unit of work. None, having written nothing: the head moved on (or the section
    was removed, or its object is already in the session): `_apply_text` rebases. The last
    of the triple: whether any other open amendment moves with this one (`_MOVED_WITH_IT`),
    asked with the same UPDATE: none (the usual case) needs no read of them (None: not
    asked, on SQLite)."""
    unloaded = inspect(amendment).unloaded
    if (
        "proposed_text" in unloaded
        or "edits" in unloaded
        or amendment.edits is None
        or session.identity_map.get(identity_key(Section, amendment.section_id)) is not None
    ):
        return None
    connection = session.connection()
    ask = connection.dialect.name != "sqlite"
    params: dict[str, object] = {"section_id": amendment.section_id, "base": amendment.base_version}
    if ask:
        params.update(moved_with_it_params(amendment, [amendment.section_id]))
    moved = connection.execute(_MOVE_FROM_BASE[ask], params).first()
    if moved is None:
        return None
    section: Section = as_loaded(session, Section, moved)
    columns = len(_SECTION.c)
    bracketed = moved[columns]
    others = moved[columns + 1] if ask else None
    adopted(amendment, section.head_version)
    version = reports.new_version(
        section.id,
        section.head_version,
        amendment.proposed_text,
        amendment.proposer_id,
        VersionSource.amendment,
    )
    version.amendment_id = amendment.id
    version.amendment_revision = amendment.draft_revision
    # Written as append_version writes carried edits (none carried here: the same edits).
    version.edits = edits_json(from_json(amendment.edits))
    insert_now(session, version)
    update_now(session, amendment)
    if bracketed:  # most sections have no standing bracket: no read of them
        reports.carry_open_points(session, section=section, version=version)
    return section, version, None if others is None else bool(others)


def moved_with_it_params(adopted: Amendment, touched: list[int]) -> dict[str, object]:
    # `of_report`, not `report_id`: the UPDATE that asks the same clause reserves the names
    # of the section's columns for their new values.
    return {
        "touched": touched,
        "of_report": adopted.report_id,
        "root": group_root(adopted),
        "adopted": adopted.id,
    }


def moved_with_it_clause(*, removing: bool) -> ColumnElement[bool]:
    root: BindParameter[int] = bindparam("root")
    branches = [
        select(Amendment.id).where(Amendment.id == root, still_open_clause()),
        select(Amendment.id).where(Amendment.alternative_to_id == root, still_open_clause()),
        select(Amendment.id).where(
            Amendment.section_id.in_(bindparam("touched", expanding=True)),
            or_(Amendment.status == AmendmentStatus.on_floor, round_open_clause()),
        ),
        select(AmendmentStructure.amendment_id)
        .join(Amendment, Amendment.id == AmendmentStructure.amendment_id)
        .where(AmendmentStructure.report_id == bindparam("of_report"), round_open_clause()),
    ]
    if removing:
        branches.append(
            select(Amendment.id).where(
                Amendment.section_id.in_(bindparam("removed", expanding=True)),
                still_open_clause(),
            )
        )
    return and_(Amendment.id.in_(union_all(*branches)), Amendment.id != bindparam("adopted"))


# Built once: every adoption on its own base runs it. A Core statement (the ORM's UPDATE
# ... RETURNING of the entity cost more than the rest of the adoption): the section's
# object is made from the row it writes, and whether the section has a standing bracket to
# carry (`carry_open_points`) comes with it: asked of the parameter, not the section's
# column, which SQLite's RETURNING names unqualified (inside the subquery, the bracket's
# own id).
_SECTION = cast(Table, Section.__table__)


def _move_from_base(*, ask_others: bool) -> Update:
    moving = (
        update(_SECTION)
        .where(
            _SECTION.c.id == bindparam("section_id"),
            _SECTION.c.head_version == bindparam("base"),
            _SECTION.c.removed_at.is_(None),
        )
        .values(head_version=_SECTION.c.head_version + 1, revision=_SECTION.c.revision + 1)
    )
    if not ask_others:
        return moving.returning(*_SECTION.c, reports.standing_clause(bindparam("section_id")))
    others = select(Amendment.id).where(moved_with_it_clause(removing=False)).exists()
    return moving.returning(*_SECTION.c, reports.standing_clause(bindparam("section_id")), others)


# SQLite renders every column of a RETURNING clause unqualified, those of its subqueries
# too, where the join of `_moved_with_it_clause` needs them qualified: there the others
# are read by `_after_sections_moved` (a statement costs little on SQLite; on PostgreSQL
# it is a round trip).
_MOVE_FROM_BASE = {ask: _move_from_base(ask_others=ask) for ask in (False, True)}
