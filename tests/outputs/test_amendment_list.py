"""The amendment list as an Akoma Ntoso amendmentList and as a Word table: heading, the
instruction and the tracked change, the justification, alternatives; proposers named to
members only (Chatham House)."""

from __future__ import annotations

import io
from typing import Any

import docx
from fastapi.testclient import TestClient

from tests.amendments.helpers import TEXT, propose, report_with_section
from tests.factories import Room, make_room
from tests.outputs.helpers import AKN, valid_akn


def _amendments(client: TestClient) -> tuple[Room, int, list[dict[str, Any]]]:
    room = make_room(client, members=2)
    rid, sid = report_with_section(client, room)
    first = propose(
        client,
        room.members[0],
        sid,
        TEXT.replace("governments", "governments, the private sector and civil society"),
        rationale="All stakeholders have roles.",
    )
    alternative = propose(
        client,
        room.members[1],
        sid,
        TEXT.replace("governments", "all stakeholders"),
        rationale="Shorter.",
        alternative_to=first["id"],
    )
    other = propose(client, room.members[1], sid, TEXT.replace("Geneva", "Geneva, Switzerland"))
    return room, rid, [first, alternative, other]


def _export(client: TestClient, rid: int, format: str, headers: dict[str, str]) -> bytes:
    response = client.get(f"/v1/reports/{rid}/amendments/export?format={format}", headers=headers)
    assert response.status_code == 200, response.text
    return response.content


def test_akn_amendment_list_validates_with_changes_justifications_and_alternatives(
    client: TestClient,
) -> None:
    room, rid, (first, alternative, other) = _amendments(client)
    root = valid_akn(_export(client, rid, "akn", room.chair.headers))
    listing = root.find(f"{AKN}amendmentList")
    assert listing is not None
    components = listing.findall(f"{AKN}collectionBody/{AKN}component")
    assert [c.get("eId") for c in components] == [
        f"cmp_{first['id']}",
        f"cmp_{alternative['id']}",
        f"cmp_{other['id']}",
    ]
    assert [c.get("alternativeTo") for c in components] == [None, f"cmp_{first['id']}", None]
    body = components[0].find(f"{AKN}amendment/{AKN}amendmentBody")
    assert body is not None
    assert f"Amendment {first['id']} (I. Introduction)" in "".join(
        body.find(f"{AKN}amendmentHeading").itertext()  # type: ignore[union-attr]
    )
    content = body.find(f"{AKN}amendmentContent")
    assert content is not None
    assert content.findtext(f"{AKN}p[@class='instruction']") == first["instruction"]
    change = content.find(f"{AKN}p[@class='change']")
    assert change is not None
    assert [i.text for i in change.iter(f"{AKN}ins")] == [", the private sector and civil society"]
    assert list(change.iter(f"{AKN}del")) == []
    assert "".join(body.find(f"{AKN}amendmentJustification").itertext()) == (  # type: ignore[union-attr]
        "All stakeholders have roles."
    )
    replaced = components[1].find(f".//{AKN}p[@class='change']")
    assert replaced is not None
    assert [d.text for d in replaced.iter(f"{AKN}del")] == ["governments"]
    assert [i.text for i in replaced.iter(f"{AKN}ins")] == ["all stakeholders"]
    proposers = [p.text for p in root.iter(f"{AKN}docProponent")]
    assert proposers == [room.members[0].name, room.members[1].name, room.members[1].name]


def test_observers_read_the_list_without_names(client: TestClient) -> None:
    room, rid, _ = _amendments(client)
    for format in ("akn", "docx"):
        data = _export(client, rid, format, room.observers[0].headers)
        if format == "akn":
            text = data.decode("utf-8")
            proposers = [p.text for p in valid_akn(data).iter(f"{AKN}docProponent")]
            assert proposers == ["a participant"] * 3
        else:
            document = docx.Document(io.BytesIO(data))
            text = " ".join(c.text for row in document.tables[0].rows for c in row.cells)
            assert "a participant" in text
        for person in room.members:
            assert person.name not in text


def test_docx_amendment_list_is_a_table_one_row_per_amendment(client: TestClient) -> None:
    room, rid, amendments = _amendments(client)
    document = docx.Document(io.BytesIO(_export(client, rid, "docx", room.chair.headers)))
    table = document.tables[0]
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0][:4] == ["No.", "Section", "Amendment", "Justification"]
    assert [row[0] for row in rows[1:]] == [
        str(amendments[0]["id"]),
        f"{amendments[1]['id']} (alternative to {amendments[0]['id']})",
        str(amendments[2]["id"]),
    ]
    assert rows[1][2].startswith(amendments[0]["instruction"])
    assert rows[1][3] == "All stakeholders have roles."
    assert rows[1][5] == room.members[0].name
    inserted = [
        run.text
        for paragraph in table.rows[1].cells[2].paragraphs
        for run in paragraph.runs
        if run.font.underline
    ]
    assert inserted == [", the private sector and civil society"]


def test_status_filter_and_errors(client: TestClient) -> None:
    room, rid, _ = _amendments(client)
    response = client.get(
        f"/v1/reports/{rid}/amendments/export?format=akn&status=adopted", headers=room.chair.headers
    )
    root = valid_akn(response.content)
    assert root.findall(f".//{AKN}amendment") == []
    assert "No amendments." in "".join(root.find(f".//{AKN}collectionBody").itertext())  # type: ignore[union-attr]
    docx_list = client.get(
        f"/v1/reports/{rid}/amendments/export?format=docx&status=adopted",
        headers=room.chair.headers,
    )
    assert len(docx.Document(io.BytesIO(docx_list.content)).tables[0].rows) == 1
    assert (
        client.get(
            f"/v1/reports/{rid}/amendments/export?format=pdf", headers=room.chair.headers
        ).status_code
        == 422
    )
    assert (
        client.get("/v1/reports/999999/amendments/export", headers=room.chair.headers).status_code
        == 404
    )
    outsider = make_room(client, members=1)
    assert client.get(
        f"/v1/reports/{rid}/amendments/export", headers=outsider.chair.headers
    ).status_code in (403, 404)
