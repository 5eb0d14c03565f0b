"""Builds the benchmark's data directly with plenary's services (fast, no HTTP)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import event, insert, select, update
from sqlalchemy.orm import Session

from app.auth import Principal
from app.db import Database
from app.demo import history_markdown
from app.groups import invitations
from app.groups import service as groups
from app.groups.models import Participant, Role, Stakeholder
from app.reports import service as reports
from app.reports.models import Section, SectionKind, Version, VersionSource
from app.reports.versions import sha256_text
from app.signatures import answer_message, new_private_key, public_key_text, sign, wording_sha256
from app.text.edits import compute_edits
from app.text.edits import to_json as edits_json
from app.text.paragraphs import paragraph_count


@dataclass
class Seeded:
    group_id: int
    report_id: int
    admin_token: str
    chair: str
    secretariat: str
    members: list[str]
    observers: list[str]  # read without names: the stream's public encoding
    section_10: int
    section_10k: int
    big_section: int  # ~20 KB
    sections: list[int]
    # Each participant's private signing key by token, as its own device would hold it: the
    # bench answers consent rounds and notices as the participants do, signed.
    keys: dict[str, Ed25519PrivateKey]


def signed_answer(
    key: Ed25519PrivateKey, amendment: dict[str, Any], answer: str = "consent", reason: str = ""
) -> dict[str, str]:
    """The body of a signed answer (`answer`: consent, stand_aside, object, withdraw) on
    `amendment` as read from the API now (its `round` and wording). Signing is the voter's
    work, done on its device: the bench signs before it times a request."""
    message = answer_message(
        report_id=amendment["report_id"],
        amendment_id=amendment["id"],
        round=amendment["round"] or "",
        wording_sha256=wording_sha256(amendment["proposed_text"]),
        answer=answer,
        reason=reason,
    )
    body = {"signature": sign(key, message)}
    return body if answer == "consent" else {**body, "reason": reason}


def redeem_with_key(session: Session, code: str) -> tuple[str, Ed25519PrivateKey]:
    """A participant redeems its invitation with a signing key made for it here: its token
    and the private half."""
    key = new_private_key()
    _token, secret = invitations.redeem(
        session, code=code, label="bench", public_key=public_key_text(key)
    )
    return secret, key


@contextmanager
def seeding(database: Database) -> Iterator[None]:
    """While the bench seeds: on SQLite, its own connections skip the fsync of each commit
    (`synchronous=OFF`; a crash would lose a seed, never a measured row). Its pool is emptied
    afterwards, so every connection after that is made afresh with plenary's own pragmas
    (app/db.py) before anything is measured."""
    if not database.is_sqlite:
        yield
        return

    def unsynced(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA synchronous=OFF")

    database.engine.dispose()
    event.listen(database.engine, "connect", unsynced)
    try:
        yield
    finally:
        event.remove(database.engine, "connect", unsynced)
        database.engine.dispose()


def _history(database: Database, section_id: int, count: int, *, author_id: int) -> None:
    """Brings a section from its first version to `count`: the same rows `append_version`
    writes (text, sha256, paragraph count, the exact edits from the parent, numbered on), in
    one Core executemany, then the head moved once. Nothing else moves: the section has no
    open points to carry, and a direct version records no event."""
    with database.session() as session:
        section = session.get(Section, section_id)
        if section is None or section.head_version != 1:
            raise RuntimeError("a history is written on a fresh section")
        previous = reports.get_version(session, section=section, number=1).text
        now = datetime.now(UTC)
        rows = []
        for number in range(2, count + 1):
            text = f"Text at version {number}."
            rows.append(
                {
                    "section_id": section_id,
                    "number": number,
                    "text": text,
                    "sha256": sha256_text(text),
                    "paragraph_count": paragraph_count(text),
                    "source": VersionSource.edit,
                    "author_id": author_id,
                    "created_at": now,
                    "edits": edits_json(compute_edits(previous, text)),
                }
            )
            previous = text
        if rows:
            session.execute(insert(Version), rows)
            session.execute(
                update(Section)
                .where(Section.id == section_id, Section.head_version == 1)
                .values(head_version=count, revision=Section.revision + len(rows))
                .execution_options(synchronize_session=False)
            )


def report_markdown(sections: int = 200, target_bytes: int = 200_000) -> str:
    """A 65-page report: the WGIG history's paragraphs, reshuffled into 200 sections."""
    paragraphs = [
        p for p in history_markdown().split("\n\n") if len(p) > 80 and not p.startswith("#")
    ]
    rng = random.Random(65)
    per_section = max(1, target_bytes // sections)
    out = []
    for n in range(sections):
        body, size = [], 0
        while size < per_section:
            paragraph = rng.choice(paragraphs)
            body.append(paragraph)
            size += len(paragraph)
        level = "#" if n % 10 == 0 else "##"
        out.append(f"{level} {n + 1}. Section {n + 1}\n\n" + "\n\n".join(body))
    return "\n\n".join(out) + "\n"


def seed(
    database: Database,
    *,
    voters: int = 40,
    observers: int = 20,
    deep: int = 10_000,
    sections: int = 200,
    name: str = "Benchmark group",
) -> Seeded:
    """`sections` of ~1 KB each (200: the 65-page report); `name`: the group's (unique)."""
    admin = Principal(token_id=None, participant=None)
    with database.session() as session:
        group = groups.create_group(session, name=name, description="")
        _t, admin_token = groups.issue_token(session, participant=None, label="bench")
        tokens: dict[str, str] = {}
        ids: dict[str, int] = {}
        keys: dict[str, Ed25519PrivateKey] = {}
        people = [("chair", Role.chair), ("secretariat", Role.secretariat)]
        people += [(f"member{n}", Role.member) for n in range(voters - 1)]
        people += [(f"observer{n}", Role.observer) for n in range(observers)]
        for name, role in people:
            participant, _invitation, code = groups.add_participant(
                session,
                group=group,
                principal=admin,
                name=name,
                role=role,
                stakeholder=Stakeholder.government,
                region="",
                invitation_valid_for=timedelta(days=1),
            )
            secret, keys[secret] = redeem_with_key(session, code)
            tokens[name], ids[name] = secret, participant.id
        group_id = group.id
    with database.session() as session:
        secretariat = Principal(
            token_id=None, participant=session.get(Participant, ids["secretariat"])
        )
        report = reports.import_report(
            session,
            group_id=group_id,
            principal=secretariat,
            source=report_markdown(sections, target_bytes=1_000 * sections),
            title="Benchmark report",
            symbol="BENCH/1",
            disclaimer=None,
        )
        report_id = report.id
        section_ids = list(
            session.scalars(
                select(Section.id).where(Section.report_id == report_id).order_by(Section.id)
            )
        )
        for extra, text in (("Ten", "ten versions"), ("Deep", "deep history"), ("Big", "big")):
            reports.add_section(
                session,
                report_id=report_id,
                principal=secretariat,
                kind=SectionKind.annex,
                label=extra,
                heading=text,
                parent_id=None,
                position=None,
                text=(history_markdown()[:20_000] if extra == "Big" else f"{text} version 1."),
            )
        extra_ids = list(
            session.scalars(
                select(Section.id)
                .where(Section.report_id == report_id)
                .order_by(Section.id.desc())
                .limit(3)
            )
        )
        big, deep_id, ten = extra_ids
    for section_id, count in ((ten, 10), (deep_id, deep)):
        _history(database, section_id, count, author_id=ids["secretariat"])
    return Seeded(
        group_id=group_id,
        report_id=report_id,
        admin_token=admin_token,
        chair=tokens["chair"],
        secretariat=tokens["secretariat"],
        members=[tokens[f"member{n}"] for n in range(voters - 1)],
        observers=[tokens[f"observer{n}"] for n in range(observers)],
        section_10=ten,
        section_10k=deep_id,
        big_section=big,
        sections=section_ids,
        keys=keys,
    )
