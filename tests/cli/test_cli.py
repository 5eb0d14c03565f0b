from __future__ import annotations

import json
from pathlib import Path

from app.client import ProblemError
from tests.cli_runner import InProcessCli
from tests.conftest import ADMIN_TOKEN
from tests.factories import enrol
from tests.server import free_port
from tests.wgig import history_markdown


def test_cli_imports_shows_and_exports(run_cli: InProcessCli, tmp_path: Path) -> None:
    with run_cli.client(ADMIN_TOKEN) as admin:
        group = admin.create_group("WGIG")
        token = enrol(admin, group.id, name="Secretariat", role="secretariat")
        observer = enrol(admin, group.id, name="Observer", role="observer")
    source = tmp_path / "history.md"
    source.write_text(history_markdown(), encoding="utf-8")

    imported = run_cli(token, "import", str(source), "--group", str(group.id), "--json")
    assert imported.returncode == 0, imported.stderr
    report = json.loads(imported.stdout)
    assert [e["heading"] for e in report["outline"]][1:3] == [
        "The Mandate",
        "Getting Organized",
    ]
    # re-running the same import is idempotent by content: no second report
    again = run_cli(token, "import", str(source), "--group", str(group.id), "--json")
    assert again.returncode == 0
    with run_cli.client(token) as client:
        assert len(client.list_reports(group.id)) == 1

    table = run_cli(observer, "outline", str(report["id"]))
    assert table.returncode == 0 and "The Mandate" in table.stdout and "section" in table.stdout
    mandate = report["outline"][1]["id"]
    shown = run_cli(token, "show", str(mandate))
    assert shown.stdout.startswith("The first WGIG meeting")

    with run_cli.client(token) as client:
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
    changes = run_cli(token, "diff", str(mandate), "--from", "1")
    assert "November {+(three days) +}2004" in changes.stdout

    out = tmp_path / "export.md"
    exported = run_cli(token, "export", str(report["id"]), "--output", str(out))
    assert exported.returncode == 0
    assert "(three days)" in out.read_text(encoding="utf-8")

    refused = run_cli(observer, "import", str(source), "--group", str(group.id))
    assert refused.returncode == 4 and "403" in refused.stderr
    missing = run_cli(token, "show", "99999")
    assert missing.returncode == 4


def test_a_server_that_is_not_there_exits_3(run_cli: InProcessCli) -> None:
    nobody = f"http://127.0.0.1:{free_port()}"
    unreachable = run_cli("plen_whatever", "outline", "1", "--url", nobody)
    assert unreachable.returncode == 3 and nobody in unreachable.stderr
