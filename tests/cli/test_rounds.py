"""`plenary round answer|stand-aside|withdraw|close-blocked|remind|revise|show` and the
client's consent-round calls, run in process against the app (tests/cli_runner.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.client import ProblemError
from tests.cli_runner import InProcessCli, Ran
from tests.conftest import ADMIN_TOKEN
from tests.factories import enrol

TEXT = "The forum should be open to all stakeholders.\n\nIt should meet once a year."


def test_a_consent_round_from_the_command_line(run_cli: InProcessCli, tmp_path: Path) -> None:
    def plenary(token: str, *args: str) -> Ran:
        return run_cli(token, "round", *args)

    with run_cli.client(ADMIN_TOKEN) as admin:
        group = admin.create_group("WGIG")
        secretariat = enrol(admin, group.id, name="Secretariat", role="secretariat")
        chair = enrol(admin, group.id, name="Chair", role="chair")
        proposer = enrol(admin, group.id, name="Proposer", role="member")
        objector = enrol(admin, group.id, name="Objector", role="member")
    with run_cli.client(secretariat) as client:
        report = client.import_report(group.id, markdown=f"# Draft\n\n## Forum\n\n{TEXT}\n")
    section = report.outline[-1].id
    with run_cli.client(chair) as client:
        client.open_meeting(report.id)  # with its plenary session: the group decides in it
        client.adopt_report(report.id)
    with run_cli.client(proposer) as client:
        first = client.propose(
            section,
            base_version=1,
            kind="substantive",
            text=TEXT.replace("once", "twice"),
            consent_deadline=datetime.now(UTC) + timedelta(hours=1),
            remind_before=600,
        )
    assert first.remind_at is not None

    # answer, then change the answer: consent -> stand aside
    said = plenary(chair, "answer", str(first.id), "consent", "--json")
    assert said.returncode == 0, said.stderr
    assert json.loads(said.stdout)["tally"]["consented"] == 1
    changed = plenary(chair, "stand-aside", str(first.id), "--reason", "Fine.")
    assert changed.returncode == 0, changed.stderr
    assert "0 consented, 1 stood aside" in changed.stdout
    wrong = plenary(chair, "answer", str(first.id), "maybe")
    assert wrong.returncode != 0

    # an objection, withdrawn: the round goes on
    objected = plenary(objector, "answer", str(first.id), "object", "--reason", "No.")
    assert objected.returncode == 0 and "blocked" in objected.stdout
    withdrawn = plenary(objector, "withdraw", str(first.id), "--json")
    assert withdrawn.returncode == 0, withdrawn.stderr
    assert json.loads(withdrawn.stdout)["status"] == "consent_open"
    again = plenary(objector, "withdraw", str(first.id))
    assert again.returncode == 4  # nothing left to withdraw: 409

    # reminders: the secretariat may, a member may not; the event log carries them (the
    # stream sends each logged event with the same fields: tests/live/test_stream.py)
    with run_cli.client(chair) as client:
        last = client.events(report.id, limit=1000).items[-1].id
    reminded = plenary(secretariat, "remind", str(first.id))
    assert reminded.returncode == 0, reminded.stderr
    assert plenary(objector, "remind", str(first.id)).returncode == 4
    with run_cli.client(chair) as client:
        [message] = client.events(report.id, after=last).items
    assert message.type == "consent.reminder"
    assert message.payload["pending"] == 2  # the proposer and the objector

    # objection again, then the proposer revises to resolve it
    plenary(objector, "answer", str(first.id), "object", "--reason", "Twice?")
    wording = tmp_path / "revised.md"
    wording.write_text(TEXT.replace("once a year", "once a year, or twice"), encoding="utf-8")
    revised = plenary(proposer, "revise", str(first.id), str(wording), "--json")
    assert revised.returncode == 0, revised.stderr
    second = json.loads(revised.stdout)
    assert second["supersedes_id"] == first.id and second["status"] == "consent_open"
    shown = plenary(proposer, "show", str(first.id))
    assert "superseded" in shown.stdout and f"revised by {second['id']}" in shown.stdout

    # the client: answers, and the chair closing a round as blocked
    with run_cli.client(objector) as client:
        assert client.stand_aside(second["id"]).tally is not None
        blocked = client.answer(second["id"], "object", "Still no.")
        assert blocked.status.value == "blocked"
        try:
            client.close_blocked(second["id"], "Not mine to close.")
        except ProblemError as problem:
            assert problem.status == 403
        else:
            raise AssertionError("a member closed the round")
    closed = plenary(chair, "close-blocked", str(second["id"]), "--reason", "No.")
    assert closed.returncode == 0, closed.stderr
    assert "blocked" in closed.stdout and "round closed" in closed.stdout
    with run_cli.client(chair) as client:
        try:
            client.remind(first.id)  # superseded: its round is over
        except ProblemError as problem:
            assert problem.status == 409
        else:
            raise AssertionError("a reminder for a superseded round")
        kinds = [e.type for e in client.all_events(report.id)]
    assert kinds.count("consent.reminder") == 1 and kinds.count("consent.closed") == 1
    assert kinds.count("consent.withdrawn") == 1 and "consent.stand_aside" in kinds
