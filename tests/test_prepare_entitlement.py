"""Work only for those entitled to it (issue 29): a request's prepare step (the diff of a new
wording, the reading of a Word file, before the write gate) runs only after its token is
known, its role in the target's group checked and its write rate not spent, so a bad token,
another group's participant or a spent rate costs a token lookup and one read of the
target's group, never the analysis of the body."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.amendments import prepare as amendment_prepare
from app.client import DOCX_MEDIA
from app.config import Settings
from app.main import create_app
from app.outputs import router as outputs_router
from app.reports import prepare as version_prepare
from tests.amendments.helpers import TEXT, propose, report_with_section
from tests.amendments.structural_helpers import build_outline, structural
from tests.factories import Room, make_room, ok
from tests.outputs.test_docx_import import _word

BAD = {"Authorization": "Bearer plen_not-a-token"}


@pytest.fixture
def prepared(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The prepare steps that ran: a wording analysed (a proposal, a revision, live
    drafting, a sketch), a body parsed for a revision or a direct edit, a Word file read."""
    ran: list[str] = []
    wording, version_body = amendment_prepare._wording, version_prepare.prepared_body
    revision_body, read_docx = amendment_prepare.prepared_body, outputs_router._read_docx

    def counted_wording(*args: Any, **kwargs: Any) -> Any:
        ran.append("proposal")
        return wording(*args, **kwargs)

    async def counted_version_body(*args: Any, **kwargs: Any) -> Any:
        ran.append("version")
        return await version_body(*args, **kwargs)

    async def counted_revision_body(*args: Any, **kwargs: Any) -> Any:
        ran.append("revision")
        return await revision_body(*args, **kwargs)

    async def counted_docx(*args: Any, **kwargs: Any) -> Any:
        ran.append("docx")
        return await read_docx(*args, **kwargs)

    monkeypatch.setattr(amendment_prepare, "_wording", counted_wording)
    monkeypatch.setattr(version_prepare, "prepared_body", counted_version_body)
    monkeypatch.setattr(amendment_prepare, "prepared_body", counted_revision_body)
    monkeypatch.setattr(outputs_router, "_read_docx", counted_docx)
    return ran


def word_import(room: Room, headers: dict[str, str]) -> tuple[str, dict[str, Any]]:
    return f"/v1/groups/{room.group_id}/reports/import/docx", {
        "content": _word(("Heading 1", "I. One"), ("Normal", "Text.")),
        "headers": {**headers, "Content-Type": DOCX_MEDIA},
    }


@pytest.fixture
def strict(settings: Settings, app: FastAPI) -> Iterator[TestClient]:
    tight = settings.model_copy(update={"write_rate_per_second": 0.01, "write_burst": 1})
    with TestClient(create_app(tight), raise_server_exceptions=False) as client:
        yield client


def writes(sid: int) -> list[tuple[str, dict[str, Any]]]:
    wording = TEXT + " Longer."
    return [
        (
            f"/v1/sections/{sid}/amendments",
            {"base_version": 1, "text": wording, "kind": "substantive"},
        ),
        (f"/v1/sections/{sid}/versions", {"base_version": 1, "text": wording}),
    ]


def test_a_bad_token_gets_401_before_any_prepare_step(
    client: TestClient, prepared: list[str]
) -> None:
    room = make_room(client, members=1, observers=0)
    _rid, sid = report_with_section(client, room)
    for url, body in writes(sid):
        refused = client.post(url, json=body, headers=BAD)
        assert refused.status_code == 401, refused.text
    url, arguments = word_import(room, BAD)
    assert client.post(url, **arguments).status_code == 401
    assert prepared == []
    # with a token that is known, the steps run
    member, secretariat = room.members[0].headers, room.secretariat.headers
    (proposal, first), (version, second) = writes(sid)
    assert client.post(proposal, json=first, headers=member).status_code == 201
    assert client.post(version, json=second, headers=secretariat).status_code == 201
    assert prepared == ["proposal", "version"]


