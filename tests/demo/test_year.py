"""The WGIG's year (app/demo_year/), built from an empty database through the Python client
with the clock at each moment of the seed, and its outcome read back by the people who may
read it (issue 33)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.client import PlenaryClient, ProblemError
from app.config import Settings
from app.demo_year import texts_2004, texts_june
from app.demo_year.cli import until_of
from app.demo_year.runner import SCENES, Built, build
from app.demo_year.stage import moment
from app.main import create_app

URL = "http://testserver"


@contextmanager
def reading(database_url: str) -> Iterator[TestClient]:
    """A fresh app on the built database (no read cache: another app wrote it)."""
    checker = create_app(Settings(database_url=database_url, read_cache=False))
    try:
        with TestClient(checker) as http:
            yield http
    finally:
        checker.state.database.dispose()


def test_the_year_builds_from_an_empty_database_through_the_client(
    database_url: str, app: FastAPI, tmp_path: Path
) -> None:
    # `app` so that the tables are emptied after this test, as after any other
    built = build(database_url, tmp_path / "keys")
    assert [s.title for s in built.played] == [s.title for s in SCENES]
    with reading(database_url) as http:

        def as_(handle: str | None) -> PlenaryClient:
            token = built.people[handle].token if handle else None
            return PlenaryClient(URL, token, transport=http._transport)

        _every_stage_is_there(built, as_)
        _records_are_read_by_the_right_people(built, as_)
        _the_chain_and_the_certificate_hold(built, as_)
        _the_final_report_is_the_one_the_year_produced(built, as_)


def _every_stage_is_there(built: Built, as_: object) -> None:
    member = as_("Member 07")  # type: ignore[operator]
    ids = built.ids
    roles = [p.role for p in member.list_participants(ids["group"])]
    assert (roles.count("chair"), roles.count("member"), roles.count("secretariat")) == (1, 39, 1)
    assert roles.count("observer") == 8
    titles = {r.title: r.status for r in member.list_reports(ids["group"])}
    assert titles["Inventory of Public Policy Issues and Priorities"] == "drafting"
    assert titles["Report of the Working Group on Internet Governance"] == "transmitted"
    assert "Background Report" in titles and len(titles) == 8
    inventory = member.get_report(ids["report:inventory"])
    items = inventory.paragraph_total - 1  # the introduction's paragraph
    assert items == texts_2004.item_count() == 46
    assert len([e for e in inventory.outline if e.depth == 0]) == 6  # five categories
    compiled = member.compilation(ids["consultation:papers"])
    by = {c.category: c.commenters for c in compiled.by_category}
    assert by["government"] == 7 and by["observers"] == 8 and compiled.comments == 50
    assert compiled.commenters == 50 and compiled.state == "closed"
    summary = member.questionnaire_summary(ids["questionnaire:process"])
    assert summary.state == "closed"
    timeline = member.request("GET", f"/v1/groups/{ids['group']}/timeline").json()["entries"]
    said = [(e["at"][:10], e["kind"], e["title"]) for e in timeline]
    expected = [
        ("2004-11-23", "meeting", "First meeting opens (Palais des Nations, Geneva)"),
        ("2005-02-15", "session", "Open consultation: Open consultations, day 1"),
        ("2005-04-03", "posting", "Posted publicly: Chapeau: Towards a Common Understanding"),
        ("2005-05-15", "comment_period", "Comment period closed (7 comments)"),
        ("2005-06-17", "decision", "Closed session: Plenary: the Final Report: the group kept"),
        (
            "2005-06-17",
            "decision",
            "Closed session: Plenary: the Final Report: the group adopted the report",
        ),
        (
            "2005-07-05",
            "decision",
            "Report of the Working Group on Internet Governance transmitted",
        ),
    ]
    for day, kind, start in expected:
        assert any(d == day and k == kind and t.startswith(start) for d, k, t in said), start
    adopted = next(e for e in timeline if e["title"].endswith("the group adopted the report"))
    assert adopted["at"].startswith("2005-06-17T23:30")  # 01:30 on 18 June in Geneva
    document = member.request(
        "GET",
        f"/v1/groups/{ids['group']}/timeline",
        params={"format": "markdown", "tz": "Europe/Zurich"},
    ).text
    assert "## June 2005" in document and "18 Jun 2005, 01:30 — " in document


def _records_are_read_by_the_right_people(built: Built, as_: object) -> None:
    ids = built.ids
    public, member, observer = (as_(h) for h in (None, "Member 07", "Observer 5"))  # type: ignore[operator]
    final = ids["report:final"]
    # members see who proposed; observers and the public see nobody
    assert all(a.proposer_id for a in member.list_amendments(final))
    assert not any(a.proposer_id for a in public.list_amendments(final))
    assert not any(a.proposer_id for a in observer.list_amendments(final))
    assert not any(e.actor_id for e in public.all_events(final))
    # the part left out never reached the public; the group reads it
    cluster_4 = next(
        e.id
        for e in member.get_report(ids["report:assessment"]).outline
        if e.heading.startswith("Cluster 4")
    )
    with pytest.raises(ProblemError) as hidden:
        public.get_section(cluster_4)
    assert hidden.value.status == 404
    assert member.get_section(cluster_4).head is not None
    # an internal questionnaire is the group's; the public reads the published public replies
    with pytest.raises(ProblemError):
        public.get_questionnaire(ids["questionnaire:pre_meeting"])
    assert len(list(public.replies(ids["questionnaire:process"]))) == 11
    assert len(list(member.replies(ids["questionnaire:process"]))) == 11 + 24
    # a closed session's summary only once the chair publishes it
    assert "organized its work" in public.session_summary(ids["session:first"])
    with pytest.raises(ProblemError) as unpublished:
        public.session_summary(ids["session:final"])
    assert unpublished.value.status == 404
    # the Preliminary Report's drafting was the group's until it was published
    assert public.get_report(ids["report:preliminary"]).is_public


def _the_chain_and_the_certificate_hold(built: Built, as_: object) -> None:
    member, public = as_("Member 07"), as_(None)  # type: ignore[operator]
    for report in member.list_reports(built.ids["group"]):
        assert member.verify_chain(report.id).ok, report.title
    final = built.ids["report:final"]
    sealed = public.certificate_exports(final)
    assert sealed is not None and {"docx", "pdf", "akn", "html", "markdown"} <= set(sealed)
    for fmt, digest in sealed.items():
        served = public.export_file(final, format=fmt)
        assert hashlib.sha256(served).hexdigest() == digest["sha256"], fmt
    assert public.certificate(final)["voting_members"] == 40


def _the_final_report_is_the_one_the_year_produced(built: Built, as_: object) -> None:
    public = as_(None)  # type: ignore[operator]
    final = built.ids["report:final"]
    text = public.export(final)
    transmitted = next(m for m in public.list_milestones(final) if m.kind == "transmission")
    assert public.export(final, milestone=transmitted.id) == text
    for _key, _old, new, _member in texts_june.FLOOR:
        assert new.replace(*texts_june.PUNCTUATION) in text
    assert texts_june.NIGHT_REDRAFT in text  # the revision on the wall, as adopted
    assert texts_june.TYPO[1] + " of every kind" in text and texts_june.TYPO[0] not in text
    assert "equal footing, on all" in text  # the notice waited out
    assert texts_june.SUBSTANCE_RESOLVED[1] in text  # the objection resolved
    assert texts_june.SUBSTANCE[2] not in text
    assert all(model.split(": ", 1)[1].rstrip(".") in text for model in texts_june.MODELS)
    assert "# Annex. Members of the group" in text and "status: transmitted" in text
    (point,) = public.open_points(final).items
    assert point.status == "kept"


def test_the_year_stops_at_any_moment(database_url: str, app: FastAPI, tmp_path: Path) -> None:
    until = until_of("2004-11-25")
    assert until is not None and until < moment("2004-11-26 00:00")
    built = build(database_url, tmp_path / "keys", until)
    assert built.played[-1].title == "First meeting closes; the draft outline"
    assert "report:papers" not in built.ids and "report:outline" in built.ids
