from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from app.client import PlenaryClient, ProblemError
from tests.conftest import ADMIN_TOKEN
from tests.factories import enrol
from tests.server import LiveServer, live_server
from tests.wgig import history_markdown


def plenary(server: LiveServer, token: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        env=server.env(token),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_cli_imports_shows_and_exports_against_a_live_server(tmp_path: Path) -> None:
    with live_server(f"sqlite:///{tmp_path / 'live.db'}") as server:
        with PlenaryClient(server.url, ADMIN_TOKEN) as admin:
            group = admin.create_group("WGIG")
            token = enrol(admin, group.id, name="Secretariat", role="secretariat")
            observer = enrol(admin, group.id, name="Observer", role="observer")
        source = tmp_path / "history.md"
        source.write_text(history_markdown(), encoding="utf-8")

        imported = plenary(server, token, "import", str(source), "--group", str(group.id), "--json")
        assert imported.returncode == 0, imported.stderr
        report = json.loads(imported.stdout)
        assert [e["heading"] for e in report["outline"]][1:3] == [
            "The Mandate",
            "Getting Organized",
        ]
        # re-running the same import is idempotent by content: no second report
        again = plenary(server, token, "import", str(source), "--group", str(group.id), "--json")
        assert again.returncode == 0
        with PlenaryClient(server.url, token) as client:
            assert len(client.list_reports(group.id)) == 1

        table = plenary(server, observer, "outline", str(report["id"]))
        assert table.returncode == 0 and "The Mandate" in table.stdout and "section" in table.stdout
        mandate = report["outline"][1]["id"]
        shown = plenary(server, token, "show", str(mandate))
        assert shown.stdout.startswith("The first WGIG meeting")

        with PlenaryClient(server.url, token) as client:
            head = client.get_section(mandate).head
            assert head is not None
            client.write_version(
                mandate,
                base_version=1,
                text=head.text.replace("23-25 November", "23-25 November (three days)"),
            )
            try:
                client.write_version(mandate, base_version=1, text="stale")
            except ProblemError as problem:
                assert problem.status == 409 and problem.problem["head_version"] == 2
            else:
                raise AssertionError("a stale write was accepted")
        changes = plenary(server, token, "diff", str(mandate), "--from", "1")
        assert "November {+(three days) +}2004" in changes.stdout

        out = tmp_path / "export.md"
        exported = plenary(server, token, "export", str(report["id"]), "--output", str(out))
        assert exported.returncode == 0
        assert "(three days)" in out.read_text(encoding="utf-8")

        refused = plenary(server, observer, "import", str(source), "--group", str(group.id))
        assert refused.returncode == 4 and "403" in refused.stderr
        missing = plenary(server, token, "show", "99999")
        assert missing.returncode == 4
    unreachable = subprocess.run(
        [sys.executable, "-m", "app.cli", "outline", "1", "--url", server.url, "--token", token],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert unreachable.returncode == 3
