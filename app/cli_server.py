"""`plenary serve`, `plenary db ...`, `plenary admin ...` and `plenary openapi`: commands
that run the service or open its database directly."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from app.cli_base import (
    JsonOpt,
    cli,
    fail,
    print_json,
    require_database,
)
from app.config import get_settings

if TYPE_CHECKING:
    from app.demo import DemoRoom

db_cli = typer.Typer(no_args_is_help=True, help="Manage the database.")
admin_cli = typer.Typer(no_args_is_help=True, help="Site administration.")
cli.add_typer(db_cli, name="db")
cli.add_typer(admin_cli, name="admin")


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="uvicorn worker processes.")] = 1,
    demo: Annotated[
        bool,
        typer.Option(
            help="Start a fresh demo room (plenary-demo.db): the WGIG's year replayed up to "
            "the final night at Bossey, an amendment on the floor."
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Apply migrations, then serve the API with uvicorn (creates the database if needed)."""
    import os

    import uvicorn

    from app.http_protocol import PROTOCOL
    from app.migrate import upgrade

    room = None
    if demo:
        from app.demo_year.room import open_room

        database_file = Path("plenary-demo.db")
        room = open_room(database_file)  # the year up to the final night, copied in
        os.environ["PLENARY_DATABASE_URL"] = f"sqlite:///{database_file.resolve()}"
        get_settings.cache_clear()
    if workers > 1 and get_settings().database_url.startswith("sqlite"):
        # Each worker would keep its own SQLite read cache, blind to the others' writes (on
        # PostgreSQL every cached answer is checked against the database).
        os.environ["PLENARY_READ_CACHE"] = "false"
        get_settings.cache_clear()
    from app.dblock import describe

    settings = get_settings()
    upgrade(settings)
    if room is not None:
        _print_demo(room, host, port, as_json)
    if as_json:
        print_json({"database": describe(settings.database_url), "url": f"http://{host}:{port}"})
    else:
        typer.echo(
            f"plenary: database {describe(settings.database_url)} at head; "
            f"serving on http://{host}:{port}"
        )
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        http=PROTOCOL,  # its own 400s as problem+json, no request dropped by an idle close
        timeout_keep_alive=settings.keep_alive_seconds,
    )


def _print_demo(room: DemoRoom, host: str, port: int, as_json: bool) -> None:
    from app.demo import write_env

    base = f"http://{host}:{port}"
    env = write_env(room, base, Path.cwd())
    if as_json:
        print_json(
            {
                "url": base,
                "report_id": room.report_id,
                "amendment_id": room.amendment_id,
                "moment": room.moment,
                "ids": room.ids,
                "tokens": room.tokens,
                "env_file": str(env),
            }
        )
        return
    for line in demo_lines(room, base):
        typer.echo(line)
    typer.echo(f"The same, for your shell (the README's tour starts here): . ./{env.name}")


def demo_lines(room: DemoRoom, base: str) -> list[str]:
    """What to open and which token plays which role."""
    ids = room.ids
    lines = [
        f"plenary demo room: the WGIG's year replayed from November 2004 to {room.moment} "
        f"(Geneva time), the plenary at the Château de Bossey: {room.scene}.",
        f"The Final Report is report {room.report_id}"
        + (f"; amendment {room.amendment_id} is on the floor." if room.amendment_id else "."),
        "Tokens (shown once; handle, token, who):",
    ]
    for handle in (
        "site admin",
        "The Chair",
        "The Secretariat",
        "Member 07",
        "Member 12",
        "Observer 1",
    ):
        who = room.names.get(handle, handle)
        lines.append(f"  {handle:<16} {room.tokens[handle]}  {'' if who == handle else who}")
    screen = f"{base}/reports/{room.report_id}/screen#token={room.tokens['Observer 1']}"
    lines += [
        f"Projection screen: {screen}",
        f"Web client: {base}/app/?report={room.report_id} (sign in with one of the tokens above)",
    ]
    if "group" in ids:
        lines.append(
            f"The year, as a timeline: {base}/v1/groups/{ids['group']}/timeline"
            "?format=markdown (any token above)"
        )
    lines.append(
        f"Try: PLENARY_TOKEN={room.tokens['The Chair']} plenary amendments {room.report_id}"
    )
    return lines


