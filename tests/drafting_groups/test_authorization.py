"""Who reads and writes a drafting group's work in progress, who approves for the plenary,
and when posted parts are public (issue 20)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient

from tests.amendments.helpers import open_meeting, propose
from tests.drafting_groups.helpers import (
    add_chapter,
    assign,
    balanced_room,
    create_drafting_group,
    make_public,
    new_report,
    stage,
)
from tests.factories import matched, ok


def test_a_member_outside_the_drafting_group_cannot_read_or_write_its_work(
    client: TestClient,
) -> None:
    room, teams = balanced_room(client, 1)
    outsider, observer = room.members[-1], room.observers[0]
    rid = new_report(client, room, "Final Report")
    sid = add_chapter(client, room, rid, "I", "Introduction", "Work in progress.")
    other = add_chapter(client, room, rid, "II", "Secretariat text", "Posted as written.")
    drafters = create_drafting_group(client, room, "DG", teams[0])
    assign(client, room, drafters.id, sid)
    for reader in (outsider, observer):
        assert client.get(f"/v1/sections/{sid}", headers=reader.headers).status_code == 404
        assert (
            client.get(f"/v1/sections/{sid}/versions/1", headers=reader.headers).status_code == 404
        )
        outline = ok(client.get(f"/v1/reports/{rid}", headers=reader.headers))["outline"]
        assert [(e["id"], e["stage"]) for e in outline] == [(other, "posted_to_group")]
        exported = client.get(f"/v1/reports/{rid}/export?format=text", headers=reader.headers)
        assert "Work in progress" not in exported.text
        # numbered as in the whole report: the hidden part's paragraph keeps number 1
        assert "\n2. Posted as written." in exported.text
        akn = client.get(f"/v1/reports/{rid}/export?format=akn", headers=reader.headers).text
        assert "Work in progress" not in akn and "<num>2.</num>" in akn
    refused = client.post(
        f"/v1/sections/{sid}/versions",
        json={"base_version": 1, "text": "Overwritten."},
        headers=outsider.headers,
    )
    assert refused.status_code == 404
    propose(client, outsider, sid, "Amended from outside.", expect=404)
    # The secretariat's part is not the drafting group's to write.
    refused = client.post(
        f"/v1/sections/{other}/versions",
        json={"base_version": 1, "text": "Taken over."},
        headers=drafters.member.headers,
    )
    assert refused.status_code == 403
    # An amendment inside the group is invisible outside it.
    inside = propose(client, drafters.member, sid, "Work in progress, amended.")
    assert client.get(f"/v1/amendments/{inside['id']}", headers=outsider.headers).status_code == 404
    listed = ok(client.get(f"/v1/reports/{rid}/amendments", headers=outsider.headers))["items"]
    assert listed == []
    # The report's event log is read by all its readers: it carries no wording of the group's.
    events = ok(client.get(f"/v1/reports/{rid}/events?limit=1000", headers=outsider.headers))
    proposed = next(e for e in events["items"] if e["type"] == "amendment.proposed")
    assert proposed["payload"]["instruction"] is None
    assert "Work in progress" not in str(events)
    # Nothing was written: the group and the chair still read version 1 and the amendment.
    for reader in (drafters.member, room.chair, room.secretariat):
        head = ok(client.get(f"/v1/sections/{sid}", headers=reader.headers))["head"]
        assert head["text"] == "Work in progress."
    # A plain member of the group neither decides its amendments nor marks it agreed.
    headers = matched(client, f"/v1/amendments/{inside['id']}", drafters.member.headers)
    refused = client.post(
        f"/v1/amendments/{inside['id']}/group-decision",
        json={"decision": "accept"},
        headers=headers,
    )
    assert refused.status_code == 403
    stage(client, drafters.member, sid, "agreed_in_drafting_group", expect=403)
    # A co-lead rejects it: the reason is for the group; the event log says only that.
    rejected = ok(
        client.post(
            f"/v1/amendments/{inside['id']}/group-decision",
            json={"decision": "reject", "reason": "Work in progress needs no such change."},
            headers=matched(client, f"/v1/amendments/{inside['id']}", drafters.co_leads[1].headers),
        )
    )
    assert rejected["status"] == "rejected"
    assert rejected["outcome_note"] == "Work in progress needs no such change."
    events = ok(client.get(f"/v1/reports/{rid}/events?limit=1000", headers=outsider.headers))
    assert "Work in progress" not in str(events)
    # Once agreed, the group's members no longer write it directly.
    stage(client, drafters.co_leads[0], sid, "agreed_in_drafting_group")
    refused = client.post(
        f"/v1/sections/{sid}/versions",
        json={"base_version": 1, "text": "After agreement."},
        headers=drafters.co_leads[0].headers,
    )
    assert refused.status_code == 403


def test_a_co_lead_cannot_approve_for_the_plenary(client: TestClient) -> None:
    room, teams = balanced_room(client, 1)
    rid = new_report(client, room, "Final Report")
    sid = add_chapter(client, room, rid, "I", "Introduction", "Text.")
    drafters = create_drafting_group(client, room, "DG", teams[0])
    assign(client, room, drafters.id, sid)
    lead = drafters.co_leads[0]
    stage(client, lead, sid, "agreed_in_drafting_group")
    stage(client, lead, sid, "posted_to_group", expect=403)
    stage(client, room.chair, sid, "posted_to_group")
    open_meeting(client, room, rid)
    refused = stage(client, lead, sid, "approved", expect=403)
    assert refused["type"] == "urn:plenary:problem:forbidden"
    # Skipping a step is refused with the parts that stand elsewhere.
    assert stage(client, room.chair, sid, "agreed_in_drafting_group", expect=403)
    progress = ok(client.get(f"/v1/reports/{rid}/progress", headers=room.chair.headers))
    assert progress["chapters"][0]["stage"] == "posted_to_group"


def test_approval_needs_an_open_meeting_and_a_posted_part(client: TestClient) -> None:
    room, teams = balanced_room(client, 1)
    rid = new_report(client, room, "Final Report")
    sid = add_chapter(client, room, rid, "I", "Introduction", "Text.")
    drafters = create_drafting_group(client, room, "DG", teams[0])
    assign(client, room, drafters.id, sid)
    assert stage(client, room.chair, sid, "approved", expect=409)["type"].endswith(
        "stage-not-allowed"
    )
    stage(client, drafters.co_leads[1], sid, "agreed_in_drafting_group")
    stage(client, room.chair, sid, "posted_to_group")
    refused = stage(client, room.chair, sid, "approved", expect=409)
    assert refused["type"].endswith("session-required")
    # A section has at most one drafting group.
    second = create_drafting_group(client, room, "DG 2", teams[0])
    refused = client.post(
        f"/v1/drafting-groups/{second.id}/assignments",
        json={"section_id": sid},
        headers=room.chair.headers,
    )
    assert refused.status_code == 409
    assert refused.json()["type"] == "urn:plenary:problem:section-has-drafting-group"


def test_posted_parts_are_public_only_when_the_report_is(client: TestClient) -> None:
    room, teams = balanced_room(client, 1)
    rid = new_report(client, room, "Final Report")
    posted = add_chapter(client, room, rid, "I", "Introduction", "Posted publicly.")
    kept = add_chapter(client, room, rid, "II", "Forum", "Posted to the group only.")
    drafters = create_drafting_group(client, room, "DG", teams[0])
    assign(client, room, drafters.id, posted)
    stage(client, drafters.co_leads[0], posted, "agreed_in_drafting_group")
    stage(client, room.chair, posted, "posted_to_group")
    stage(client, room.chair, posted, "posted_publicly")
    assert client.get(f"/v1/sections/{posted}").status_code == 401
    assert client.get(f"/v1/reports/{rid}/export").status_code == 401
    make_public(client, room, rid)
    assert client.get(f"/v1/sections/{posted}").status_code == 200
    assert client.get(f"/v1/sections/{kept}").status_code == 404
    outline = ok(client.get(f"/v1/reports/{rid}"))["outline"]
    assert [(e["id"], e["stage"]) for e in outline] == [(posted, "posted_publicly")]
    exported = client.get(f"/v1/reports/{rid}/export?format=markdown").text
    assert "Posted publicly." in exported and "Posted to the group only." not in exported
    assert "disclaimer:" in exported and "> Stage: posted publicly" in exported
    # The public sees each chapter's stage, never who drafts it.
    progress = ok(client.get(f"/v1/reports/{rid}/progress"))
    assert [c["stage"] for c in progress["chapters"]] == ["posted_publicly", "posted_to_group"]
    assert all(c["co_leads"] is None and c["drafting_group"] is None for c in progress["chapters"])
    listed = ok(
        client.get(f"/v1/groups/{room.group_id}/drafting-groups", headers=room.observers[0].headers)
    )
    assert listed["items"][0]["members"] is None and listed["items"][0]["composition"] is None
    members = ok(
        client.get(f"/v1/groups/{room.group_id}/drafting-groups", headers=room.members[-1].headers)
    )
    assert {m["participant_id"] for m in members["items"][0]["members"]} == {p.id for p in teams[0]}


def test_the_screen_shows_progress_between_floor_items_and_no_unposted_text(
    client: TestClient,
) -> None:
    room, teams = balanced_room(client, 1)
    rid = new_report(client, room, "Final Report")
    wip = add_chapter(client, room, rid, "I", "Introduction", "Work in progress.")
    add_chapter(client, room, rid, "II", "Forum", "Posted to the group.")
    drafters = create_drafting_group(client, room, "DG", teams[0])
    assign(client, room, drafters.id, wip)
    state = ok(client.get(f"/v1/reports/{rid}/floor", headers=room.members[-1].headers))
    assert [s["text"] for s in state["sections"]] == ["Posted to the group."]
    assert [c["stage"] for c in state["progress"]["chapters"]] == [
        "in_drafting_group",
        "posted_to_group",
    ]
    assert state["progress"]["chapters"][0]["drafting_group"] == "DG"
    make_public(client, room, rid)
    public = ok(client.get(f"/v1/reports/{rid}/floor"))
    assert public["sections"] == []
    assert public["progress"]["chapters"][0]["drafting_group"] is None
    assert public["progress"]["chapters"][0]["co_leads"] is None


def test_the_read_cache_never_answers_for_a_part_read_by_stage(client: TestClient) -> None:
    room, teams = balanced_room(client, 1)
    outsider = room.members[-1]
    rid = new_report(client, room, "Final Report")
    sid = add_chapter(client, room, rid, "I", "Introduction", "Soon with a drafting group.")
    other = add_chapter(client, room, rid, "II", "Forum", "The secretariat's text.")
    path = f"/v1/sections/{sid}"
    for _ in range(2):  # kept by the cache while the report is not staged
        assert client.get(path, headers=outsider.headers).status_code == 200
    drafters = create_drafting_group(client, room, "DG", teams[0])
    assign(client, room, drafters.id, sid)
    for _ in range(2):  # a drafting group member's read is never kept for the same grant
        assert client.get(path, headers=drafters.member.headers).status_code == 200
        # the outsider's grant is known to the cache from a part it may read
        assert client.get(f"/v1/sections/{other}", headers=outsider.headers).status_code == 200
        assert client.get(path, headers=outsider.headers).status_code == 404


def test_two_drafting_groups_racing_for_one_chapter_one_gets_it(client: TestClient) -> None:
    room, teams = balanced_room(client, 2)
    rid = new_report(client, room, "Final Report")
    sid = add_chapter(client, room, rid, "I", "Introduction", "Text.")
    groups = [create_drafting_group(client, room, f"DG {n}", t) for n, t in enumerate(teams)]

    def claim(drafting_group: int) -> int:
        return client.post(
            f"/v1/drafting-groups/{drafting_group}/assignments",
            json={"section_id": sid},
            headers=room.chair.headers,
        ).status_code

    with ThreadPoolExecutor(max_workers=2) as pool:
        statuses = sorted(pool.map(claim, [g.id for g in groups]))
    assert statuses == [200, 409]
    held = [
        ok(client.get(f"/v1/drafting-groups/{g.id}", headers=room.chair.headers))["section_ids"]
        for g in groups
    ]
    assert sorted(held) == [[], [sid]]


def test_a_part_left_out_is_not_exported_and_adoption_passes_without_it(
    client: TestClient,
) -> None:
    room, teams = balanced_room(client, 1)
    rid = new_report(client, room, "Final Report")
    kept = add_chapter(client, room, rid, "I", "Introduction", "Approved text.")
    dropped = add_chapter(client, room, rid, "II", "Annex", "Text the plenary leaves out.")
    drafters = create_drafting_group(client, room, "DG", teams[0])
    assign(client, room, drafters.id, kept)
    stage(client, drafters.co_leads[0], kept, "agreed_in_drafting_group")
    stage(client, room.chair, kept, "posted_to_group")
    open_meeting(client, room, rid)
    stage(client, room.chair, kept, "approved")
    stage(client, room.chair, dropped, "left_out")
    outline = ok(client.get(f"/v1/reports/{rid}", headers=room.members[-1].headers))["outline"]
    assert [e["stage"] for e in outline] == ["approved", "left_out"]
    exported = client.get(f"/v1/reports/{rid}/export", headers=room.chair.headers).text
    assert "Approved text." in exported and "leaves out" not in exported
    assert "> Stage: approved by the plenary" in exported
    milestones = ok(client.get(f"/v1/reports/{rid}/milestones", headers=room.chair.headers))
    approval = milestones["items"][-1]["id"]
    at_milestone = client.get(
        f"/v1/reports/{rid}/export?milestone={approval}", headers=room.chair.headers
    ).text
    assert "Approved text." in at_milestone and "Stage:" not in at_milestone
    adopted = ok(
        client.post(
            f"/v1/reports/{rid}/adopt",
            json={"editorial_window_days": 7},
            headers=matched(client, f"/v1/reports/{rid}", room.chair.headers),
        )
    )
    assert adopted["status"] == "adopted"
    # After adoption, a part's stage no longer moves.
    assert stage(client, room.chair, kept, "left_out", expect=409)["type"].endswith("invalid-state")


def test_a_roster_names_people_of_the_group_who_can_draft(client: TestClient) -> None:
    room, teams = balanced_room(client, groups=1)
    url = f"/v1/groups/{room.group_id}/drafting-groups"
    team = teams[0]
    # a co-lead left out of the members is a member all the same
    made = ok(
        client.post(
            url,
            json={"name": "A", "member_ids": [team[2].id], "co_lead_ids": [team[0].id]},
            headers=room.chair.headers,
        ),
        201,
    )
    assert {m["participant_id"] for m in made["members"]} == {team[0].id, team[2].id}
    # nobody of that id in this group: not found; an observer cannot draft: the state says no
    unknown = client.post(
        url,
        json={"name": "B", "member_ids": [team[1].id], "co_lead_ids": [2_000_000]},
        headers=room.chair.headers,
    )
    assert unknown.status_code == 404, unknown.text
    assert unknown.json()["participant_ids"] == [2_000_000]
    observer = room.observers[0].id
    refused = client.post(
        url,
        json={"name": "C", "member_ids": [observer], "co_lead_ids": [team[1].id]},
        headers=room.chair.headers,
    )
    assert refused.status_code == 409 and refused.json()["participant_ids"] == [observer]


def test_an_amendment_to_a_part_the_member_may_not_read_does_not_exist_for_it(
    client: TestClient,
) -> None:
    """A member outside the drafting group gets 404 for any write to an amendment of the
    group's part, before a precondition or a state could tell it the amendment exists (a
    412 carries the amendment's status and instruction); the group's own member gets the
    usual 412 and the chair the usual answer."""
    room, teams = balanced_room(client, 1)
    outsider = room.members[-1]
    rid = new_report(client, room, "Final Report")
    sid = add_chapter(client, room, rid, "I", "Introduction", "Work in progress.")
    drafters = create_drafting_group(client, room, "DG", teams[0])
    assign(client, room, drafters.id, sid)
    amendment = propose(client, drafters.member, sid, "Work in progress, secretly.")
    path = f"/v1/amendments/{amendment['id']}"
    stale = {"If-Match": '"not-the-etag"'}
    bodies = {"revise": {"text": "Rewritten."}}
    for action in ("withdraw", "escalate", "revise"):
        body = bodies.get(action, {})
        refused = client.post(f"{path}/{action}", json=body, headers={**outsider.headers, **stale})
        assert refused.status_code == 404, (action, refused.text)
        assert "secretly" not in refused.text and "proposed" not in refused.text
    insider = client.post(f"{path}/withdraw", json={}, headers={**drafters.member.headers, **stale})
    assert insider.status_code == 412, insider.text
    withdrawn = client.post(
        f"{path}/withdraw", json={}, headers=matched(client, path, drafters.member.headers)
    )
    assert withdrawn.status_code == 200, withdrawn.text


def test_a_drafting_groups_threads_on_its_part_stay_in_the_group(client: TestClient) -> None:
    """Threads about a part the member may not read (on the section, a paragraph of it, or
    an amendment to it) are neither listed to it nor readable, writable or openable by it:
    404 as for a part that does not exist; the drafting group and the chair read them."""
    from tests.deliberation.helpers import open_thread, write

    room, teams = balanced_room(client, 1)
    outsider = room.members[-1]
    rid = new_report(client, room, "Final Report")
    sid = add_chapter(client, room, rid, "I", "Introduction", "Work in progress.")
    other = add_chapter(client, room, rid, "II", "Secretariat text", "Posted as written.")
    drafters = create_drafting_group(client, room, "DG", teams[0])
    assign(client, room, drafters.id, sid)
    amendment = propose(client, drafters.member, sid, "Work in progress, secretly.")
    on_part = open_thread(client, drafters.member, rid, section_id=sid, title="T", body="Ours.")
    on_amendment = open_thread(
        client, drafters.member, rid, amendment_id=amendment["id"], title="A", body="Ours too."
    )
    public_one = open_thread(client, outsider, rid, section_id=other, title="P", body="Open.")
    listed = ok(client.get(f"/v1/reports/{rid}/threads", headers=outsider.headers))["items"]
    assert [t["id"] for t in listed] == [public_one["id"]]
    for reader in (drafters.member, room.chair):
        listed = ok(client.get(f"/v1/reports/{rid}/threads", headers=reader.headers))["items"]
        assert {t["id"] for t in listed} == {on_part["id"], on_amendment["id"], public_one["id"]}
    for thread in (on_part, on_amendment):
        path = f"/v1/threads/{thread['id']}"
        assert client.get(path, headers=outsider.headers).status_code == 404
        written = client.post(f"{path}/messages", json={"body": "x"}, headers=outsider.headers)
        assert written.status_code == 404, written.text
        assert client.post(f"{path}/resolve", headers=outsider.headers).status_code == 404
        write(client, drafters.member, thread["id"], "Still ours.")
    for subject in (
        {"section_id": sid},
        {"section_id": sid, "paragraph": 1},
        {"amendment_id": amendment["id"]},
    ):
        opened = client.post(
            f"/v1/reports/{rid}/threads",
            json={**subject, "title": "Peek", "body": "?"},
            headers=outsider.headers,
        )
        assert opened.status_code == 404, opened.text


def test_an_observer_and_the_public_never_see_threads_on_a_drafting_groups_part(
    client: TestClient,
) -> None:
    """The thread rule from the other sides of the room: an observer (reads threads without
    names) and, on a public report, the public (reads published threads) get nothing about a
    part still with its drafting group, even when the chair publishes the thread, while a
    thread on a posted part published the same way is theirs to read."""
    from tests.deliberation.helpers import open_thread

    room, teams = balanced_room(client, 1)
    observer = room.observers[0]
    rid = new_report(client, room, "Final Report")
    sid = add_chapter(client, room, rid, "I", "Introduction", "Work in progress.")
    other = add_chapter(client, room, rid, "II", "Posted", "Posted publicly.")
    drafters = create_drafting_group(client, room, "DG", teams[0])
    assign(client, room, drafters.id, sid)
    assign(client, room, drafters.id, other)
    stage(client, drafters.co_leads[0], other, "agreed_in_drafting_group")
    stage(client, room.chair, other, "posted_to_group")
    stage(client, room.chair, other, "posted_publicly")
    amendment = propose(client, drafters.member, sid, "Work in progress, secretly.")
    on_part = open_thread(client, drafters.member, rid, section_id=sid, title="T", body="Ours.")
    on_amendment = open_thread(
        client, drafters.member, rid, amendment_id=amendment["id"], title="A", body="Ours too."
    )
    open_one = open_thread(client, room.members[-1], rid, section_id=other, title="P", body="Open.")
    make_public(client, room, rid)
    for thread in (on_part, on_amendment, open_one):
        ok(client.post(f"/v1/threads/{thread['id']}/publish", headers=room.chair.headers))
    for headers in (observer.headers, {}):
        listed = ok(client.get(f"/v1/reports/{rid}/threads", headers=headers))["items"]
        assert [t["id"] for t in listed] == [open_one["id"]], headers
        for thread in (on_part, on_amendment):
            answer = client.get(f"/v1/threads/{thread['id']}", headers=headers)
            assert answer.status_code == 404, (headers, answer.text)
            assert "Ours" not in answer.text
        assert ok(client.get(f"/v1/threads/{open_one['id']}", headers=headers))["published"]
    # An observer never speaks, but its write to a hidden thread is answered as one to a
    # thread that does not exist: a 403 would tell it the thread is there.
    written, nowhere = (
        client.post(f"/v1/threads/{tid}/messages", json={"body": "x"}, headers=observer.headers)
        for tid in (on_part["id"], 999_999)
    )
    assert written.status_code == nowhere.status_code == 404, written.text
    # ... and so is its write to the hidden part itself and to an amendment of it.
    peek = {"base_version": 1, "text": "Peek.", "kind": "editorial", "rationale": "?"}
    for hidden, missing, body in (
        (f"/v1/sections/{sid}/amendments", "/v1/sections/999999/amendments", peek),
        (f"/v1/amendments/{amendment['id']}/withdraw", "/v1/amendments/999999/withdraw", {}),
    ):
        refused = client.post(hidden, json=body, headers=observer.headers)
        absent = client.post(missing, json=body, headers=observer.headers)
        assert refused.status_code == absent.status_code == 404, (hidden, refused.text)
        assert "secretly" not in refused.text and "progress" not in refused.text
    # The rule is about parts, not roles: a posted part still refuses the observer's write.
    posted = client.post(f"/v1/sections/{other}/amendments", json=peek, headers=observer.headers)
    assert posted.status_code == 403, posted.text
