"""`plenary meeting ...` and the client's meeting calls, in process (tests/cli_runner.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.client import ProblemError
from tests.cli_runner import InProcessCli
from tests.conftest import ADMIN_TOKEN
from tests.factories import enrol

TEXT = "The forum should be open to all stakeholders.\n\nIt should meet once a year."


def test_a_session_from_the_command_line(run_cli: InProcessCli, tmp_path: Path) -> None:
    with run_cli.client(ADMIN_TOKEN) as admin:
        group = admin.create_group("WGIG meetings")
        secretariat = enrol(admin, group.id, name="Secretariat", role="secretariat")
        chair = enrol(admin, group.id, name="Chair", role="chair")
        member = enrol(admin, group.id, name="Member", role="member")
        observer = enrol(admin, group.id, name="Observer", role="observer")
    with run_cli.client(secretariat) as client:
        report = client.import_report(group.id, markdown=f"# Draft\n\n## Forum\n\n{TEXT}\n")

    def meeting(token: str, *args: str) -> dict[str, object]:
        ran = run_cli(token, "meeting", *args, "--json")
        assert ran.returncode == 0, ran.stdout + ran.stderr
        return json.loads(ran.stdout)  # type: ignore[no-any-return]

    opened = meeting(
        chair, "open", str(report.id), "--venue", "Château de Bossey", "--first-session", "none"
    )
    sid = meeting(chair, "session", str(opened["id"]), "plenary", "--start")["id"]
    meeting(secretariat, "agenda", str(sid), "text", "Opening of the meeting")
    closing = meeting(secretariat, "agenda", str(sid), "text", "Closing")["id"]
    moved = run_cli(chair, "meeting", "move-item", str(sid), str(closing), "1", "--json")
    titles = [i["title"] for i in json.loads(moved.stdout)]
    assert moved.returncode == 0 and titles == ["Closing", "Opening of the meeting"]
    plain = run_cli(chair, "meeting", "move-item", str(sid), str(closing), "2")
    assert plain.returncode == 0 and "item 2: Closing" in plain.stdout
    assert (
        meeting(chair, "next-item", str(sid))["current_item"]["title"] == "Opening of the meeting"
    )
    meeting(member, "speak", str(sid))
    refused = run_cli(observer, "meeting", "speak", str(sid), "--json")
    assert refused.returncode == 4 and json.loads(refused.stdout)["status"] == 403
    assert meeting(chair, "give-floor", str(sid))["label"] == "Member"
    listed = run_cli(chair, "meeting", "speakers", str(sid))
    assert "speaking\tMember" in listed.stdout
    meeting(member, "attend", str(sid))
    assert [r["name"] for r in meeting(chair, "attendance", str(sid))] == ["Member"]
    meeting(chair, "project", str(sid), "report", "--paragraph", "2")
    notes = tmp_path / "summary.md"
    notes.write_text("The group opened its fourth meeting.", encoding="utf-8")
    document = run_cli(secretariat, "meeting", "summary", str(sid), "--write", str(notes))
    assert document.returncode == 0 and "fourth meeting" in document.stdout
    assert "Member (member)" in document.stdout
    with run_cli.client(chair) as client:
        assert client.adopt_report(report.id).status.value == "adopted"
        with pytest.raises(ProblemError) as closed:
            client.start_session(sid)
        assert closed.value.status == 409
        assert [s.status for s in client.list_sessions(int(str(opened["id"])))] == ["ended"]