CreateOpt = Annotated[
    bool, typer.Option("--create", help="Create the database if there is none at that path.")
]


@db_cli.command("upgrade")
def db_upgrade(revision: str = "head", as_json: JsonOpt = False) -> None:
    """Apply migrations up to REVISION (default: head); creates the database if needed."""
    from app.dblock import describe
    from app.migrate import upgrade

    settings = get_settings()
    upgrade(settings, revision)
    if as_json:
        print_json({"database": describe(settings.database_url), "revision": revision})
    else:
        typer.echo(f"database {describe(settings.database_url)} at {revision}")


@db_cli.command("downgrade")
def db_downgrade(revision: str, as_json: JsonOpt = False) -> None:
    """Revert migrations down to REVISION ('base' reverts all)."""
    from app.dblock import describe
    from app.migrate import downgrade

    settings = get_settings()
    require_database(settings.database_url, False)
    downgrade(settings, revision)
    if as_json:
        print_json({"database": describe(settings.database_url), "revision": revision})
    else:
        typer.echo(f"database {describe(settings.database_url)} at {revision}")


@db_cli.command("backup")
def db_backup(
    target: Annotated[Path, typer.Argument(help="Where to write the copy")],
    as_json: JsonOpt = False,
) -> None:
    """A consistent online copy while the server runs (SQLite backup API, or pg_dump)."""
    from app.backup import BackupError, backup
    from app.dblock import describe

    url = get_settings().database_url
    require_database(url, False)
    try:
        result = backup(url, target)
    except BackupError as error:
        fail("backup-failed", "Backup failed", str(error), code=1, database=describe(url))
    if as_json:
        print_json(
            {
                "database": describe(url),
                "path": str(result.path),
                "integrity": result.integrity,
                "tables": result.tables,
            }
        )
    else:
        typer.echo(f"backup of {describe(url)} written to {result.path}: {result.integrity}")
        for name, count in sorted(result.tables.items()):
            typer.echo(f"  {name:<24} {count:>8}")
    if result.integrity not in ("ok", "pg_dump ok"):
        raise typer.Exit(1)


@db_cli.command("restore")
def db_restore(
    source: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A backup")],
    yes: Annotated[bool, typer.Option("--yes", help="Replace the database without asking")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Replace the database with a backup. Refused while a server is serving it."""
    from app.backup import BackupError, restore
    from app.dblock import DatabaseInUse, describe, exclusive_use

    url = get_settings().database_url
    if not yes:
        typer.confirm(f"Replace {describe(url)} with {source}?", abort=True)
    try:
        with exclusive_use(url):
            restore(url, source)
    except DatabaseInUse as error:
        fail("database-in-use", "A server is serving this database", str(error), code=1)
    except BackupError as error:
        fail("restore-failed", "Restore failed", str(error), code=1, database=describe(url))
    if as_json:
        print_json({"database": describe(url), "restored_from": str(source)})
    else:
        typer.echo(f"restored {source} into {describe(url)}")


@cli.command()
def openapi(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Print (or write) the OpenAPI document generated from the app (JSON either way)."""
    from app.main import create_app

    text = json.dumps(create_app().openapi(), indent=2, sort_keys=False) + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {output}")


@admin_cli.command("token")
def admin_token(
    label: Annotated[str, typer.Option(help="A note to recognise it.")] = "admin",
    create: CreateOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Create a site-admin token in the database and print it once (migrating it first, safe
    while a server starts). The token alone goes to stdout; the database is named on stderr."""
    from app.dblock import describe
    from app.groups.service import issue_token
    from app.migrate import upgrade
    from app.wiring import open_database

    settings = get_settings()
    require_database(settings.database_url, create)
    upgrade(settings)
    database = open_database(settings.database_url)
    with database.session() as session:
        _token, secret = issue_token(session, participant=None, label=label)
    database.dispose()
    if as_json:
        print_json({"token": secret, "database": describe(settings.database_url)})
    else:
        typer.echo(f"site-admin token for {describe(settings.database_url)}:", err=True)
        typer.echo(secret)
