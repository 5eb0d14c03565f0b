"""The floor from the command line: answers in a consent round, the chair's decisions, and
live drafting (`plenary draft`)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from app.cli_base import (
    DEFAULT_URL,
    JsonOpt,
    TokenOpt,
    Url,
    cli,
    connect,
    emit,
)

if TYPE_CHECKING:
    from app.amendments.schemas import AmendmentRead
    from app.client import PlenaryClient


def _decide(
    action: str, amendment: int, url: str, token: str, as_json: bool, reason: str = ""
) -> None:
    with connect(url, token) as client:
        call: Callable[[], AmendmentRead] = {
            "consent": lambda: client.consent(amendment),
            "object": lambda: client.object(amendment, reason),
            "adopt": lambda: client.adopt(amendment),
            "reject": lambda: client.reject(amendment, reason),
            "floor": lambda: client.put_on_floor(amendment),
            "withdraw": lambda: client.withdraw(amendment, reason),
            "escalate": lambda: client.escalate(amendment, reason),
        }[action]
        result = call()
    emit(
        result,
        as_json,
        lambda: typer.echo(
            f"amendment {result.id}: {result.status.value}"
            + (f" (version {result.resulting_version})" if result.resulting_version else "")
        ),
    )


AmendmentArg = Annotated[int, typer.Argument(help="Amendment id")]
ReasonOpt = Annotated[str, typer.Option(help="Reason")]


@cli.command()
def consent(
    amendment: AmendmentArg, url: Url = DEFAULT_URL, token: TokenOpt = "", as_json: JsonOpt = False
) -> None:
    """Consent to a change of substance (the last consent adopts it)."""
    _decide("consent", amendment, url, token, as_json)


@cli.command("object")
def object_(
    amendment: AmendmentArg,
    reason: Annotated[str, typer.Option(help="Why (required)")],
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Object to a change of substance: one objection blocks it."""
    _decide("object", amendment, url, token, as_json, reason)


@cli.command()
def adopt(
    amendment: AmendmentArg, url: Url = DEFAULT_URL, token: TokenOpt = "", as_json: JsonOpt = False
) -> None:
    """Adopt an amendment (chair on the floor; chair or secretariat for editorial fixes)."""
    _decide("adopt", amendment, url, token, as_json)


@cli.command()
def reject(
    amendment: AmendmentArg,
    reason: ReasonOpt = "",
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Reject an amendment."""
    _decide("reject", amendment, url, token, as_json, reason)


@cli.command()
def floor(
    amendment: AmendmentArg, url: Url = DEFAULT_URL, token: TokenOpt = "", as_json: JsonOpt = False
) -> None:
    """Put an amendment on the floor (chair, meeting open)."""
    _decide("floor", amendment, url, token, as_json)


DRAFT_HELP = """commands:
  show                    the current wording
  diff                    the instruction and the tracked changes against the section
  replace OLD => NEW      send a revision replacing OLD (once) by NEW
  set FILE                send the contents of FILE as the whole wording
  quit"""


@cli.command()
def draft(
    amendment: AmendmentArg,
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Live drafting in the terminal: reshape the wording of the amendment on the floor.
    Each revision names the one you saw; if someone typed first, you are shown theirs.
    With --json, each answer is one JSON object per line (the amendment, or a problem)."""
    from app.client import ProblemError

    with connect(url, token) as client:
        drafting = _Drafting(client, amendment, as_json)
        current = client.get_amendment(amendment)
        drafting.say(
            current.model_dump(mode="json"),
            f"amendment {current.id}, revision {current.draft_revision}: {current.instruction}",
        )
        if not as_json:
            typer.echo(DRAFT_HELP)
        for raw in sys.stdin:
            command, _, rest = raw.strip().partition(" ")
            if command in ("quit", "exit"):
                break
            try:
                drafting.run(command, rest)
            except ProblemError as problem:
                if problem.status == 0:
                    raise
                drafting.refused(problem.status, problem.problem, str(problem))


MARKS = {"equal": "{}", "delete": "[-{}-]", "insert": "{{+{}+}}"}


class _Drafting:
    """One terminal drafting session: each command answered in words, or in JSON lines."""

    def __init__(self, client: PlenaryClient, amendment: int, as_json: bool) -> None:
        self.client, self.amendment, self.as_json = client, amendment, as_json

    def say(self, value: Any, human: str) -> None:
        typer.echo(json.dumps(value, ensure_ascii=False) if self.as_json else human)

    def run(self, command: str, rest: str) -> None:
        if not command:
            return
        if command == "show":
            shown = self.client.get_amendment(self.amendment)
            self.say(shown.model_dump(mode="json"), shown.proposed_text)
        elif command == "diff":
            preview = self.client.preview(self.amendment)
            instruction = self.client.get_amendment(self.amendment).instruction
            self.say(
                preview.model_dump(mode="json") | {"instruction": instruction},
                instruction + "\n" + "".join(MARKS[o.op].format(o.text) for o in preview.ops),
            )
        elif command in ("replace", "set"):
            self.revise(command, rest)
        elif not self.as_json:
            typer.echo(DRAFT_HELP)

    def revise(self, command: str, rest: str) -> None:
        wording = self.client.get_amendment(self.amendment).proposed_text
        if command == "set":
            new = Path(rest.strip()).read_text(encoding="utf-8")
        else:
            old, sep, replacement = rest.partition(" => ")
            if not sep or wording.count(old) != 1:
                detail = "OLD must occur exactly once in the wording"
                if self.as_json:
                    self.say({"title": "Invalid command", "detail": detail}, "")
                else:
                    typer.echo(f"error: {detail}", err=True)
                return
            new = wording.replace(old, replacement, 1)
        current = self.client.revise_draft(self.amendment, text=new)
        self.say(
            current.model_dump(mode="json"),
            f"revision {current.draft_revision}: {current.instruction}",
        )

    def refused(self, status: int, problem: dict[str, Any], said: str) -> None:
        if self.as_json:
            self.say(problem, "")
        elif status == 412:
            typer.echo("someone revised first; now on the wall:", err=True)
            typer.echo(self.client.get_amendment(self.amendment).proposed_text, err=True)
        else:
            typer.echo(f"error: {said}", err=True)
