"""The CLI for scripts: every command takes --json, and under --json errors are problem+json
on stdout with a non-zero exit; a server that is not there is named, at once."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import typer

from app.cli import cli
from app.client import PlenaryClient, ProblemError
from tests.cli_runner import InProcessCli
from tests.conftest import ADMIN_TOKEN
from tests.factories import enrol
from tests.server import free_port


def commands(group: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    for name, command in group.commands.items():
        if hasattr(command, "commands"):  # a group of commands (`db`, `admin`)
            yield from commands(command, f"{prefix}{name} ")
        else:
            yield prefix + name, command


def test_every_command_takes_json() -> None:
    found = dict(commands(typer.main.get_command(cli)))
    assert {"export", "draft", "verify-certificate", "admin token", "db backup"} <= set(found)
    missing = [
        name
        for name, command in found.items()
        if not any("--json" in getattr(p, "opts", ()) for p in command.params)
    ]
    assert missing == []


def test_a_refused_connection_names_the_url_at_once(run_cli: InProcessCli) -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    human = run_cli(None, "outline", "1", "--url", url, "--token", "x")
    assert human.returncode == 3
    assert url in human.stderr and "PLENARY_URL" in human.stderr
    assert human.stdout == ""
    machine = run_cli(None, "outline", "1", "--url", url, "--token", "x", "--json")
    assert machine.returncode == 3
    problem = json.loads(machine.stdout)
    assert problem["type"] == "urn:plenary:problem:connection-failed"
    assert (
        problem["url"] == url and problem["exit_code"] == 3 and "PLENARY_URL" in problem["detail"]
    )


def test_a_refused_connection_is_not_retried() -> None:
    attempts: list[str] = []

    def refuse(request: httpx.Request) -> httpx.Response:
        attempts.append(request.url.path)
        raise httpx.ConnectError("Connection refused", request=request)

    client = PlenaryClient("http://plenary.invalid", "x", transport=httpx.MockTransport(refuse))
    with pytest.raises(ProblemError) as raised:
        client.get_report(1)
    assert attempts == ["/v1/reports/1"]  # one attempt, no back-off
    assert raised.value.status == 0 and "http://plenary.invalid" in str(raised.value)
    with pytest.raises(ProblemError):
        next(iter(client.follow(1)))  # a stream that never connected does not loop
    assert len(attempts) == 2


def test_server_errors_under_json_are_problems_on_stdout(run_cli: InProcessCli) -> None:
    missing = run_cli(ADMIN_TOKEN, "outline", "999999", "--json")
    assert missing.returncode == 4
    problem = json.loads(missing.stdout)
    assert problem["status"] == 404 and problem["type"] == "urn:plenary:problem:not-found"
    assert problem["exit_code"] == 4
    human = run_cli(ADMIN_TOKEN, "outline", "999999")
    assert human.returncode == 4 and human.stdout == "" and "404" in human.stderr
    refused = run_cli("plen_bogus", "export", "999999", "--json")
    assert refused.returncode == 4 and json.loads(refused.stdout)["status"] == 401


def test_usage_errors_under_json_are_problems_too(run_cli: InProcessCli, tmp_path: Path) -> None:
    bad = run_cli(None, "outline", "not-a-number", "--json")
    assert bad.returncode == 2
    problem = json.loads(bad.stdout)
    assert problem["type"] == "urn:plenary:problem:cli-usage" and "report" in problem["detail"]
    neither = run_cli(None, "amend", "1", "--json")
    assert neither.returncode == 2 and json.loads(neither.stdout)["type"].endswith(":cli-usage")
    junk = tmp_path / "certificate.json"
    junk.write_text("[1, 2]", encoding="utf-8")
    certificate = run_cli(None, "verify-certificate", str(junk), "--json")
    assert certificate.returncode == 2
    assert json.loads(certificate.stdout)["type"] == "urn:plenary:problem:invalid-file"


def test_export_and_draft_answer_json(run_cli: InProcessCli) -> None:
    with run_cli.client(ADMIN_TOKEN) as admin:
        group = admin.create_group("Json group")
        secretariat = enrol(admin, group.id, name="Sec", role="secretariat")
    with run_cli.client(secretariat) as client:
        report = client.import_report(group.id, "# I. Text\n\nThe text.")
    exported = run_cli(secretariat, "export", str(report.id), "--json")
    assert exported.returncode == 0, exported.stdout + exported.stderr
    answer = json.loads(exported.stdout)
    assert answer["report_id"] == report.id and "The text." in answer["text"]
    drafted = run_cli(secretariat, "draft", "999999", "--json", input="quit\n")
    assert drafted.returncode == 4 and json.loads(drafted.stdout)["status"] == 404
