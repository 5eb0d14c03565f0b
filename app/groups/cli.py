"""Invitations and tokens from the command line."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

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
    pass


@cli.command()
def invite(
    participant: Annotated[int, typer.Argument(help="Participant id")],
    days: Annotated[
        float | None, typer.Option(help="Valid for this many days (server default: 7)")
    ] = None,
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Invite a participant (chair, secretariat or site admin): prints a single-use code to
    pass on; the participant runs `plenary redeem CODE` to get its own token."""
    with connect(url, token) as client:
        created = client.invite(participant, expires_in_days=days)
    emit(created, as_json, lambda: typer.echo(created.code))


@cli.command()
def redeem(
    code: Annotated[str, typer.Argument(help="The invitation code")],
    label: Annotated[str, typer.Option(help="A note to recognise the token")] = "",
    url: Url = DEFAULT_URL,
    as_json: JsonOpt = False,
) -> None:
    """Redeem an invitation code for your own token and print it once (needs no token)."""
    with connect(url, "") as client:
        created = client.redeem(code, label=label)
    emit(created, as_json, lambda: typer.echo(created.token))


@cli.command()
def tokens(url: Url = DEFAULT_URL, token: TokenOpt = "", as_json: JsonOpt = False) -> None:
    """List your own tokens (never their secrets); revoke one with `plenary revoke-token`."""
    with connect(url, token) as client:
        mine = client.my_tokens()

    def human() -> None:
        for t in mine:
            state = "revoked" if t.revoked_at else "live"
            typer.echo(f"{t.id:>6}  {state:<8} {t.created_at:%Y-%m-%d %H:%M}  {t.label}")

    emit(mine, as_json, human)


@cli.command("revoke-token")
def revoke_token(
    token_id: Annotated[int, typer.Argument(help="Token id")],
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Revoke a token: your own, or (chair, secretariat, site admin) one of your group's."""
    with connect(url, token) as client:
        revoked = client.revoke_token(token_id)
    emit(revoked, as_json, lambda: typer.echo(f"token {revoked.id} revoked"))
