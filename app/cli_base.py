"""What every `plenary` command shares: the root command, `--json`, errors as problem+json,
and the client for commands that talk to a server."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from app.errors import PROBLEM_TYPE_PREFIX

if TYPE_CHECKING:
    from app.client import PlenaryClient

cli = typer.Typer(
    no_args_is_help=True, add_completion=False, help="plenary: draft a report together."
)


class JsonMode:
    """--json anywhere on the command line: output, errors included, is JSON on stdout."""

    on = False


json_mode = JsonMode()


def _json_flag(value: bool) -> bool:
    json_mode.on = json_mode.on or value
    return value


JsonOpt = Annotated[
    bool,
    typer.Option(
        "--json",
        help="Machine-readable output; errors are problem+json on stdout.",
        callback=_json_flag,
        is_eager=True,
    ),
]


def fail(
    slug: str, title: str, detail: str, *, code: int, status: int | None = None, **extra: Any
) -> NoReturn:
    """Say what went wrong and exit with `code`: under --json an RFC 9457 problem on stdout,
    otherwise `error: ...` on stderr."""
    problem: dict[str, Any] = {"type": PROBLEM_TYPE_PREFIX + slug, "title": title}
    if status is not None:
        problem["status"] = status
    fail_with(problem | {"detail": detail, **extra}, code=code, text=detail)


def fail_with(problem: dict[str, Any], *, code: int, text: str) -> NoReturn:
    if json_mode.on:
        typer.echo(json.dumps({**problem, "exit_code": code}, indent=2, ensure_ascii=False))
    else:
        typer.echo(f"error: {text}", err=True)
    raise typer.Exit(code)


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


def require_database(url: str, create: bool) -> None:
    """Connecting to a SQLite path creates an empty database there: a command run in the
    wrong directory would silently use it. Only `--create` (or a serving server) may."""
    from app.dblock import database_exists, describe

    if create or database_exists(url):
        return
    fail(
        "no-database",
        "No database there",
        f"no database at {describe(url)}. Run this where the server runs, set "
        "PLENARY_DATABASE_URL to the server's database, or pass --create to start a new one.",
        code=2,
        database=describe(url),
    )


Url = Annotated[str, typer.Option(envvar="PLENARY_URL", help="Server URL.")]
TokenOpt = Annotated[str, typer.Option(envvar="PLENARY_TOKEN", help="Bearer token.")]
DEFAULT_URL = "http://127.0.0.1:8000"


@contextmanager
def connect(url: str, token: str) -> Iterator[PlenaryClient]:
    from app.client import PlenaryClient, ProblemError

    client = PlenaryClient(url, token)
    try:
        yield client
    except ProblemError as problem:
        code = 3 if problem.status == 0 else 5 if problem.status >= 500 else 4
        fail_with(problem.problem, code=code, text=str(problem))
    finally:
        client.close()


def emit(value: Any, as_json: bool, human: Callable[[], None]) -> None:
    if as_json:
        from pydantic import BaseModel

        data = value.model_dump(mode="json") if isinstance(value, BaseModel) else value
        if isinstance(value, list):
            data = [v.model_dump(mode="json") if isinstance(v, BaseModel) else v for v in value]
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        human()
