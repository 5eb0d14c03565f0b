"""The `plenary` command: run the service, manage its database, and drive it over HTTP."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from app.config import get_settings

cli = typer.Typer(
    no_args_is_help=True, add_completion=False, help="plenary: draft a report together."
)
db_cli = typer.Typer(no_args_is_help=True, help="Manage the database.")
admin_cli = typer.Typer(no_args_is_help=True, help="Site administration.")
cli.add_typer(db_cli, name="db")
cli.add_typer(admin_cli, name="admin")


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="uvicorn worker processes.")] = 1,
) -> None:
    """Apply migrations, then serve the API with uvicorn."""
    import uvicorn

    from app.migrate import upgrade

    settings = get_settings()
    upgrade(settings)
    typer.echo(
        f"plenary: database {settings.database_url} at head; serving on http://{host}:{port}"
    )
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
    )


@db_cli.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Apply migrations up to REVISION (default: head)."""
    from app.migrate import upgrade

    upgrade(get_settings(), revision)
    typer.echo(f"database at {revision}")


@db_cli.command("downgrade")
def db_downgrade(revision: str) -> None:
    """Revert migrations down to REVISION ('base' reverts all)."""
    from app.migrate import downgrade

    downgrade(get_settings(), revision)
    typer.echo(f"database at {revision}")


@cli.command()
def openapi(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
    ] = None,
) -> None:
    """Print (or write) the OpenAPI document generated from the app."""
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
) -> None:
    """Create a site-admin token and print it once (migrates the database first)."""
    from app.db import Database
    from app.groups.service import issue_token
    from app.migrate import upgrade

    settings = get_settings()
    upgrade(settings)
    database = Database(settings.database_url)
    with database.session() as session:
        _token, secret = issue_token(session, participant=None, label=label)
    database.dispose()
    typer.echo(secret)


def main() -> None:
    cli()
