"""`report.outline_revision` names the state of a report's outline: the database bumps it on
every write to one of the report's section rows (a trigger), and the read caches key their
answers by it (app/reports/checked_reads.py, app/reports/outline.py). If a write path could
change a section without moving it, a kept answer (its first paragraph number, its text)
would be served stale: these tests fail first."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text, update

from app.reports.models import Report, Section, SectionKind
from tests.amendments.helpers import TEXT, act, adopt_report, propose, report_with_section
from tests.factories import Room, make_room, matched, ok, write_version


def _revision(app: FastAPI, report_id: int) -> int:
    with app.state.database.engine.connect() as connection:
        return int(connection.scalar(select(Report.outline_revision).where(Report.id == report_id)))


def _aggregate(app: FastAPI, report_id: int) -> tuple[int, int, int]:
    """What the caches keyed by before: count, highest id and sum of revisions of sections."""
    with app.state.database.engine.connect() as connection:
        row = connection.execute(
            select(func.count(Section.id), func.max(Section.id), func.sum(Section.revision)).where(
                Section.report_id == report_id
            )
        ).one()
    return int(row[0]), int(row[1] or 0), int(row[2] or 0)


def test_every_kind_of_write_to_a_section_row_moves_the_counter(
    app: FastAPI, client: TestClient
) -> None:
    """Whatever sends the write (the ORM, a Core update, plain SQL), the database bumps the
    counter of the section's report, and only of that report."""
    room = make_room(client)
    rid, sid = report_with_section(client, room)
    other, _ = report_with_section(client, room)
    database = app.state.database

    def writes() -> list[Any]:
        def orm_update(session: Any) -> None:
            section = session.get(Section, sid)
            section.heading = "Renamed by the ORM"

        def core_update(session: Any) -> None:
            session.execute(
                update(Section).where(Section.id == sid).values(revision=Section.revision + 1)
            )

        def plain_sql(session: Any) -> None:
            session.execute(text("UPDATE section SET label = 'II' WHERE id = :id"), {"id": sid})

        def orm_insert(session: Any) -> None:
            session.add(
                Section(report_id=rid, kind=SectionKind.section, position=9, head_version=0)
            )

        def plain_delete(session: Any) -> None:
            session.execute(
                text("DELETE FROM section WHERE report_id = :r AND head_version = 0"), {"r": rid}
            )

        return [orm_update, core_update, plain_sql, orm_insert, plain_delete]

    for write in writes():
        before, untouched = _revision(app, rid), _revision(app, other)
        with database.session() as session:
            write(session)
        assert _revision(app, rid) > before, write.__name__
        assert _revision(app, other) == untouched, write.__name__


def _outline_writes(client: TestClient, room: Room, rid: int, sid: int) -> list[Any]:
    """Every API write that changes a section of the report, in an order that works."""
    chair, secretariat = room.chair.headers, room.secretariat.headers

    def add() -> Any:
        return client.post(
            f"/v1/reports/{rid}/sections",
            json={"kind": "section", "label": "1", "heading": "Added", "text": TEXT},
            headers=secretariat,
        )

    def rename() -> Any:
        headers = matched(client, f"/v1/sections/{sid}", secretariat)
        return client.patch(f"/v1/sections/{sid}", json={"heading": "Renamed"}, headers=headers)

    def edit() -> Any:
        head = ok(client.get(f"/v1/sections/{sid}", headers=secretariat))["head_version"]
        write_version(client, room, sid, head, TEXT + "\n\nOne more paragraph.")
        return client.get(f"/v1/sections/{sid}", headers=secretariat)

    def move_and_remove() -> Any:
        outline = ok(client.get(f"/v1/reports/{rid}", headers=secretariat))["outline"]
        last = outline[-1]["id"]
        headers = matched(client, f"/v1/sections/{last}", secretariat)
        ok(client.post(f"/v1/sections/{last}/move", json={"position": 0}, headers=headers))
        headers = matched(client, f"/v1/sections/{last}", secretariat)
        return client.delete(f"/v1/sections/{last}", headers=headers)

    def amend_by_consent() -> Any:
        adopt_report(client, room, rid)
        head = ok(client.get(f"/v1/sections/{sid}", headers=chair))
        amendment = propose(
            client,
            room.members[0],
            sid,
            head["head"]["text"] + " Agreed.",
            base=head["head_version"],
        )
        answer: Any = None
        for voter in room.voters:
            answer = act(client, voter, amendment["id"], "consent")
        assert answer["status"] == "adopted"
        return client.get(f"/v1/sections/{sid}", headers=chair)

    return [add, rename, edit, move_and_remove, amend_by_consent]


def test_every_api_write_that_changes_the_outline_moves_the_counter(
    app: FastAPI, client: TestClient
) -> None:
    room = make_room(client)
    rid, sid = report_with_section(client, room)
    for write in _outline_writes(client, room, rid, sid):
        before = (_aggregate(app, rid), _revision(app, rid))
        response = write()
        assert response.status_code < 300, (write.__name__, response.text)
        after = (_aggregate(app, rid), _revision(app, rid))
        assert after[0] != before[0], write.__name__  # the write changed the outline
        assert after[1] > before[1], write.__name__  # and the counter saw it


def test_a_kept_answer_follows_a_change_to_an_earlier_section(client: TestClient) -> None:
    """The section read names its first paragraph number, which sections before it decide:
    a write to another section must reach the kept answer of this one."""
    room = make_room(client)
    rid, first = report_with_section(client, room)
    member = room.members[0].headers
    second = ok(
        client.post(
            f"/v1/reports/{rid}/sections",
            json={"kind": "chapter", "label": "II", "heading": "Second", "text": "Alone."},
            headers=room.secretariat.headers,
        ),
        201,
    )["id"]
    numbers = []
    for n in range(1, 4):
        kept = ok(client.get(f"/v1/sections/{second}", headers=member))
        assert ok(client.get(f"/v1/sections/{second}", headers=member)) == kept
        numbers.append(kept["first_paragraph"])
        write_version(client, room, first, n, TEXT + "\n\nAnother paragraph." * n)
    assert numbers == [4, 5, 6]
    assert ok(client.get(f"/v1/sections/{second}", headers=member))["first_paragraph"] == 7


def test_the_report_row_holds_the_head_of_its_event_chain(app: FastAPI, client: TestClient) -> None:
    """A write reads the chain's head with the report's lock, from the report row (a trigger
    on `event` keeps it): after every kind of write it is the latest event's seq and hash,
    and the chain still verifies."""
    room = make_room(client)
    rid, sid = report_with_section(client, room)
    for write in _outline_writes(client, room, rid, sid):
        assert write().status_code < 300, write.__name__
        with app.state.database.engine.connect() as connection:
            stored = connection.execute(
                select(Report.event_seq, Report.event_hash).where(Report.id == rid)
            ).one()
            latest = connection.execute(
                text("SELECT seq, hash FROM event WHERE report_id = :r ORDER BY seq DESC LIMIT 1"),
                {"r": rid},
            ).one()
        assert tuple(stored) == tuple(latest), write.__name__
    chain = ok(client.get(f"/v1/reports/{rid}/events/verify", headers=room.chair.headers))
    assert chain["ok"], chain