def test_a_spent_write_rate_gets_429_before_any_prepare_step(
    client: TestClient, strict: TestClient, prepared: list[str]
) -> None:
    room = make_room(client, members=1, observers=0)  # built through the default limits
    _rid, sid = report_with_section(client, room)
    url, body = writes(sid)[0]
    member = room.members[0].headers
    assert strict.post(url, json=body, headers=member).status_code == 201
    assert prepared == ["proposal"]
    refused = strict.post(url, json={**body, "text": TEXT + " Other."}, headers=member)
    assert refused.status_code == 429, refused.text
    assert prepared == ["proposal"]  # the second wording was never analysed


def test_an_observer_gets_403_before_any_prepare_step(
    client: TestClient, prepared: list[str]
) -> None:
    room = make_room(client, members=1, observers=1)
    _rid, sid = report_with_section(client, room)
    for url, body in writes(sid):
        refused = client.post(url, json=body, headers=room.observers[0].headers)
        assert refused.status_code == 403, refused.text
    assert prepared == []


def writes_with_a_prepare_step(
    room: Room, sid: int, amendment_id: int, who: dict[str, str]
) -> list[tuple[str, dict[str, Any]]]:
    """Every write into `room`'s group that has a prepare step, by `who`, as (path, request
    arguments)."""
    wording = TEXT.replace("all stakeholders", "every stakeholder")
    return [
        (
            f"/v1/sections/{sid}/amendments",
            {"json": {"base_version": 1, "text": wording, "kind": "substantive"}, "headers": who},
        ),
        (
            f"/v1/sections/{sid}/versions",
            {"json": {"base_version": 1, "text": wording}, "headers": who},
        ),
        (f"/v1/amendments/{amendment_id}/revise", {"json": {"text": wording}, "headers": who}),
        (f"/v1/amendments/{amendment_id}/revisions", {"json": {"text": wording}, "headers": who}),
        word_import(room, who),
    ]


@pytest.mark.parametrize("public", [False, True], ids=["private", "public"])
def test_another_groups_participant_gets_its_404_before_any_prepare_step(
    client: TestClient, prepared: list[str], public: bool
) -> None:
    """A valid token of another group (every role of it, its chair and secretariat too)
    costs no diff, no parse and no Word file read, whether it may read the target (a public
    report) or not."""
    room, other = make_room(client, members=1), make_room(client, members=1, observers=0)
    rid, sid = report_with_section(client, room)
    amendment = propose(client, room.members[0], sid, TEXT.replace("open", "open and fair"))
    if public:
        etag = client.get(f"/v1/reports/{rid}", headers=room.chair.headers).headers["etag"]
        ok(
            client.post(
                f"/v1/reports/{rid}/visibility",
                json={"public": True},
                headers={**room.chair.headers, "If-Match": etag},
            )
        )
    prepared.clear()
    for who in (other.members[0], other.chair, other.secretariat):
        for path, arguments in writes_with_a_prepare_step(room, sid, amendment["id"], who.headers):
            refused = client.post(path, **arguments)
            assert refused.status_code == 404, (path, refused.text)
            assert refused.headers["content-type"].startswith("application/problem+json")
    assert prepared == []
    # the group's own chair has its revision and its Word file prepared
    for path, arguments in writes_with_a_prepare_step(
        room, sid, amendment["id"], room.chair.headers
    )[-2:]:
        client.post(path, **arguments)
    assert "revision" in prepared and "docx" in prepared


