"""`plenary deliberate ...` and the client's deliberation calls, run in process against the
app (tests/cli_runner.py)."""

from __future__ import annotations

import json

from app.client import ProblemError
from tests.cli_runner import InProcessCli, Ran
from tests.conftest import ADMIN_TOKEN
from tests.factories import enrol

TEXT = "The forum should be open to all stakeholders.\n\nIt should meet once a year."


def test_threads_and_reservations_from_the_command_line(run_cli: InProcessCli) -> None:
    def plenary(token: str, *args: str) -> Ran:
        return run_cli(token, "deliberate", *args)

    with run_cli.client(ADMIN_TOKEN) as admin:
        group = admin.create_group("WGIG")
        secretariat = enrol(admin, group.id, name="Secretariat", role="secretariat")
        member = enrol(admin, group.id, name="Member Canary", role="member")
        chair = enrol(admin, group.id, name="Chair", role="chair")
        observer = enrol(admin, group.id, name="Observer", role="observer")
    with run_cli.client(secretariat) as client:
        report = client.import_report(group.id, markdown=f"# Draft\n\n## Forum\n\n{TEXT}\n")
    section = report.outline[-1].id

    opened = plenary(
        member, "thread", str(report.id), "Too vague?",
        "--section", str(section), "--paragraph", "2", "--json",
    )  # fmt: skip
    assert opened.returncode == 0, opened.stderr
    thread = json.loads(opened.stdout)
    assert thread["subject"] == "paragraph" and thread["opener_name"] == "Member Canary"
    replied = plenary(chair, "reply", str(thread["id"]), "See ¶1.")
    assert replied.returncode == 0, replied.stderr
    assert f"¶1 -> /v1/sections/{section}" in replied.stdout
    resolved = plenary(member, "set", str(thread["id"]), "resolve")
    assert resolved.returncode == 0 and "resolved" in resolved.stdout
    listed = plenary(observer, "threads", str(report.id))
    assert "a participant: Too vague?" in listed.stdout
    assert "Member Canary" not in listed.stdout
    reserved = plenary(member, "reserve", str(section), "1", "Reserves.", "--attributed")
    assert reserved.returncode == 0, reserved.stderr
    refused = plenary(observer, "reserve", str(section), "1", "Me too.")
    assert refused.returncode != 0
    points = plenary(chair, "open-points", str(report.id), "--json")
    assert json.loads(points.stdout) == {"items": []}

    with run_cli.client(observer) as client:
        [found] = client.reservations(report.id).items
        assert found.named_as == "Member Canary" and found.participant_name is None
        try:
            client.post_message(thread["id"], "Observers read only.")
        except ProblemError as problem:
            assert problem.status == 403
        else:
            raise AssertionError("an observer wrote in a thread")


def test_brackets_from_the_command_line(run_cli: InProcessCli) -> None:
    def plenary(token: str, *args: str) -> Ran:
        return run_cli(token, "deliberate", *args)

    with run_cli.client(ADMIN_TOKEN) as admin:
        group = admin.create_group("WGIG")
        secretariat = enrol(admin, group.id, name="Secretariat", role="secretariat")
        member = enrol(admin, group.id, name="Member", role="member")
        chair = enrol(admin, group.id, name="Chair", role="chair")
    with run_cli.client(secretariat) as client:
        report = client.import_report(group.id, markdown=f"# Draft\n\n## Forum\n\n{TEXT}\n")
    section = report.outline[-1].id
    with run_cli.client(member) as client:
        first = client.propose(
            section, base_version=1, kind="substantive", text=TEXT.replace("all", "every")
        )
        second = client.propose(
            section,
            base_version=1,
            kind="substantive",
            text=TEXT.replace("all stakeholders", "governments"),
            alternative_to=first.id,
        )
    with run_cli.client(chair) as client:
        client.open_meeting(report.id)
    made = plenary(chair, "bracket", str(section), str(first.id), str(second.id))
    assert made.returncode == 0, made.stderr
    assert "[every stakeholders / governments]" in made.stdout
    listed = plenary(chair, "open-points", str(report.id), "--json")
    [point] = json.loads(listed.stdout)["items"]
    assert point["status"] == "open"
    with run_cli.client(chair) as client:
        client.adopt_report(report.id)
        try:
            client.transmit_report(report.id)
        except ProblemError as problem:
            assert problem.status == 409
            assert problem.problem["type"] == "urn:plenary:problem:open-brackets"
        else:
            raise AssertionError("transmitted with an open bracket")
    kept = plenary(chair, "keep", str(point["id"]), "--note", "Both stand.")
    assert kept.returncode == 0, kept.stderr
    with run_cli.client(chair) as client:
        assert client.transmit_report(report.id).status == "transmitted"
        assert client.open_points(report.id, status="kept").items[0].note == "Both stand."
