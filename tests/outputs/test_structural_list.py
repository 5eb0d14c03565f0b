"""Structural amendments in the amendment list's exports (issue 32): their instruction, the
operation, and each section they touch as tracked changes against their base, moved text
marked as moved; the Akoma Ntoso list still validates against the OASIS schema."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import docx
import pytest
from fastapi.testclient import TestClient

from tests.amendments.structural_helpers import Outline, build_outline, structural, write_direct
from tests.amendments.test_structural import bodies
from tests.factories import Room, make_room
from tests.outputs.helpers import AKN, valid_akn

RUN = "It heard many voices.\n\nIt agreed on a report."


@pytest.fixture
def room(client: TestClient) -> Room:
    return make_room(client)


@pytest.fixture
def listed(client: TestClient, room: Room) -> tuple[Outline, dict[str, dict[str, object]]]:
    o = build_outline(client, room)
    proposed = {
        kind: structural(client, room.members[0], o.rid, **body) for kind, body in bodies(o).items()
    }
    proposed["run"] = structural(
        client,
        room.members[0],
        o.rid,
        operation="move_paragraphs",
        section_id=o["I"],
        first=2,
        last=3,
        to_section_id=o["III"],
        at_end=True,
    )
    # A change since: the list shows what was proposed, against its base.
    write_direct(client, room, o["II.B"], "Rewritten since.")
    return o, proposed


def _export(client: TestClient, room: Room, rid: int, format: str) -> bytes:
    response = client.get(
        f"/v1/reports/{rid}/amendments/export?format={format}", headers=room.chair.headers
    )
    assert response.status_code == 200, response.text
    return response.content


def _component(root: ET.Element, amendment_id: object) -> ET.Element:
    found = root.find(f".//{AKN}component[@eId='cmp_{amendment_id}']")
    assert found is not None
    return found


def test_akn_lists_structural_amendments_with_their_changes(
    client: TestClient, room: Room, listed: tuple[Outline, dict[str, dict[str, object]]]
) -> None:
    o, proposed = listed
    root = valid_akn(_export(client, room, o.rid, "akn"))
    for kind, amendment in proposed.items():
        content = _component(root, amendment["id"]).find(f".//{AKN}amendmentContent")
        assert content is not None
        said = content.find(f"{AKN}p[@class='instruction']")
        assert said is not None  # its line breaks are <br/>
        assert "".join(said.itertext()) == str(amendment["instruction"]).replace("\n", "")
        operation = "move_paragraphs" if kind == "run" else kind
        assert content.findtext(f"{AKN}p[@class='operation']") == operation
    run = _component(root, proposed["run"]["id"]).find(f".//{AKN}p[@class='change']")
    assert run is not None
    moved_from = [s.text for s in run.iter(f"{AKN}span") if s.get("class") == "movedFrom"]
    moved_to = [s.text for s in run.iter(f"{AKN}span") if s.get("class") == "movedTo"]
    assert moved_from == ["\n\n" + RUN] and moved_to == ["\n\n" + RUN]
    assert list(run.iter(f"{AKN}ins")) == [] and list(run.iter(f"{AKN}del")) == []
    span = _component(root, proposed["span"]["id"]).find(f".//{AKN}p[@class='change']")
    assert span is not None
    assert "plays a role too." in [d.text for d in span.iter(f"{AKN}del")]  # its base
    titles = [s.text for s in span.iter(f"{AKN}span") if s.get("class") == "section"]
    assert titles == ["II.B Others: ", "II.C Technique: "]
    inserted = _component(root, proposed["insert"]["id"]).find(f".//{AKN}p[@class='change']")
    assert inserted is not None
    assert [i.text for i in inserted.iter(f"{AKN}ins")] == ["Users play a role."]


def test_docx_lists_structural_amendments_with_moves_marked(
    client: TestClient, room: Room, listed: tuple[Outline, dict[str, dict[str, object]]]
) -> None:
    o, proposed = listed
    document = docx.Document(io.BytesIO(_export(client, room, o.rid, "docx")))
    rows = {row.cells[0].text: row for row in document.tables[0].rows[1:]}
    cell = rows[str(proposed["run"]["id"])].cells[2]
    assert str(proposed["run"]["instruction"]) in cell.text
    runs = [r for p in cell.paragraphs for r in p.runs]
    moved = [r for r in runs if RUN.split("\n")[0] in r.text]
    assert moved and all(r.font.color.rgb is not None for r in moved)  # green, not struck
    assert any(r.font.double_strike for r in moved) and any(
        r.underline == docx.enum.text.WD_UNDERLINE.DOUBLE for r in moved
    )
    assert "Users play a role." in rows[str(proposed["insert"]["id"])].cells[2].text
