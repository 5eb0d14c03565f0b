"""Replays the WGIG's final meeting at Chateau de Bossey, June 2005, through the API."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.amendments.helpers import act, propose
from tests.factories import add_person, make_group, matched, ok
from tests.wgig import history_markdown


def test_final_meeting_end_to_end(client: TestClient) -> None:
    group = make_group(client, "Working Group on Internet Governance")
    chair = add_person(client, group, "chair", name="The Chairman")
    secretariat = add_person(client, group, "secretariat", stakeholder="intergovernmental")
    stakeholders = ["government", "private_sector", "civil_society"]
    members = [
        add_person(client, group, "member", stakeholder=stakeholders[n % 3], by=chair.headers)
        for n in range(39)
    ]
    observer = add_person(client, group, "observer", stakeholder="intergovernmental")
    voters = [chair, *members]
    assert len(voters) == 40

    report = ok(
        client.post(
            f"/v1/groups/{group}/reports/import",
            json={"markdown": history_markdown(), "symbol": "WGIG/2005/FINAL"},
            headers=secretariat.headers,
        ),
        201,
    )
    rid = report["id"]
    by_heading = {e["heading"]: e for e in report["outline"]}
    writing = by_heading["Writing the Report"]
    conclusion = by_heading["Conclusion"]

    def text_of(section: dict) -> str:  # type: ignore[type-arg]
        return str(
            ok(client.get(f"/v1/sections/{section['id']}", headers=chair.headers))["head"]["text"]
        )

    # plenary: amendments put on the wall one at a time, adopted or rejected on the spot
    meeting = ok(client.post(f"/v1/reports/{rid}/meetings", headers=chair.headers), 201)["id"]
    base = text_of(writing)
    adopted_one = propose(
        client,
        members[0],
        writing["id"],
        base.replace("seventy-two hours", "seventy-two hours (three days)"),
    )
    adopted_two = propose(
        client,
        members[1],
        writing["id"],
        base.replace("good cheer", "good cheer and mutual respect"),
    )
    rejected = propose(
        client,
        members[2],
        writing["id"],
        base.replace("four equally beautiful brides", "four models"),
    )
    for amendment, decision in (
        (adopted_one, "adopt"),
        (rejected, "reject"),
        (adopted_two, "adopt"),
    ):
        act(client, chair, amendment["id"], "floor")
        floor = ok(client.get(f"/v1/meetings/{meeting}", headers=observer.headers))
        assert floor["floor_amendment_id"] == amendment["id"]
        assert act(client, chair, amendment["id"], decision)["status"] == (
            "adopted" if decision == "adopt" else "rejected"
        )
    after_plenary = text_of(writing)
    assert (
        "(three days)" in after_plenary
        and "mutual respect" in after_plenary
        and "beautiful brides" in after_plenary
    )

    # put to bed around one-thirty in the morning: editorial changes for a week
    adopted_report = ok(
        client.post(
            f"/v1/reports/{rid}/adopt",
            json={"editorial_window_days": 7},
            headers=matched(client, f"/v1/reports/{rid}", chair.headers),
        )
    )
    assert adopted_report["status"] == "adopted" and adopted_report["editorial_window_ends_at"]
    typo = propose(
        client,
        members[3],
        conclusion["id"],
        text_of(conclusion).replace("eminently fair", "eminently fair,"),
        base=1,
        kind="editorial",
    )
    assert typo["suggested_kind"] == "editorial"
    # nobody adopts it alone: it waits for every member's chance to call it substance, or
    # applies as soon as every voting member has read and accepted it
    assert act(client, secretariat, typo["id"], "adopt", 409)["status"] == 409
    for voter in voters:
        accepted = act(client, voter, typo["id"], "consent")
    assert accepted["status"] == "adopted"

    # a change of substance passes only with every voting member's consent
    substance = propose(
        client,
        members[4],
        conclusion["id"],
        text_of(conclusion).replace("a success", "a qualified success"),
        base=2,
    )
    assert substance["tally"]["voters"] == 40
    for voter in voters:
        last = act(client, voter, substance["id"], "consent")
    assert last["status"] == "adopted"
    # and one objection blocks another
    blocked = propose(
        client,
        members[5],
        conclusion["id"],
        text_of(conclusion).replace("a qualified success", "a failure"),
        base=3,
    )
    for voter in voters[:20]:
        act(client, voter, blocked["id"], "consent")
    assert (
        act(client, members[30], blocked["id"], "object", reason="Not what the group agreed.")[
            "status"
        ]
        == "blocked"
    )
    final_conclusion = text_of(conclusion)
    assert (
        "eminently fair," in final_conclusion
        and "qualified success" in final_conclusion
        and "failure" not in final_conclusion
    )

    # transmitted to the Secretary-General on 5 July 2005: frozen
    assert (
        ok(
            client.post(
                f"/v1/reports/{rid}/transmit",
                headers=matched(client, f"/v1/reports/{rid}", chair.headers),
            )
        )["status"]
        == "transmitted"
    )
    refused = client.post(
        f"/v1/sections/{conclusion['id']}/amendments",
        json={"base_version": 3, "text": "x", "kind": "editorial"},
        headers=members[0].headers,
    )
    assert (
        refused.status_code == 409
        and refused.json()["type"] == "urn:plenary:problem:report-transmitted"
    )

    milestones = ok(client.get(f"/v1/reports/{rid}/milestones", headers=chair.headers))["items"]
    assert [m["kind"] for m in milestones] == ["adoption", "transmission"]
    comparison = ok(
        client.get(
            f"/v1/reports/{rid}/compare?from_milestone={milestones[0]['id']}&to_milestone={milestones[1]['id']}",
            headers=chair.headers,
        )
    )
    changed = {s["heading"] for s in comparison["sections"] if s["change"] != "unchanged"}
    assert changed == {"Conclusion"}
    exported = client.get(f"/v1/reports/{rid}/export?format=text", headers=observer.headers).text
    assert "qualified success" in exported and "DISCLAIMER" not in exported
    chain = ok(client.get(f"/v1/reports/{rid}/events/verify", headers=observer.headers))
    assert chain["ok"] and chain["events"] > 60