def test_another_groups_structural_amendment_is_refused_before_it_is_built(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A structural amendment has no prepare step: its operands are built under the report's
    lock, after the role check, so another group's participant costs no analysis either."""
    from app.amendments import structure

    built: list[int] = []
    build = structure.build

    def counted(*args: Any, **kwargs: Any) -> Any:
        built.append(1)
        return build(*args, **kwargs)

    monkeypatch.setattr(structure, "build", counted)
    room, other = make_room(client, members=1), make_room(client, members=1, observers=0)
    outline = build_outline(client, room)
    merge = {"operation": "merge", "first_id": outline["II.A"], "second_id": outline["II.B"]}
    for who in (other.members[0], other.chair):
        structural(client, who, outline.rid, expect=404, **merge)
    assert built == []
    structural(client, room.members[0], outline.rid, **merge)
    assert built == [1]


def test_a_sketch_is_prepared_for_whoever_may_read_the_section(
    client: TestClient, prepared: list[str]
) -> None:
    """A sketch writes nothing: an observer of the group has its wording analysed before the
    write gate (not inside it), another group's member of a private report nothing at all."""
    room, other = make_room(client, members=1), make_room(client, members=1, observers=0)
    _rid, sid = report_with_section(client, room)
    body = {"base_version": 1, "text": TEXT + " Sketched."}
    path = f"/v1/sections/{sid}/amendments/sketch"
    refused = client.post(path, json=body, headers=other.members[0].headers)
    assert refused.status_code == 404, refused.text
    assert prepared == []
    sketched = client.post(path, json=body, headers=room.observers[0].headers)
    assert sketched.status_code == 200, sketched.text
    assert prepared == ["proposal"]


def test_a_markdown_import_is_parsed_before_the_write_gate_and_only_for_who_may_import(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An observer's, a member's or another group's chair's Markdown is never parsed (403,
    404); the secretariat's is parsed once, in the prepare step, and that parse is the one
    the import uses."""
    from app.text import markdown

    parsed: list[int] = []
    parse = markdown.parse

    def counted(source: str) -> markdown.ParsedDocument:
        parsed.append(len(source))
        return parse(source)

    monkeypatch.setattr(markdown, "parse", counted)
    room, other = make_room(client, members=1), make_room(client, members=1, observers=0)
    path = f"/v1/groups/{room.group_id}/reports/import"
    body = {"markdown": "# I. One\n\nText.\n\n# II. Two\n\nMore text.\n"}
    for who, status in ((room.observers[0], 403), (room.members[0], 403), (other.chair, 404)):
        refused = client.post(path, json=body, headers=who.headers)
        assert refused.status_code == status, refused.text
    assert parsed == []
    report = ok(client.post(path, json=body, headers=room.secretariat.headers), 201)
    assert [e["label"] for e in report["outline"]] == ["I", "II"]
    assert parsed == [len(body["markdown"])]  # once, before the gate


def test_a_part_the_caller_may_not_read_gets_its_404_before_any_prepare_step(
    client: TestClient, prepared: list[str]
) -> None:
    """Inside its own group, a member outside the drafting group holding a part gets the
    endpoint's 404 for a write to that part (it does not exist for it) without its wording
    analysed; the drafting group's member gets its write prepared as usual, and so does a
    reviser of an amendment to a part it may read."""
    from tests.drafting_groups.helpers import (
        add_chapter,
        assign,
        balanced_room,
        create_drafting_group,
        new_report,
    )

    room, teams = balanced_room(client, 1)
    outsider = room.members[-1]
    rid = new_report(client, room, "Final Report")
    sid = add_chapter(client, room, rid, "I", "Introduction", TEXT)
    drafters = create_drafting_group(client, room, "DG", teams[0])
    assign(client, room, drafters.id, sid)
    wording = TEXT + " Longer."
    proposal = {"base_version": 1, "text": wording, "kind": "substantive"}
    for path, body in (
        (f"/v1/sections/{sid}/amendments", proposal),
        (f"/v1/sections/{sid}/amendments/sketch", {"base_version": 1, "text": wording}),
        (f"/v1/sections/{sid}/versions", {"base_version": 1, "text": wording}),
    ):
        refused = client.post(path, json=body, headers=outsider.headers)
        assert refused.status_code == 404, (path, refused.text)
    assert prepared == []
    amendment = client.post(
        f"/v1/sections/{sid}/amendments", json=proposal, headers=drafters.member.headers
    )
    assert amendment.status_code == 201, amendment.text
    assert prepared == ["proposal"]
    prepared.clear()
    revision = client.post(
        f"/v1/amendments/{amendment.json()['id']}/revisions",
        json={"text": TEXT + " Shorter."},
        headers={**outsider.headers, "If-Match": amendment.headers["etag"]},
    )
    assert revision.status_code == 404, revision.text
    assert prepared == []
