"""`plenary questionnaire ...` in process: create from a file, answer, results as JSON and
CSV, export and import the summary."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from fastapi.testclient import TestClient

from tests.cli_runner import InProcessCli
from tests.factories import make_room
from tests.questionnaires.helpers import answers_for, in_days, process_functions


def test_the_questionnaire_commands(
    client: TestClient, run_cli: InProcessCli, tmp_path: Path
) -> None:
    room = make_room(client, members=2)
    spec = process_functions(in_days(30))
    del spec["deadline"]
    source = tmp_path / "questionnaire.json"
    source.write_text(json.dumps(spec))
    sec = room.secretariat.token

    made = run_cli(
        sec, "questionnaire", "create", str(room.group_id), str(source), "--days", "7", "--json"
    )
    assert made.returncode == 0, made.stdout + made.stderr
    created = json.loads(made.stdout)
    qid, questions = created["id"], created["questions"]

    answers = tmp_path / "answers.json"
    for index, member in enumerate(room.members):
        answers.write_text(json.dumps(answers_for(questions, index)))
        done = run_cli(member.token, "questionnaire", "reply", str(qid), str(answers), "--submit")
        assert done.returncode == 0, done.stderr
        assert "submitted" in done.stdout

    results = run_cli(sec, "questionnaire", "results", str(qid))
    assert results.returncode == 0, results.stderr
    data = json.loads(results.stdout)
    assert data["summary"]["internal_replies"] == 2 and len(data["replies"]) == 2

    table = run_cli(sec, "questionnaire", "results", str(qid), "--format", "csv")
    rows = list(csv.reader(io.StringIO(table.stdout)))
    assert rows[0][:3] == ["reply", "audience", "respondent"]
    assert rows[0][7].startswith("Q1. ")
    assert {r[2] for r in rows[1:]} == {m.name for m in room.members}

    markdown = run_cli(sec, "questionnaire", "export", str(qid))
    assert markdown.stdout.startswith("# Summary of replies: Process functions")
    target = tmp_path / "summary.docx"
    assert (
        run_cli(
            sec, "questionnaire", "export", str(qid), "--format", "docx", "-o", str(target)
        ).returncode
        == 0
    )
    assert target.read_bytes()[:2] == b"PK"

    imported = run_cli(
        sec, "questionnaire", "import-summary", str(qid), "--into", "report", "--json"
    )
    assert imported.returncode == 0, imported.stdout
    assert json.loads(imported.stdout)["section_id"] is None

    # an answer that does not fit: a problem on stdout under --json, exit 4
    answers.write_text(json.dumps({str(questions[0]["id"]): "perhaps"}))
    bad = run_cli(room.chair.token, "questionnaire", "reply", str(qid), str(answers), "--json")
    assert bad.returncode == 4
    assert json.loads(bad.stdout)["type"] == "urn:plenary:problem:answer-invalid"
