"""Diffing a new wording happens before the request waits for the write lock: the analysis
made there is the one the transaction uses (the transaction's own fallback is never called
when the request came through the API)."""

from __future__ import annotations

import inspect
from types import SimpleNamespace
from typing import Any

import pytest
from diff_match_patch import diff_match_patch
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from app.amendments import prepare, rebase
from app.amendments.models import Amendment
from app.reports import known_versions
from app.reports import prepare as version_prepare
from app.reports import service as reports_service
from app.reports import versions as reports_versions
from app.reports.models import Version
from app.text import offload
from tests.amendments.helpers import TEXT, open_meeting, propose, report_with_section
from tests.factories import make_room, matched, ok


def _refuse(*_args: object, **_kwargs: object) -> object:
    raise AssertionError("diffed inside the write transaction")


def test_proposals_and_revisions_are_analysed_before_the_transaction(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    room = make_room(client, members=1)
    rid, sid = report_with_section(client, room)
    monkeypatch.setattr(rebase, "analyse", _refuse)
    amendment = propose(client, room.members[0], sid, TEXT.replace("Geneva", "Tunis"))
    assert amendment["instruction"] == 'In paragraph 2, replace "Geneva" with "Tunis".'
    open_meeting(client, room, rid)
    floor = matched(client, f"/v1/amendments/{amendment['id']}", room.chair.headers)
    ok(client.post(f"/v1/amendments/{amendment['id']}/floor", headers=floor))
    revised = client.post(
        f"/v1/amendments/{amendment['id']}/revisions",
        json={"text": TEXT.replace("Geneva", "Tunis, Tunisia")},
        headers=matched(client, f"/v1/amendments/{amendment['id']}", room.secretariat.headers),
    )
    assert revised.status_code == 201, revised.text
    assert "Tunis, Tunisia" in revised.json()["instruction"]


def test_a_prepared_analysis_numbered_from_a_moved_outline_is_made_again(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The prepare step reads the section's first paragraph with no lock held; if the outline
    moves before the transaction (a section put before this one), the instruction must not
    name the old paragraph: the transaction analyses again with the number it reads."""
    room = make_room(client, members=1)
    _rid, sid = report_with_section(client, room)
    moved_outline = SimpleNamespace(
        known_versions_of=reports_service.known_versions_of,
        get_version=reports_service.get_version,
        first_paragraph_of=lambda session, *, section: 40,
    )
    monkeypatch.setattr(prepare, "reports", moved_outline)
    amendment = propose(client, room.members[0], sid, TEXT.replace("Geneva", "Tunis"))
    assert amendment["instruction"] == 'In paragraph 2, replace "Geneva" with "Tunis".'


def test_a_wrong_known_version_costs_an_analysis_never_a_wrong_answer(
    client: TestClient, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The prepare step diffs against the base this process remembers (known_versions). An
    entry that is wrong (an id reused after a restore; an outline that moved) is caught under
    the lock; the transaction notes the paragraph it read, so the next proposal's analysis,
    made before the transaction, is used again."""
    # A wording this short on a known base is analysed by the endpoint itself (the step
    # costs more than it saves: prepare._short_and_known): held to the step's path here.
    monkeypatch.setattr(prepare, "_short_and_known", lambda *_: False)
    room = make_room(client, members=1)
    _rid, sid = report_with_section(client, room)
    store = known_versions.of(app.state.database.engine)
    store.learn(sid, 1, "Another text altogether.", "0" * 64, 1)
    first = propose(client, room.members[0], sid, TEXT.replace("Geneva", "Tunis"))
    assert first["instruction"] == 'In paragraph 2, replace "Geneva" with "Tunis".'

    with app.state.database.session(write=False) as session:
        base = session.scalar(select(Version).where(Version.section_id == sid))
        assert base is not None
        store.learn(sid, 1, base.text, base.sha256, 40)  # the true text, a moved outline
    second = propose(client, room.members[0], sid, TEXT.replace("Geneva", "Paris"))
    assert second["instruction"] == 'In paragraph 2, replace "Geneva" with "Paris".'
    monkeypatch.setattr(rebase, "analyse", _refuse)  # now known right: prepared, used
    third = propose(client, room.members[0], sid, TEXT.replace("Geneva", "Rome"))
    assert third["instruction"] == 'In paragraph 2, replace "Geneva" with "Rome".'


def test_direct_writes_are_diffed_before_the_transaction(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    room = make_room(client, members=1)
    _rid, sid = report_with_section(client, room)
    monkeypatch.setattr(reports_versions, "compute_edits", _refuse)
    written = client.post(
        f"/v1/sections/{sid}/versions",
        json={"base_version": 1, "text": TEXT.replace("Geneva", "Tunis")},
        headers=room.secretariat.headers,
    )
    assert written.status_code == 201, written.text


def test_a_long_instruction_is_not_copied_into_events(client: TestClient) -> None:
    room = make_room(client, members=1)
    rid, sid = report_with_section(client, room)
    long_text = " ".join(f"word{n}" for n in range(2_000))
    amendment = propose(client, room.members[0], sid, TEXT + "\n\n" + long_text)
    assert len(amendment["instruction"]) > 2_000  # the amendment holds it whole
    page = ok(client.get(f"/v1/reports/{rid}/events?limit=1000", headers=room.chair.headers))
    proposed = next(e for e in page["items"] if e["type"] == "amendment.proposed")
    assert proposed["payload"]["instruction"] is None
    assert proposed["payload"]["instruction_chars"] == len(amendment["instruction"])


@pytest.fixture
def work(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The work a write's prepare step and its transaction can do on a wording, counted:
    reading the body, reading the base, diffing (in the prepare step or, as a fallback, in
    the transaction)."""
    done: list[str] = []

    def counted(name: str, target: Any) -> Any:
        if inspect.iscoroutinefunction(target):

            async def counted_async(*args: Any, **kwargs: Any) -> Any:
                done.append(name)
                return await target(*args, **kwargs)

            return counted_async

        def counted_sync(*args: Any, **kwargs: Any) -> Any:
            done.append(name)
            return target(*args, **kwargs)

        return counted_sync

    for module, name in (
        (prepare, "prepared_body"),
        (prepare, "_wording"),
        (version_prepare, "prepared_body"),
        (offload, "run_async"),
        (rebase, "analyse"),
        (reports_versions, "compute_edits"),
    ):
        monkeypatch.setattr(module, name, counted(name, getattr(module, name)))
    return done


def test_ids_past_the_largest_are_refused_before_any_work(
    client: TestClient, work: list[str]
) -> None:
    room = make_room(client, members=1)
    huge = 421947513502835671040
    for path, body in (
        (f"/v1/sections/{huge}/versions", {"base_version": 1, "text": "x"}),
        (f"/v1/sections/{huge}/amendments", {"base_version": 1, "text": "x", "kind": "editorial"}),
        (f"/v1/amendments/{huge}/revisions", {"text": "x"}),
    ):
        response = client.post(path, json=body, headers=room.secretariat.headers)
        assert response.status_code == 422, (path, response.text)
    assert work == []
    # the same writes to a section that exists do the work counted here
    _rid, sid = report_with_section(client, room)
    work.clear()
    propose(client, room.members[0], sid, TEXT.replace("Geneva", "Tunis"))
    assert "_wording" in work
    work.clear()
    written = client.post(
        f"/v1/sections/{sid}/versions",
        json={"base_version": 1, "text": TEXT.replace("Geneva", "Rome")},
        headers=room.secretariat.headers,
    )
    assert written.status_code == 201, written.text
    assert "prepared_body" in work


def test_a_long_patch_is_not_stored_and_reads_the_same(client: TestClient) -> None:
    """A wording whose patch exceeds STORED_PATCH_CHARS is stored without it; the write's
    answer and every later read give the same patch, which rebuilds the proposed text."""
    room = make_room(client, members=1)
    _rid, sid = report_with_section(client, room)
    long_text = TEXT + "\n\n" + " ".join(f"word{n}" for n in range(12_000))
    assert len(long_text) > rebase.STORED_PATCH_CHARS
    answer = propose(client, room.members[0], sid, long_text)
    with client.app.state.database.session(write=False) as session:  # type: ignore[attr-defined]
        stored = session.scalar(select(Amendment.patch).where(Amendment.id == answer["id"]))
    assert stored == ""
    rebase._unstored_patches.clear()  # as in another process: derived from the edits
    read = ok(client.get(f"/v1/amendments/{answer['id']}", headers=room.chair.headers))
    assert read["patch"] == answer["patch"] != ""
    dmp = diff_match_patch()
    rebuilt, applied = dmp.patch_apply(dmp.patch_fromText(read["patch"]), TEXT)
    assert all(applied) and rebuilt == long_text
    short = propose(client, room.members[0], sid, TEXT.replace("Geneva", "Tunis"))
    with client.app.state.database.session(write=False) as session:  # type: ignore[attr-defined]
        kept = session.scalar(select(Amendment.patch).where(Amendment.id == short["id"]))
    assert kept == short["patch"] != ""


def test_a_short_wording_on_a_known_base_is_analysed_by_the_endpoint(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The prepare step's hop and statement cost more than a short diff saves: a text whose
    base this process knows, shorter with it than `offload.OFFLOAD_CHARS`, goes straight to
    the endpoint; a patch (a short body may rebuild a long wording) is still prepared."""
    room = make_room(client, members=1)
    _rid, sid = report_with_section(client, room)
    steps: list[int] = []
    real = prepare._wording

    def counted(*args: Any, **kwargs: Any) -> Any:
        steps.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(prepare, "_wording", counted)
    first = propose(client, room.members[0], sid, TEXT.replace("Geneva", "Tunis"))
    assert first["instruction"] == 'In paragraph 2, replace "Geneva" with "Tunis".'
    after_first = len(steps)  # the base read (and learnt) by the step unless known already
    second = propose(client, room.members[0], sid, TEXT.replace("Geneva", "Paris"))
    assert second["instruction"] == 'In paragraph 2, replace "Geneva" with "Paris".'
    assert len(steps) == after_first, "a short wording on a known base went through the step"
    dmp = diff_match_patch()
    patch = dmp.patch_toText(dmp.patch_make(TEXT, TEXT.replace("Geneva", "Rome")))
    third = client.post(
        f"/v1/sections/{sid}/amendments",
        json={"base_version": 1, "patch": patch, "kind": "substantive"},
        headers=room.members[0].headers,
    )
    assert third.status_code == 201, third.text
    assert third.json()["instruction"] == 'In paragraph 2, replace "Geneva" with "Rome".'
    assert len(steps) == after_first + 1, "a patch was not prepared"
