"""`plenary round ...`: answer in a consent round (consent, stand aside, object, or change an
answer), withdraw an objection, close a round as blocked, remind the pending voters, revise
an amendment to resolve an objection, and show a round's tally."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from app.cli_base import DEFAULT_URL, JsonOpt, TokenOpt, Url, connect, emit

if TYPE_CHECKING:
    from app.amendments.schemas import AmendmentRead

round_cli = typer.Typer(no_args_is_help=True, help="Consent rounds after adoption.")

AmendmentArg = Annotated[int, typer.Argument(help="Amendment id")]
ReasonOpt = Annotated[str, typer.Option(help="Why")]


def _summary(result: AmendmentRead) -> str:
    line = f"amendment {result.id}: {result.status.value}"
    if result.tally is not None:
        t = result.tally
        line += (
            f" ({t.consented} consented, {t.stood_aside} stood aside, {t.objected} objected, "
            f"{t.pending} pending of {t.voters}; round {'open' if t.round_open else 'closed'})"
        )
    if result.resulting_version:
        line += f" -> version {result.resulting_version}"
    if result.supersedes_id:
        line += f"; revises {result.supersedes_id}"
    if result.revised_by_id:
        line += f"; revised by {result.revised_by_id}"
    return line


def _show(result: AmendmentRead, as_json: bool) -> None:
    emit(result, as_json, lambda: typer.echo(_summary(result)))


@round_cli.command("answer")
def answer(
    amendment: AmendmentArg,
    choice: Annotated[
        str, typer.Argument(help="consent, stand_aside (can live with it) or object")
    ],
    reason: ReasonOpt = "",
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Answer, or change the answer you gave (your latest answer counts)."""
    if choice not in ("consent", "stand_aside", "object"):
        raise typer.BadParameter("consent, stand_aside or object", param_hint="CHOICE")
    picked: Literal["consent", "stand_aside", "object"] = choice  # type: ignore[assignment]
    with connect(url, token) as client:
        result = client.answer(amendment, picked, reason)
    _show(result, as_json)


@round_cli.command("stand-aside")
def stand_aside(
    amendment: AmendmentArg,
    reason: ReasonOpt = "",
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """ "I can live with it": no objection, shown apart from consents."""
    with connect(url, token) as client:
        result = client.stand_aside(amendment, reason)
    _show(result, as_json)


@round_cli.command("withdraw")
def withdraw(
    amendment: AmendmentArg,
    reason: ReasonOpt = "",
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Withdraw your objection (before the deadline); with none left the round goes on."""
    with connect(url, token) as client:
        result = client.withdraw_objection(amendment, reason)
    _show(result, as_json)


@round_cli.command("close-blocked")
def close_blocked(
    amendment: AmendmentArg,
    reason: ReasonOpt = "",
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Chair: end the round as blocked, for good."""
    with connect(url, token) as client:
        result = client.close_blocked(amendment, reason)
    _show(result, as_json)


@round_cli.command("remind")
def remind(
    amendment: AmendmentArg,
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Chair or secretariat: remind the voters who have not answered."""
    with connect(url, token) as client:
        result = client.remind(amendment)
    _show(result, as_json)


@round_cli.command("revise")
def revise(
    amendment: AmendmentArg,
    text_file: Annotated[Path, typer.Argument(help="The section's whole revised text")],
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Proposer or chair: file a revised wording (a new amendment and a new round; the old
    one is superseded, or stays blocked if its round had ended)."""
    with connect(url, token) as client:
        result = client.revise(amendment, text=text_file.read_text(encoding="utf-8"))
    _show(result, as_json)


@round_cli.command("show")
def show(
    amendment: AmendmentArg,
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """The amendment's status and its round's tally."""
    with connect(url, token) as client:
        result = client.get_amendment(amendment)
    _show(result, as_json)
