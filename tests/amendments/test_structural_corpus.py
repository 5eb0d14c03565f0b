"""Real revisions of real documents split into sections (issue 32): every change between two
releases (tests/data/corpus) proposed against one base, those inside a section as text
amendments and those across a section boundary as structural `span` amendments, then adopted
on the floor in seeded random orders through the API. Every order ends in the later release,
byte for byte (the sections' texts joined by their blank lines); no proposal conflicts, since
real changes are separated by unchanged words, and a conflict would fail the test with its
problem shown."""

from __future__ import annotations

import random

import pytest
from fastapi.testclient import TestClient

from tests.amendments.corpus_sections import JOINT, split
from tests.amendments.helpers import propose
from tests.amendments.structural_helpers import on_floor_adopt, structural, text_of
from tests.factories import Room, make_room, ok

DOCUMENTS = ["django-howto-release", "django-sessions"]
ORDERS = 3
EVERY = 16  # paragraphs a section, besides the boundaries the changes cross on purpose


def _report(client: TestClient, room: Room, texts: list[str]) -> tuple[int, list[int]]:
    rid = ok(
        client.post(
            f"/v1/groups/{room.group_id}/reports",
            json={"title": "Corpus"},
            headers=room.secretariat.headers,
        ),
        201,
    )["id"]
    ids = []
    for number, text in enumerate(texts, start=1):
        body = {"kind": "section", "label": str(number), "heading": "", "text": text}
        ids.append(
            ok(
                client.post(
                    f"/v1/reports/{rid}/sections", json=body, headers=room.secretariat.headers
                ),
                201,
            )["id"]
        )
    return rid, ids


@pytest.mark.parametrize("name", DOCUMENTS)
def test_cross_section_revisions_end_byte_exact_in_any_order(client: TestClient, name: str) -> None:
    document = split(name, every=EVERY)
    assert document.crossing >= 5, "the document must have changes across sections"
    room = make_room(client, members=1, observers=0)
    rng = random.Random(name)
    for _ in range(ORDERS):
        rid, ids = _report(client, room, document.texts)
        assert JOINT.join(text_of(client, room, sid) for sid in ids) == JOINT.join(document.texts)
        proposed = []
        for proposal in document.proposals:
            sections = [ids[k] for k in proposal.sections]
            if len(sections) == 1:
                amendment = propose(client, room.members[0], sections[0], proposal.texts[0])
            else:
                texts = [
                    {"section_id": sid, "base_version": 1, "text": text}
                    for sid, text in zip(sections, proposal.texts, strict=True)
                ]
                amendment = structural(client, room.members[0], rid, operation="span", texts=texts)
                assert amendment["structure"]["operation"] == "span"
            proposed.append(amendment["id"])
        rng.shuffle(proposed)
        for amendment_id in proposed:
            assert on_floor_adopt(client, room, rid, amendment_id)["status"] == "adopted"
        final = JOINT.join(text_of(client, room, sid) for sid in ids)
        assert final == document.final
