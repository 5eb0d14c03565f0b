"""Structural amendments through the Python client and `plenary restructure`."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli_runner import InProcessCli
from tests.conftest import ADMIN_TOKEN
from tests.factories import enrol


def test_restructure_from_the_command_line_and_the_client(
    run_cli: InProcessCli, tmp_path: Path
) -> None:
    with run_cli.client(ADMIN_TOKEN) as admin:
        group = admin.create_group("Restructurers")
        secretariat = enrol(admin, group.id, name="Secretariat", role="secretariat")
        delegate = enrol(admin, group.id, name="Delegate", role="member")
    source = tmp_path / "report.md"
    source.write_text(
        "# Report\n\n## A\n\nFirst paragraph.\n\nSecond paragraph.\n\n## B\n\nThird.\n\n"
        "## C\n\nFourth paragraph ends here.\n\n## D\n\nFifth begins here.\n",
        encoding="utf-8",
    )
    report = json.loads(
        run_cli(secretariat, "import", str(source), "--group", str(group.id), "--json").stdout
    )
    rid = report["id"]
    ids = {e["heading"]: e["id"] for e in report["outline"]}

    merged = run_cli(
        delegate, "restructure", str(rid), "merge", "--first", str(ids["A"]),
        "--second", str(ids["B"]),
    )  # fmt: skip
    assert merged.returncode == 0, merged.stderr
    assert 'Merge section "A" and section "B".' in merged.stdout

    split = run_cli(
        delegate, "restructure", str(rid), "split", "--section", str(ids["A"]),
        "--paragraph", "2", "--heading", "A, continued", "--json",
    )  # fmt: skip
    assert json.loads(split.stdout)["structure"]["operation"] == "split"

    ending = tmp_path / "c.md"
    ending.write_text("Fourth paragraph ends", encoding="utf-8")
    beginning = tmp_path / "d.md"
    beginning.write_text("here, and the fifth begins.\n", encoding="utf-8")
    span = run_cli(
        delegate, "restructure", str(rid), "span",
        "--span", f"{ids['C']}={ending}", "--span", f"{ids['D']}@1={beginning}", "--json",
    )  # fmt: skip
    assert span.returncode == 0, span.stderr
    assert json.loads(span.stdout)["instruction"].startswith("In paragraph")

    run = run_cli(
        delegate, "restructure", str(rid), "move_paragraphs", "--section", str(ids["A"]),
        "--paragraph", "1", "--to", str(ids["D"]), "--at-end",
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert 'Move paragraph 1 to the end of section "D".' in run.stdout

    with run_cli.client(delegate) as client:
        moved = client.propose_structure(
            rid, "move", kind="substantive", section_id=ids["D"], after_id=None
        )
        assert moved.instruction == 'Move section "D" (paragraph 5) to the beginning of the report.'
        assert moved.structure is not None and moved.structure.operation.value == "move"
    refused = run_cli(delegate, "restructure", str(rid), "shuffle", "--json")
    assert refused.returncode == 2
