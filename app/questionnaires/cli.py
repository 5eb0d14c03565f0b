"""`plenary questionnaire ...`: create one from a file, answer, share, issue public links,
read the results (JSON or CSV), export and import the summary."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from app.cli_base import DEFAULT_URL, JsonOpt, TokenOpt, Url, connect, emit, fail, print_json

questionnaire_cli = typer.Typer(no_args_is_help=True, help="Questionnaires, replies, summaries.")
FileArg = Annotated[Path, typer.Argument(help="A JSON file", exists=True, dir_okay=False)]


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        fail("cli-bad-file", "The file is not JSON", f"{path}: {error}", code=2, path=str(path))


@questionnaire_cli.command("create")
def create(
    group: Annotated[int, typer.Argument(help="Group id")],
    file: FileArg,
    days: Annotated[
        float | None, typer.Option(help="Deadline this many days from now (else the file's)")
    ] = None,
    report: Annotated[int | None, typer.Option(help="Tie it to this report")] = None,
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Create a questionnaire from a JSON file: title, internal_chapeau and/or
    public_chapeau, deadline, questions (kind, prompt, required, options, max_chars,
    scale_min, scale_max)."""
    from app.clock import utcnow

    body = _read_json(file)
    if not isinstance(body, dict):
        fail("cli-bad-file", "The file is not a questionnaire", f"{file}: not an object", code=2)
    if days is not None:
        body["deadline"] = (utcnow() + timedelta(days=days)).isoformat()
    if report is not None:
        body["report_id"] = report
    with connect(url, token) as client:
        made = client.create_questionnaire(group, body)
    emit(
        made,
        as_json,
        lambda: typer.echo(
            f"questionnaire {made.id}: {len(made.questions)} questions until "
            f"{made.deadline.isoformat()}"
        ),
    )


