"""`plenary demo build --to DATE` and `plenary demo scenes`: the WGIG's year into a database
of your own, up to any moment (a trainer starts from the February meeting with
`--to 2005-02-13`)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Annotated

import typer

from app.cli_base import JsonOpt, fail, print_json

demo_cli = typer.Typer(no_args_is_help=True, help="The WGIG's year (2004-2005) as a demo.")


def until_of(to: str | None) -> datetime | None:
    """`2005-02-13`: every scene of that day (Geneva time); `2005-06-17 23:00`: up to then."""
    from app.demo_year.stage import GENEVA, moment

    if to is None:
        return None
    try:
        if len(to) == 10:
            day = datetime.fromisoformat(to).date()
            end = datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=GENEVA)
            return end - timedelta(microseconds=1)
        return moment(to)
    except ValueError:
        detail = f"--to {to!r}: give YYYY-MM-DD or 'YYYY-MM-DD HH:MM'."
        fail("cli-usage", "Invalid date", detail, code=2)


@demo_cli.command("scenes")
def scenes(as_json: JsonOpt = False) -> None:
    """The year's scenes, in order, with their moments (Geneva time)."""
    from app.demo_year.runner import SCENES

    if as_json:
        print_json([{"when": s.when, "title": s.title} for s in SCENES])
        return
    for scene in SCENES:
        typer.echo(f"{scene.when}  {scene.title}")


@demo_cli.command("build")
def build(
    to: Annotated[
        str | None,
        typer.Option("--to", help="Last day (YYYY-MM-DD) or moment, Geneva time; default: all"),
    ] = None,
    database: Annotated[
        Path, typer.Option("--db", help="The SQLite file to create (must not exist).")
    ] = Path("wgig-year.db"),
    url: Annotated[str, typer.Option(help="Where you will serve it, for the env file.")] = (
        "http://127.0.0.1:8000"
    ),
    as_json: JsonOpt = False,
) -> None:
    """Play the year through the API into a new database, up to --to; write plenary-demo.env
    (tokens, the members' keys) beside it. Then: PLENARY_DATABASE_URL=sqlite:///... plenary
    serve."""
    from app.demo import write_env
    from app.demo_year.room import build_room

    if database.exists():
        fail("exists", "The database exists", f"{database} exists: give another --db.", code=2)
    room = build_room(database, until_of(to))
    env = write_env(room, url, database.resolve().parent)
    served = f"sqlite:///{database.resolve()}"
    if as_json:
        print_json(
            {
                "database": served,
                "moment": room.moment,
                "scene": room.scene,
                "ids": room.ids,
                "env_file": str(env),
            }
        )
        return
    typer.echo(f"The year up to {room.moment} (Geneva time): {room.scene}.")
    typer.echo(f"Serve it: PLENARY_DATABASE_URL={served} plenary serve")
    typer.echo(f"Tokens and keys: . {env}")
