"""A questionnaire of the group alone (tied to no report): it works the same and keeps no
event log; a thread needs a questionnaire tied to the report it is in."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.clock import ShiftedClock
from app.questionnaires.sweep import record_closings
from tests.amendments.helpers import event_types, report_with_section
from tests.factories import make_room, ok
from tests.questionnaires.helpers import (
    answers_for,
    create,
    in_days,
    is_problem,
    process_functions,
    reply,
)


def test_a_questionnaire_of_the_group_alone(
    client: TestClient, app: FastAPI, clock: ShiftedClock
) -> None:
    room = make_room(client, members=2)
    rid, _sid = report_with_section(client, room, "Text.")
    before = event_types(client, room, rid)
    made = create(client, room, process_functions(in_days(1)))
    assert made["report_id"] is None
    ok(reply(client, room.members[0], made["id"], answers_for(made["questions"], 0)), 201)
    assert event_types(client, room, rid) == before  # nothing in the group's report's log
    # no thread on its questions in a report it is not tied to
    opened = client.post(
        f"/v1/reports/{rid}/threads",
        json={"question_id": made["questions"][0]["id"], "body": "Discuss."},
        headers=room.members[1].headers,
    )
    is_problem(opened, 404, "not-found")
    clock.advance(days=2)
    assert record_closings(app.state.database) == 1
    assert record_closings(app.state.database) == 0  # marked once
    assert (
        ok(client.get(f"/v1/questionnaires/{made['id']}", headers=room.chair.headers))["state"]
        == "closed"
    )
    # the summary can still become a section of a report the staff names
    imported = ok(
        client.post(
            f"/v1/questionnaires/{made['id']}/summary/import",
            json={"into": "section", "report_id": rid},
            headers=room.secretariat.headers,
        ),
        201,
    )
    assert imported["report_id"] == rid and imported["section_id"]
    # a member may not import it
    refused = client.post(
        f"/v1/questionnaires/{made['id']}/summary/import",
        json={"into": "report"},
        headers=room.members[0].headers,
    )
    is_problem(refused, 403, "forbidden")
