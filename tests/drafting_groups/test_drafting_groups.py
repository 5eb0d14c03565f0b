"""Drafting groups end to end (issue 20): four drafting groups with co-lead pairs write
their chapters at once, each seeing only its own work in progress; they agree and post them
in parts; the plenary approves them one by one; reports are derived from one another and
exports say where a passage came from."""

from __future__ import annotations

import io
import zipfile
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from fastapi.testclient import TestClient

from tests.amendments.helpers import act, adopt_report, event_types, open_meeting, propose
from tests.drafting_groups.helpers import (
    add_chapter,
    assign,
    balanced_room,
    create_drafting_group,
    new_report,
    stage,
)
from tests.factories import matched, ok

TOPICS = ["Introduction", "Working definition", "Public policy issues", "Forum function"]


def _derive(client: TestClient, who: Any, rid: int, title: str, ids: list[int]) -> dict[str, Any]:
    body = {"title": title, "section_ids": ids}
    return ok(client.post(f"/v1/reports/{rid}/derive", json=body, headers=who.headers), 201)  # type: ignore[no-any-return]


def test_four_drafting_groups_write_agree_post_and_the_plenary_approves(
    client: TestClient,
) -> None:
    room, teams = balanced_room(client, 4)
    chair, secretariat, outsider = room.chair, room.secretariat, room.members[-1]

    # The secretariat's long document -> a Background Report -> the Final Report.
    long_doc = new_report(client, room, "Secretariat's long document")
    chapters = [
        add_chapter(client, room, long_doc, label, topic, f"The long text on {topic.lower()}.")
        for label, topic in zip(["I", "II", "III", "IV"], TOPICS, strict=True)
    ]
    add_chapter(client, room, long_doc, "V", "Notes", "Working notes, not for the report.")
    background = _derive(client, secretariat, long_doc, "Background Report", chapters)
    assert [e["heading"] for e in background["outline"]] == TOPICS
    final = _derive(
        client,
        secretariat,
        background["id"],
        "Final Report",
        [e["id"] for e in background["outline"]],
    )
    rid = final["id"]
    sids = [e["id"] for e in final["outline"]]
    lineage = ok(client.get(f"/v1/sections/{sids[1]}/lineage", headers=chair.headers))
    assert [step["report_id"] for step in lineage["sources"]] == [background["id"], long_doc]
    assert lineage["sources"][-1]["section_id"] == chapters[1]

    # Four drafting groups, each with a co-lead pair from different stakeholders and regions.
    groups = [
        create_drafting_group(client, room, f"DG {t}", team)
        for t, team in zip(TOPICS, teams, strict=True)
    ]
    shown = ok(client.get(f"/v1/drafting-groups/{groups[0].id}", headers=chair.headers))
    assert len(shown["composition"]["co_lead_stakeholders"]) == 2
    assert len(shown["composition"]["co_lead_regions"]) == 2
    for drafting_group, sid in zip(groups, sids, strict=True):
        assert assign(client, room, drafting_group.id, sid)["parts"] == [
            {"section_id": sid, "stage": "in_drafting_group"}
        ]

    def write_chapter(index: int) -> list[int]:
        drafters, sid = groups[index], sids[index]
        statuses = []
        for turn in range(3):
            lead = drafters.co_leads[turn % 2]
            head = ok(client.get(f"/v1/sections/{sid}", headers=lead.headers))["head_version"]
            text = f"Chapter {index + 1}, as drafted in round {turn + 1}."
            response = client.post(
                f"/v1/sections/{sid}/versions",
                json={"base_version": head, "text": text},
                headers=lead.headers,
            )
            statuses.append(response.status_code)
        # Each sees only its own work in progress.
        for other, other_sid in enumerate(sids):
            seen = client.get(f"/v1/sections/{other_sid}", headers=drafters.member.headers)
            statuses.append(seen.status_code if other != index else 200 + (seen.status_code != 200))
        return statuses

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(write_chapter, range(4)))
    for index, statuses in enumerate(results):
        assert statuses[:3] == [201, 201, 201]
        assert statuses[3:] == [200 if i == index else 404 for i in range(4)]
    outline = ok(client.get(f"/v1/reports/{rid}", headers=groups[0].member.headers))["outline"]
    assert [e["id"] for e in outline] == [sids[0]]
    assert [e["stage"] for e in outline] == ["in_drafting_group"]

    # A member of the group amends inside the group; a co-lead accepts it.
    amendment = propose(
        client,
        groups[0].member,
        sids[0],
        "Chapter 1, as drafted in round 3, and amended.",
        base=4,
        kind="editorial",
    )
    decided = ok(
        client.post(
            f"/v1/amendments/{amendment['id']}/group-decision",
            json={"decision": "accept"},
            headers=matched(
                client, f"/v1/amendments/{amendment['id']}", groups[0].co_leads[1].headers
            ),
        )
    )
    assert decided["status"] == "adopted"

    # Agreed by the co-leads, posted to the group by the chair, part by part.
    for drafting_group, sid in zip(groups, sids, strict=True):
        stage(client, drafting_group.co_leads[0], sid, "agreed_in_drafting_group")
        stage(client, chair, sid, "posted_to_group")
        assert client.get(f"/v1/sections/{sid}", headers=outsider.headers).status_code == 200

    # Adoption needs every part approved or left out: 409 listing them.
    meeting = open_meeting(client, room, rid)
    refused = client.post(
        f"/v1/reports/{rid}/adopt",
        json={"editorial_window_days": 7},
        headers=matched(client, f"/v1/reports/{rid}", chair.headers),
    )
    assert refused.status_code == 409
    assert refused.json()["type"] == "urn:plenary:problem:parts-not-approved"
    assert {p["section_id"] for p in refused.json()["missing"]} == set(sids)

    # The plenary approves the chapters one by one, in the meeting.
    for number, sid in enumerate(sids, start=1):
        approved = stage(client, chair, sid, "approved")
        assert approved["parts"] == [{"section_id": sid, "stage": "approved"}]
        progress = ok(client.get(f"/v1/reports/{rid}/progress", headers=outsider.headers))
        assert [c["stage"] for c in progress["chapters"]].count("approved") == number
    assert event_types(client, room, rid).count("section.approved") == 4
    events = ok(client.get(f"/v1/reports/{rid}/events?limit=1000", headers=chair.headers))
    approval = next(e for e in events["items"] if e["type"] == "section.approved")
    assert approval["payload"]["meeting_id"] == meeting
    milestones = ok(client.get(f"/v1/reports/{rid}/milestones", headers=chair.headers))["items"]
    assert sum(m["name"].startswith("Approved by the plenary") for m in milestones) == 4

    # Once approved, text changes only through amendments on the floor.
    refused = client.post(
        f"/v1/sections/{sids[0]}/versions",
        json={"base_version": 5, "text": "A quiet change."},
        headers=secretariat.headers,
    )
    assert refused.status_code == 409
    assert refused.json()["type"] == "urn:plenary:problem:part-approved"
    on_floor = propose(client, outsider, sids[0], "Chapter 1, as amended on the floor.", base=5)
    act(client, chair, on_floor["id"], "floor")
    act(client, chair, on_floor["id"], "adopt")

    # Exports show each part's stage, and, asked, where each passage came from.
    exported = client.get(
        f"/v1/reports/{rid}/export?format=markdown&lineage=true", headers=chair.headers
    ).text
    assert exported.count("> Stage: approved by the plenary") == 4
    assert "> Source: Background Report, II Working definition, version 1; from " in exported
    assert "Secretariat's long document, II Working definition, version 1" in exported
    assert (
        "Source:"
        not in client.get(f"/v1/reports/{rid}/export?format=text", headers=chair.headers).text
    )

    word = client.get(f"/v1/reports/{rid}/export?format=docx&lineage=true", headers=chair.headers)
    with zipfile.ZipFile(io.BytesIO(word.content)) as docx:
        document = docx.read("word/document.xml").decode()
    assert document.count("Stage: approved by the plenary") == 4
    assert "Source: Background Report" in document
    pdf = client.get(f"/v1/reports/{rid}/export?format=pdf&lineage=true", headers=chair.headers)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    progress = ok(client.get(f"/v1/reports/{rid}/progress", headers=outsider.headers))
    first = progress["chapters"][0]
    assert first["drafting_group"] == "DG Introduction"
    assert {c["participant_id"] for c in first["co_leads"]} == {p.id for p in groups[0].co_leads}
    assert adopt_report(client, room, rid)["status"] == "adopted"
