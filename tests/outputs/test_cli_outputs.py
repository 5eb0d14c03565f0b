"""`plenary export --format akn|docx|pdf` writes the served bytes; `plenary import` takes a
Word file."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli_runner import InProcessCli
from tests.conftest import ADMIN_TOKEN
from tests.factories import enrol
from tests.outputs.helpers import docx_outline, valid_akn
from tests.wgig import history_markdown


def test_cli_exports_files_and_imports_word(run_cli: InProcessCli, tmp_path: Path) -> None:
    with run_cli.client(ADMIN_TOKEN) as admin:
        group = admin.create_group("WGIG")
        token = enrol(admin, group.id, name="Secretariat", role="secretariat")
    with run_cli.client(token) as client:
        report = client.import_report(group.id, history_markdown())
        served = client.export_file(report.id, format="akn")
    for format in ("akn", "docx", "pdf"):
        out = tmp_path / f"report.{format}"
        done = run_cli(token, "export", str(report.id), "--format", format, "-o", str(out))
        assert done.returncode == 0, done.stderr
    assert (tmp_path / "report.akn").read_bytes() == served
    valid_akn(served)
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF")
    stdout = run_cli(token, "export", str(report.id), "--format", "akn")
    assert stdout.returncode == 0 and stdout.stdout.encode() == served
    listing = run_cli(token, "export", str(report.id), "--amendments", "--format", "akn")
    assert listing.returncode == 0 and "<amendmentList" in listing.stdout
    imported = run_cli(
        token,
        "import",
        str(tmp_path / "report.docx"),
        "--group",
        str(group.id),
        "--json",
    )
    assert imported.returncode == 0, imported.stderr
    copy = json.loads(imported.stdout)
    assert [(e["label"], e["heading"]) for e in copy["outline"]] == [
        (e.label, e.heading) for e in report.outline
    ]
    _, paragraphs = docx_outline((tmp_path / "report.docx").read_bytes())
    assert len(paragraphs) == report.paragraph_total