@questionnaire_cli.command("reply")
def reply(
    questionnaire: Annotated[int, typer.Argument(help="Questionnaire id")],
    file: FileArg,
    submit: Annotated[bool, typer.Option(help="Submit (else a draft)")] = False,
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Your reply from a JSON file: {question id: answer}."""
    answers = _read_json(file)
    with connect(url, token) as client:
        made = client.answer_questionnaire(questionnaire, answers, submit=submit)
    emit(made, as_json, lambda: typer.echo(f"reply {made.id} {made.status.value}"))


@questionnaire_cli.command("share")
def share(
    questionnaire: Annotated[int, typer.Argument(help="Questionnaire id")],
    off: Annotated[bool, typer.Option("--off", help="Close them again")] = False,
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Let members read each other's replies, named."""
    with connect(url, token) as client:
        found = client.share_replies(questionnaire, shared=not off)
    emit(found, as_json, lambda: typer.echo("shared" if found.shared else "not shared"))


@questionnaire_cli.command("link")
def link(
    questionnaire: Annotated[int, typer.Argument(help="Questionnaire id")],
    organisation: Annotated[str, typer.Option(help="Who the link is for")] = "",
    category: Annotated[str | None, typer.Option(help="Their category")] = None,
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """A public link for one respondent (shown once)."""
    with connect(url, token) as client:
        made = client.issue_link(questionnaire, organisation=organisation, category=category)
    emit(made, as_json, lambda: typer.echo(f"{url.rstrip('/')}{made.path}"))


@questionnaire_cli.command("open-link")
def open_link(
    questionnaire: Annotated[int, typer.Argument(help="Questionnaire id")],
    max_replies: Annotated[int, typer.Option(help="At most this many respondents")] = 1000,
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """One link many public respondents use, each reply its own (the answering page's
    address, shown once)."""
    with connect(url, token) as client:
        made = client.issue_open_link(questionnaire, max_replies=max_replies)
    emit(made, as_json, lambda: typer.echo(f"{url.rstrip('/')}{made.page}"))


@questionnaire_cli.command("questions")
def questions(
    questionnaire: Annotated[int, typer.Argument(help="Questionnaire id")],
    file: FileArg,
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Replace the questions from a JSON list, in order (`id` keeps a question; the others
    are removed): only until the first reply is submitted."""
    listed = _read_json(file)
    if not isinstance(listed, list):
        fail("cli-bad-file", "The file is not a list of questions", f"{file}: not a list", code=2)
    with connect(url, token) as client:
        found = client.set_questions(questionnaire, listed)
    emit(
        found,
        as_json,
        lambda: typer.echo(f"questionnaire {found.id}: {len(found.questions)} questions"),
    )


def _cell(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return "" if value is None else str(value)


def replies_csv(questions: list[Any], replies: list[Any]) -> str:
    """One row per reply you may read, one column per question."""
    out = io.StringIO()
    writer = csv.writer(out)
    head = ["reply", "audience", "respondent", "organisation", "category", "status", "submitted_at"]
    writer.writerow(head + [f"Q{q.number}. {q.prompt}" for q in questions])
    for r in replies:
        category = "" if r.category is None else r.category.value
        submitted = "" if r.submitted_at is None else r.submitted_at.isoformat()
        row = [r.id, r.audience.value, r.respondent, r.organisation, category, r.status.value]
        row.append(submitted)
        writer.writerow(row + [_cell(r.answers.get(str(q.id))) for q in questions])
    return out.getvalue()


@questionnaire_cli.command("results")
def results(
    questionnaire: Annotated[int, typer.Argument(help="Questionnaire id")],
    format: Annotated[Literal["json", "csv"], typer.Option(help="json or csv")] = "json",
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """The results as you may read them: JSON (the summary and the replies) or CSV (one row
    per reply). `--json` is the same as `--format json`."""
    if as_json:
        format = "json"
    with connect(url, token) as client:
        found = client.get_questionnaire(questionnaire)
        replies = list(client.replies(questionnaire))
        summary = client.questionnaire_summary(questionnaire) if format == "json" else None
    if summary is not None:
        print_json(
            {
                "summary": summary.model_dump(mode="json"),
                "replies": [r.model_dump(mode="json") for r in replies],
            }
        )
        return
    typer.echo(replies_csv(list(found.questions), replies), nl=False)


@questionnaire_cli.command("export")
def export(
    questionnaire: Annotated[int, typer.Argument(help="Questionnaire id")],
    format: Annotated[
        Literal["markdown", "html", "docx", "pdf"], typer.Option(help="The output format")
    ] = "markdown",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write here")] = None,
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """The summary, as a document. With --json: the text inside a JSON object (a Word or PDF
    file needs --output and is named)."""
    if format in ("docx", "pdf") and output is None:
        fail("cli-binary", "Binary output", "Give -o FILE for Word or PDF.", code=2)
    with connect(url, token) as client:
        data = client.export_questionnaire_summary(questionnaire, format)
    if output is not None:
        output.write_bytes(data)
    if as_json:
        answer = {"questionnaire_id": questionnaire, "format": format}
        print_json(answer | ({"output": str(output)} if output else {"text": data.decode()}))
    elif output is None:
        typer.echo(data.decode(), nl=False)


@questionnaire_cli.command("import-summary")
def import_summary(
    questionnaire: Annotated[int, typer.Argument(help="Questionnaire id")],
    into: Annotated[Literal["section", "report"], typer.Option(help="section or report")],
    report: Annotated[int | None, typer.Option(help="The report (for a section)")] = None,
    parent: Annotated[int | None, typer.Option(help="Under this section")] = None,
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """The summary (public view) as a section of a report, or as a new report."""
    with connect(url, token) as client:
        made = client.import_questionnaire_summary(
            questionnaire, into=into, report_id=report, parent_id=parent
        )
    emit(
        made,
        as_json,
        lambda: typer.echo(f"report {made.report_id}, section {made.section_id}"),
    )
