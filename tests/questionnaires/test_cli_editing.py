"""`plenary questionnaire questions` and `open-link`, and the client's open reply."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient

from tests.cli_runner import InProcessCli
from tests.factories import make_room
from tests.questionnaires.helpers import create, in_days, process_functions


def test_questions_replaced_then_an_open_link_answered(
    client: TestClient, run_cli: InProcessCli, tmp_path: Path
) -> None:
    room = make_room(client, members=1)
    made = create(client, room, process_functions(in_days(7)))
    sec = room.secretariat.token
    kept = [
        {k: v for k, v in q.items() if k in ("id", "kind", "prompt", "options")}
        for q in made["questions"][:1]
    ]
    listed = tmp_path / "questions.json"
    listed.write_text(json.dumps([*kept, {"kind": "text", "prompt": "Anything else?"}]))
    done = run_cli(sec, "questionnaire", "questions", str(made["id"]), str(listed), "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    questions = json.loads(done.stdout)["questions"]
    assert [q["prompt"] for q in questions] == [made["questions"][0]["prompt"], "Anything else?"]

    issued = run_cli(sec, "questionnaire", "open-link", str(made["id"]), "--max-replies", "5")
    assert issued.returncode == 0, issued.stderr
    code = issued.stdout.strip().split("#code=")[1]
    public = run_cli.client("")
    answers = {str(questions[0]["id"]): "yes"}
    first = public.open_reply(code, {"category": "government", "answers": answers, "submit": True})
    second = public.open_reply(code, {"category": "observer", "answers": answers, "submit": True})
    assert first.secret != second.secret and first.id != second.id
    assert public.public_form(first.secret).reply is not None

    # the questions are fixed once replies are submitted: the command fails, saying why
    refused = run_cli(sec, "questionnaire", "questions", str(made["id"]), str(listed))
    assert refused.returncode != 0
    assert "questionnaire-answered" in refused.stderr or "submitted" in refused.stderr
