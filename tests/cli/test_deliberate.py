"""`plenary deliberate ...` and the client's deliberation calls, against a live server."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from app.client import PlenaryClient, ProblemError
from tests.conftest import ADMIN_TOKEN
from tests.factories import enrol
from tests.server import LiveServer, live_server

TEXT = "The forum should be open to all stakeholders.\n\nIt should meet once a year."


def plenary(server: LiveServer, token: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", "deliberate", *args],
        env=server.env(token),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_threads_and_reservations_from_the_command_line(tmp_path: Path) -> None:
    with live_server(f"sqlite:///{tmp_path / 'live.db'}") as server:
        with PlenaryClient(server.url, ADMIN_TOKEN) as admin:
            group = admin.create_group("WGIG")
            secretariat = enrol(admin, group.id, name="Secretariat", role="secretariat")
            member = enrol(admin, group.id, name="Member Canary", role="member")
            chair = enrol(admin, group.id, name="Chair", role="chair")
            observer = enrol(admin, group.id, name="Observer", role="observer")
        with PlenaryClient(server.url, secretariat) as client:
            report = client.import_report(group.id, markdown=f"# Draft\n\n## Forum\n\n{TEXT}\n")
        section = report.outline[-1].id

        opened = plenary(
            server, member, "thread", str(report.id), "Too vague?",
            "--section", str(section), "--paragraph", "2", "--json",
        )  # fmt: skip
        assert opened.returncode == 0, opened.stderr
        thread = json.loads(opened.stdout)
        assert thread["subject"] == "paragraph" and thread["opener_name"] == "Member Canary"
        replied = plenary(server, chair, "reply", str(thread["id"]), "See ¶1.")
        assert replied.returncode == 0, replied.stderr
        assert f"¶1 -> /v1/sections/{section}" in replied.stdout
        resolved = plenary(server, member, "set", str(thread["id"]), "resolve")
        assert resolved.returncode == 0 and "resolved" in resolved.stdout
        listed = plenary(server, observer, "threads", str(report.id))
        assert "a participant: Too vague?" in listed.stdout
        assert "Member Canary" not in listed.stdout
        reserved = plenary(
            server, member, "reserve", str(section), "1", "Reserves.", "--attributed"
        )
        assert reserved.returncode == 0, reserved.stderr
        refused = plenary(server, observer, "reserve", str(section), "1", "Me too.")
        assert refused.returncode != 0
        points = plenary(server, chair, "open-points", str(report.id), "--json")
        assert json.loads(points.stdout) == {"items": []}

        with PlenaryClient(server.url, observer) as client:
            [found] = client.reservations(report.id).items
            assert found.named_as == "Member Canary" and found.participant_name is None
            try:
                client.post_message(thread["id"], "Observers read only.")
            except ProblemError as problem:
                assert problem.status == 403
            else:
                raise AssertionError("an observer wrote in a thread")


def test_brackets_from_the_command_line(tmp_path: Path) -> None:
    with live_server(f"sqlite:///{tmp_path / 'live.db'}") as server:
        with PlenaryClient(server.url, ADMIN_TOKEN) as admin:
            group = admin.create_group("WGIG")
            secretariat = enrol(admin, group.id, name="Secretariat", role="secretariat")
            member = enrol(admin, group.id, name="Member", role="member")
            chair = enrol(admin, group.id, name="Chair", role="chair")
        with PlenaryClient(server.url, secretariat) as client:
            report = client.import_report(group.id, markdown=f"# Draft\n\n## Forum\n\n{TEXT}\n")
        section = report.outline[-1].id
        with PlenaryClient(server.url, member) as client:
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
        with PlenaryClient(server.url, chair) as client:
            client.open_meeting(report.id)
        made = plenary(server, chair, "bracket", str(section), str(first.id), str(second.id))
        assert made.returncode == 0, made.stderr
        assert "[every stakeholders / governments]" in made.stdout
        listed = plenary(server, chair, "open-points", str(report.id), "--json")
        [point] = json.loads(listed.stdout)["items"]
        assert point["status"] == "open"
        with PlenaryClient(server.url, chair) as client:
            client.adopt_report(report.id)
            try:
                client.transmit_report(report.id)
            except ProblemError as problem:
                assert problem.status == 409
                assert problem.problem["type"] == "urn:plenary:problem:open-brackets"
            else:
                raise AssertionError("transmitted with an open bracket")
        kept = plenary(server, chair, "keep", str(point["id"]), "--note", "Both stand.")
        assert kept.returncode == 0, kept.stderr
        with PlenaryClient(server.url, chair) as client:
            assert client.transmit_report(report.id).status == "transmitted"
            assert client.open_points(report.id, status="kept").items[0].note == "Both stand."
