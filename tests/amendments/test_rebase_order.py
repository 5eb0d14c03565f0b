"""Through the API, on whichever database the suite runs on: separate amendments filed by
different members against one base end byte-exact in any order of adoption; overlapping
ones conflict in every order. (After adoption an editorial change applies when every voter
has accepted it: `accept_everywhere`.)"""

from __future__ import annotations

import random

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.amendments.helpers import (
    accept_everywhere,
    adopt_report,
    head_text,
    propose,
    report_with_section,
)
from tests.factories import make_room, ok
from tests.text.strategies import Case, separate_changes


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=separate_changes(max_changes=6), seed=st.integers(0, 2**32 - 1))
def test_separate_amendments_adopt_in_any_order(client: TestClient, case: Case, seed: int) -> None:
    room = make_room(client, members=3)
    everything = case.with_changes(case.changes)
    rng = random.Random(seed)
    for _attempt in range(2):
        rid, sid = report_with_section(client, room, text=case.text)
        adopt_report(client, room, rid)
        filed = [
            propose(
                client,
                room.members[n % 3],
                sid,
                case.with_changes((change,)),
                kind="editorial",
            )["id"]
            for n, change in enumerate(case.changes)
        ]
        rng.shuffle(filed)
        for amendment_id in filed:
            accept_everywhere(client, room, amendment_id)
        assert head_text(client, room, sid) == everything


def test_overlapping_amendments_conflict_in_both_orders(client: TestClient) -> None:
    room = make_room(client, members=2)
    text = "The forum should be open to all stakeholders, in every region."
    one = text.replace("open to all", "open to every")
    two = text.replace("all stakeholders", "the stakeholders")
    for first, second in ((one, two), (two, one)):
        rid, sid = report_with_section(client, room, text=text)
        adopt_report(client, room, rid)
        a = propose(client, room.members[0], sid, first, kind="editorial")["id"]
        b = propose(client, room.members[1], sid, second, kind="editorial")["id"]
        accept_everywhere(client, room, a)
        refused = ok(client.get(f"/v1/amendments/{b}", headers=room.chair.headers))
        assert refused["status"] == "conflicted" and "overlaps" in refused["outcome_note"]
        assert head_text(client, room, sid) == first


def test_the_same_fix_twice_is_named_a_duplicate(client: TestClient) -> None:
    room = make_room(client, members=2)
    text = "The colour of the sky. Nothing else changes here."
    fixed = text.replace("colour", "color")
    rid, sid = report_with_section(client, room, text=text)
    adopt_report(client, room, rid)
    a = propose(client, room.members[0], sid, fixed, kind="editorial")["id"]
    b = propose(client, room.members[1], sid, fixed, kind="editorial")["id"]
    accept_everywhere(client, room, a)
    refused = ok(client.get(f"/v1/amendments/{b}", headers=room.chair.headers))
    assert refused["status"] == "conflicted" and refused["resulting_version"] is None
    assert head_text(client, room, sid) == fixed  # applied once, never twice


def test_an_edit_between_two_rewrites_still_applies(client: TestClient) -> None:
    """Issue 10's minimal case, through the API."""
    room = make_room(client, members=3)
    text = (
        "The first sentence says one thing. The colour of the middle sentence stays. "
        "The last sentence says another thing."
    )
    rid, sid = report_with_section(client, room, text=text)
    adopt_report(client, room, rid)
    first = text.replace("says one thing", "now states something else entirely")
    last = text.replace("says another thing", "was rewritten from start to end as well")
    middle = text.replace("colour", "color")
    ids = [
        propose(client, room.members[n], sid, t, kind="editorial")["id"]
        for n, t in enumerate((first, last, middle))
    ]
    for amendment_id in ids:
        accept_everywhere(client, room, amendment_id)
    assert head_text(client, room, sid) == (
        text.replace("says one thing", "now states something else entirely")
        .replace("says another thing", "was rewritten from start to end as well")
        .replace("colour", "color")
    )
