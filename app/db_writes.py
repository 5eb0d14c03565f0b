"""Rows written with one Core statement each while the session goes on as if a flush had
written them: a flush's bookkeeping for one row costs more than the statement. The objects
stay in the session, persistent and clean. For rows with no relationship to cascade, no
database-side default, and whose write no flush listener must see."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import bindparam, insert, inspect, update
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError


def insert_now(session: Session, obj: Any) -> None:
    """Insert `obj`'s row at once with one Core statement and keep `obj` in the session as if
    a flush had written it: the unit of work's bookkeeping for a flush of one new row costs
    more than the insert. Its columns' Python-side defaults are filled in here, as a flush
    would. Only for a row with no relationship to cascade and no database-side default, and
    whose insert no flush listener must see (`after_flush` listeners see later flushes)."""
    insert_all_now(session, [obj])


def insert_all_now(session: Session, objs: list[Any], *, unique: tuple[str, ...] = ()) -> None:
    """`insert_now` for new objects of one class, in one statement (a multi-row INSERT ...
    RETURNING). `unique`: attributes that tell the rows apart (a unique key of the table),
    returned with the ids to give each object its own: SQLite promises no order of the rows
    RETURNING gives, and SQLAlchemy's ordered RETURNING sends one statement per row there.
    Without it the rows' order is asked for (one statement on PostgreSQL only)."""
    if not objs:
        return
    states = [inspect(obj) for obj in objs]
    mapper = states[0].mapper
    rows = []
    for obj, state in zip(objs, states, strict=True):
        if state.key is not None or state.session_id is not None:
            raise TypeError("insert_now takes a new object")
        if state.mapper is not mapper:
            raise TypeError("insert_all_now takes objects of one class")
        rows.append(_row_of(obj, state))
    (key,) = mapper.primary_key
    attribute = mapper.get_property_by_column(key).key
    connection = session.connection()
    if len(rows) == 1:
        written = connection.execute(_insert_of(mapper.local_table), rows[0]).inserted_primary_key
        if written is None:
            raise RuntimeError(f"no primary key for the new {type(objs[0]).__name__}")
        ids = [written[0]]
    elif unique:
        columns = [mapper.get_property(name).columns[0] for name in unique]
        found = connection.execute(_insert_returning(mapper.local_table, key, *columns), rows)
        by_key = {tuple(row[1:]): row[0] for row in found}
        ids = [by_key[tuple(getattr(obj, name) for name in unique)] for obj in objs]
    else:
        found = connection.execute(_insert_returning(mapper.local_table, key), rows)
        ids = [row[0] for row in found]
    for obj, id in zip(objs, ids, strict=True):
        setattr(obj, attribute, id)
        make_transient_to_detached(obj)
        session.add(obj)


def as_loaded(session: Session, cls: type[Any], row: Any) -> Any:
    """The object of `row` (every column of `cls`'s table, by column, as a Core statement's
    RETURNING gives them), in the session as if a query had loaded it: for a row a write
    has just returned, with no read of it and none of the ORM's loading. Not for a row whose
    object the session already holds."""
    mapper = inspect(cls)
    values = {
        mapper.get_property_by_column(column).key: row._mapping[column]
        for column in mapper.local_table.columns
    }
    obj = cls(**values)
    make_transient_to_detached(obj)
    session.add(obj)
    return obj


def update_now(session: Session, obj: Any) -> None:
    """Write the changed columns of `obj` (persistent) at once with one Core UPDATE and mark
    them unchanged, as a flush of it would: its version counter checked and moved, its
    `onupdate` columns set. The unit of work's bookkeeping for a flush of one changed row
    costs more than the update. Only for an object whose changes are all to its own columns
    and whose update no flush listener must see; nothing to write: no statement."""
    state = inspect(obj)
    mapper = state.mapper
    if state.key is None:
        raise TypeError("update_now takes a persistent object")
    columns = {prop.key: prop for prop in mapper.column_attrs}
    changed = [key for key in state.committed_state if key in state.dict]
    if any(key not in columns for key in changed):
        raise TypeError(f"{type(obj).__name__} has changes update_now does not write")
    if not changed:
        return
    values = {key: state.dict[key] for key in changed}
    for key, prop in columns.items():
        onupdate: Any = prop.columns[0].onupdate
        if onupdate is not None and key not in values:
            values[key] = onupdate.arg(None) if onupdate.is_callable else onupdate.arg
    versioned = mapper.version_id_col
    params: dict[str, Any] = {"pk": state.identity[0]}
    if versioned is not None:
        key = mapper.get_property_by_column(versioned).key
        params["was"] = state.committed_state.get(key, state.dict[key])
        values[key] = params["was"] + 1
    names = tuple(sorted(columns[key].columns[0].key for key in values))
    params.update({f"v_{columns[key].columns[0].key}": value for key, value in values.items()})
    written = session.connection().execute(_update_of(mapper, names), params)
    if written.rowcount != 1:
        raise StaleDataError(f"{type(obj).__name__} {state.identity[0]} changed meanwhile")
    for key, value in values.items():
        set_committed_value(obj, key, value)
    # Every change is written: the object is clean, so the next flush has nothing of it to
    # look at (set_committed_value leaves it marked as modified).
    state._commit_all(state.dict, session.identity_map)


@cache
def _update_of(mapper: Any, names: tuple[str, ...]) -> Any:
    # One statement per class and set of columns written (a handful): built once each.
    table = mapper.local_table
    (primary,) = mapper.primary_key
    where = [primary == bindparam("pk")]
    if mapper.version_id_col is not None:
        where.append(mapper.version_id_col == bindparam("was"))
    return update(table).where(*where).values({name: bindparam(f"v_{name}") for name in names})


def _row_of(obj: Any, state: Any) -> dict[str, Any]:
    values: dict[str, Any] = {}
    given = state.dict
    for key, column_key, primary, default in _plan_of(state.mapper):
        if key in given:
            values[column_key] = given[key]
        elif not primary:  # as a flush would: its default, else NULL
            value = (
                None
                if default is None
                else default.arg(None)
                if default.is_callable
                else default.arg
            )
            # Into the object's state as it stands: `make_transient_to_detached` then resets
            # its history, as a flush would, with no change event to record first.
            given[key] = value
            values[column_key] = value
    return values


@cache
def _plan_of(mapper: Any) -> tuple[tuple[str, str, bool, Any], ...]:
    """Each column attribute of `mapper`'s class: its key, its column's key, whether it is the
    primary key, and its Python-side default. Read once per class: walking the mapper's
    properties cost more than the insert's own statement."""
    plan = []
    for prop in mapper.column_attrs:
        column = prop.columns[0]
        if column.server_default is not None:
            raise TypeError(f"{column} has a database-side default: flush it instead")
        plan.append((prop.key, column.key, bool(column.primary_key), column.default))
    return tuple(plan)


@cache
def _insert_returning(table: Any, key: Any, *unique: Any) -> Any:
    # Without `unique`, sorted by parameter order: the ids come back in the rows' order.
    return insert(table).returning(key, *unique, sort_by_parameter_order=not unique)


@cache
def _insert_of(table: Any) -> Any:
    return insert(table)
