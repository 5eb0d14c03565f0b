from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.cli_runner import InProcessCli
from tests.conftest import ADMIN_TOKEN
from tests.factories import enrol
from tests.wgig import history_markdown


# `plenary follow` reads a stream that stays open: tests/live/test_stream.py runs it.
def test_bulk_amendments_are_filed_once_and_exported(run_cli: InProcessCli, tmp_path: Path) -> None:
    with run_cli.client(ADMIN_TOKEN) as admin:
        group = admin.create_group("Delegations")
        secretariat = enrol(admin, group.id, name="Secretariat", role="secretariat")
        delegate = enrol(admin, group.id, name="Delegate", role="member")
    source = tmp_path / "history.md"
    source.write_text(history_markdown(), encoding="utf-8")
    report = json.loads(
        run_cli(secretariat, "import", str(source), "--group", str(group.id), "--json").stdout
    )
    sections = {e["heading"]: e for e in report["outline"]}
    mandate, conclusion = sections["The Mandate"], sections["Conclusion"]
    entries = [
        {
            "section": mandate["id"],
            "replace": "23-25 November 2004",
            "with": "23-25 November 2004 (three days)",
            "paragraph": mandate["first_paragraph"],
            "kind": "editorial",
            "rationale": "Precision",
        },
        {
            "section": conclusion["id"],
            "replace": "eminently fair",
            "with": "eminently fair and open",
            "kind": "substantive",
        },
        {
            "section": conclusion["id"],
            "base_version": 1,
            "text": "Replaced conclusion.",
            "kind": "substantive",
            "rationale": "Shorter",
        },
    ]
    entries += [
        {
            "section": sections[h]["id"],
            "replace": "WGIG",
            "with": "the Working Group",
            "paragraph": sections[h]["first_paragraph"] + 1,
            "kind": "editorial",
        }
        for h in ("Getting Organized", "Reporting Progress")
    ]
    bulk = tmp_path / "amendments.yaml"
    bulk.write_text(yaml.safe_dump({"amendments": entries}), encoding="utf-8")

    first = run_cli(delegate, "amend-bulk", str(bulk), "--json")
    assert first.returncode in (0, 4), first.stderr
    filed = json.loads(first.stdout)
    assert len(filed) == 5
    ok_rows = [r for r in filed if "amendment" in r]
    assert [r["entry"] for r in ok_rows] == [1, 2, 3] and "filing amendments" in first.stderr
    assert ok_rows[0]["instruction"].startswith(f"In paragraph {mandate['first_paragraph']},")
    # entries 4-5 fail cleanly (WGIG occurs more than once or not in that paragraph): exit 4
    assert first.returncode == 4

    again = run_cli(delegate, "amend-bulk", str(bulk), "--json")
    rerun = json.loads(again.stdout)
    assert [r.get("amendment") for r in rerun if "amendment" in r] == [
        r["amendment"] for r in ok_rows
    ]
    with run_cli.client(delegate) as client:
        assert len(client.list_amendments(report["id"])) == 3  # nothing filed twice

    listed = run_cli(delegate, "amendments", str(report["id"]))
    assert listed.returncode == 0 and "proposed" in listed.stdout

    out = tmp_path / "report.html"
    assert (
        run_cli(
            delegate, "export", str(report["id"]), "--format", "html", "-o", str(out)
        ).returncode
        == 0
    )
    assert '<span class="num">1.</span>' in out.read_text(encoding="utf-8")

    bad = tmp_path / "bad.yaml"
    bad.write_text("- {section: 1}\n", encoding="utf-8")
    assert run_cli(delegate, "amend-bulk", str(bad)).returncode == 2
