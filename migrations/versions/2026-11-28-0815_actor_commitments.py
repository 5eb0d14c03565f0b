"""actor commitments: an event's hash covers SHA-256(salt || actor id), not the actor id

Revision ID: c0a7e5d1f2b4
Revises: 0fd25804c0b4
Create Date: 2026-11-28 08:15:00

The first chain rule hashed each event's `actor_id` with content the public sees, so anyone
could try every participant id and learn who proposed, consented or objected. This migration
recomputes every report's chain under the new rule (a fresh salt per event, the hash covering
the commitment) rather than keeping the old rule for old events: old events would otherwise
go on naming their actors to anyone who asks, which is the very leak being closed.

What that costs, and how it is bridged:
- Hashes published before this migration (event hashes, `Plenary-Chain-Head`, certificates
  downloaded earlier) no longer match the served chain. Each event keeps its old hash in
  `legacy_hash`, served only to members, who see the actor and so can recompute both rules
  and check that the new chain carries exactly the old record.
- A stored certificate's `event_chain.head_hash` is rewritten to the new hash of the same
  event, and only when it was the old hash of that event.
- A chain that did not verify under the old rule is not laundered: its events up to the
  first bad one are rechained, and from that one on keep their old hashes, so verification
  still fails at the same event.
Downgrade recomputes the old rule the same way and drops the new columns.

The chain rules are frozen copies here: this file must not change when app/events/chain.py
does.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

import app.db

revision = "c0a7e5d1f2b4"
down_revision = "0fd25804c0b4"
branch_labels = None
depends_on = None

GENESIS_HASH = "0" * 64

event = sa.table(
    "event",
    sa.column("id", sa.Integer()),
    sa.column("report_id", sa.Integer()),
    sa.column("seq", sa.Integer()),
    sa.column("type", sa.String()),
    sa.column("actor_id", sa.Integer()),
    sa.column("actor_salt", sa.String()),
    sa.column("actor_commitment", sa.String()),
    sa.column("payload", sa.JSON()),
    sa.column("created_at", app.db.UTCDateTime(timezone=True)),
    sa.column("prev_hash", sa.String()),
    sa.column("hash", sa.String()),
    sa.column("legacy_hash", sa.String()),
)
certificate = sa.table(
    "certificate", sa.column("report_id", sa.Integer()), sa.column("body", sa.JSON())
)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _moment(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()


def _commitment(salt: str, actor_id: int | None) -> str:
    who = b"" if actor_id is None else str(actor_id).encode("ascii")
    return hashlib.sha256(bytes.fromhex(salt) + who).hexdigest()


def _digest_v1(prev: str, row: Any) -> str:
    """The first rule: the hash covered the actor id."""
    body = {
        "report_id": row.report_id,
        "seq": row.seq,
        "type": row.type,
        "actor_id": row.actor_id,
        "payload": row.payload,
        "created_at": _moment(row.created_at),
    }
    return hashlib.sha256((prev + _canonical(body)).encode("utf-8")).hexdigest()


def _digest_v2(prev: str, row: Any, commitment: str) -> str:
    """The second rule: the hash covers SHA-256(salt || actor id)."""
    body = {
        "report_id": row.report_id,
        "seq": row.seq,
        "type": row.type,
        "actor_commitment": commitment,
        "payload": row.payload,
        "created_at": _moment(row.created_at),
    }
    return hashlib.sha256((prev + _canonical(body)).encode("utf-8")).hexdigest()


def _rechain(
    rows: list[Any],
    holds: Callable[[str, Any], bool],
    new_hash: Callable[[str, Any], str],
) -> tuple[list[tuple[int, str, str]], dict[str, str]]:
    """New (id, prev_hash, hash) for one report's events, oldest first, and old -> new head.

    `holds(prev, row)` says whether a row verifies under the rule being replaced. Rows after
    the first that does not keep their hashes, so the break stays where it was."""
    updates: list[tuple[int, str, str]] = []
    renamed: dict[str, str] = {}
    old_prev = new_prev = GENESIS_HASH
    for count, row in enumerate(rows, start=1):
        if row.seq != count or row.prev_hash != old_prev or not holds(old_prev, row):
            break
        new = new_hash(new_prev, row)
        updates.append((row.id, new_prev, new))
        renamed[row.hash] = new
        old_prev, new_prev = row.hash, new
    return updates, renamed


def _rewrite(holds: Callable[[str, Any], bool], new_hash: Callable[[str, Any], str]) -> None:
    connection = op.get_bind()
    report_ids = connection.scalars(sa.select(event.c.report_id).distinct()).all()
    for report_id in report_ids:
        rows = connection.execute(
            sa.select(event).where(event.c.report_id == report_id).order_by(event.c.seq)
        ).all()
        updates, renamed = _rechain(rows, holds, new_hash)
        for event_id, prev_hash, new in updates:
            connection.execute(
                event.update().where(event.c.id == event_id).values(prev_hash=prev_hash, hash=new)
            )
        body = connection.scalar(
            sa.select(certificate.c.body).where(certificate.c.report_id == report_id)
        )
        head = (body or {}).get("event_chain", {}).get("head_hash")
        if body is not None and head in renamed:
            body = {**body, "event_chain": {**body["event_chain"], "head_hash": renamed[head]}}
            connection.execute(
                certificate.update().where(certificate.c.report_id == report_id).values(body=body)
            )


def upgrade() -> None:
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("actor_salt", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("actor_commitment", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("legacy_hash", sa.String(length=64), nullable=True))

    connection = op.get_bind()
    for row in connection.execute(sa.select(event.c.id, event.c.actor_id, event.c.hash)).all():
        salt = secrets.token_hex(32)
        connection.execute(
            event.update()
            .where(event.c.id == row.id)
            .values(
                actor_salt=salt,
                actor_commitment=_commitment(salt, row.actor_id),
                legacy_hash=row.hash,
            )
        )
    _rewrite(
        holds=lambda prev, row: _digest_v1(prev, row) == row.hash,
        new_hash=lambda prev, row: _digest_v2(prev, row, row.actor_commitment),
    )

    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.alter_column("actor_salt", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column(
            "actor_commitment", existing_type=sa.String(length=64), nullable=False
        )


def downgrade() -> None:
    _rewrite(
        holds=lambda prev, row: _digest_v2(prev, row, row.actor_commitment) == row.hash,
        new_hash=_digest_v1,
    )
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_column("legacy_hash")
        batch_op.drop_column("actor_commitment")
        batch_op.drop_column("actor_salt")
