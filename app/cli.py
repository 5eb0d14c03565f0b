"""The `plenary` command: run the service, manage its database, and drive it over HTTP."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from app.config import get_settings
from app.consultations.cli import consult_cli
from app.errors import PROBLEM_TYPE_PREFIX

if TYPE_CHECKING:
    from app.amendments.schemas import AmendmentRead
    from app.client import PlenaryClient
    from app.reports.schemas import ReportRead

cli = typer.Typer(
    no_args_is_help=True, add_completion=False, help="plenary: draft a report together."
)
db_cli = typer.Typer(no_args_is_help=True, help="Manage the database.")
admin_cli = typer.Typer(no_args_is_help=True, help="Site administration.")
cli.add_typer(db_cli, name="db")
cli.add_typer(admin_cli, name="admin")
cli.add_typer(consult_cli, name="consult")

# --json anywhere on the command line: output, errors included, is JSON on stdout.
_json_output = False


def _json_flag(value: bool) -> bool:
    global _json_output
    _json_output = _json_output or value
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


def _fail(
    slug: str, title: str, detail: str, *, code: int, status: int | None = None, **extra: Any
) -> NoReturn:
    """Say what went wrong and exit with `code`: under --json an RFC 9457 problem on stdout,
    otherwise `error: ...` on stderr."""
    problem: dict[str, Any] = {"type": PROBLEM_TYPE_PREFIX + slug, "title": title}
    if status is not None:
        problem["status"] = status
    _fail_with(problem | {"detail": detail, **extra}, code=code, text=detail)


def _fail_with(problem: dict[str, Any], *, code: int, text: str) -> NoReturn:
    if _json_output:
        typer.echo(json.dumps({**problem, "exit_code": code}, indent=2, ensure_ascii=False))
    else:
        typer.echo(f"error: {text}", err=True)
    raise typer.Exit(code)


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


def _require_database(url: str, create: bool) -> None:
    """Connecting to a SQLite path creates an empty database there: a command run in the
    wrong directory would silently use it. Only `--create` (or a serving server) may."""
    from app.dblock import database_exists, describe

    if create or database_exists(url):
        return
    _fail(
        "no-database",
        "No database there",
        f"no database at {describe(url)}. Run this where the server runs, set "
        "PLENARY_DATABASE_URL to the server's database, or pass --create to start a new one.",
        code=2,
        database=describe(url),
    )


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="uvicorn worker processes.")] = 1,
    demo: Annotated[
        bool,
        typer.Option(
            help="Start a fresh demo room (plenary-demo.db): 40 members, a report, "
            "a meeting with an amendment on the floor."
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Apply migrations, then serve the API with uvicorn (creates the database if needed)."""
    import os

    import uvicorn

    from app.http_protocol import PROTOCOL
    from app.migrate import upgrade

    if demo:
        database_file = Path("plenary-demo.db")
        for stale in (database_file, Path("plenary-demo.db-wal"), Path("plenary-demo.db-shm")):
            stale.unlink(missing_ok=True)
        os.environ["PLENARY_DATABASE_URL"] = f"sqlite:///{database_file.resolve()}"
        get_settings.cache_clear()
    if workers > 1:
        # Each worker would keep its own read cache, blind to the others' writes.
        os.environ["PLENARY_READ_CACHE"] = "false"
        get_settings.cache_clear()
    from app.dblock import describe

    settings = get_settings()
    upgrade(settings)
    if demo:
        _print_demo(settings.database_url, host, port, as_json)
    if as_json:
        _print_json({"database": describe(settings.database_url), "url": f"http://{host}:{port}"})
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
        http=PROTOCOL,  # its own 400s as problem+json
    )


def _print_demo(database_url: str, host: str, port: int, as_json: bool) -> None:
    from app.db import Database
    from app.demo import seed, write_env

    database = Database(database_url)
    room = seed(database)
    database.dispose()
    base = f"http://{host}:{port}"
    if as_json:
        _print_json(
            {
                "url": base,
                "report_id": room.report_id,
                "amendment_id": room.amendment_id,
                "tokens": room.tokens,
                "env_file": str(write_env(room, base, Path.cwd())),
            }
        )
        return
    typer.echo("plenary demo room: the WGIG history as a report, 40 voting members, a meeting in")
    typer.echo(f"session and amendment {room.amendment_id} on the floor. Tokens (shown once):")
    for name in (
        "site admin",
        "The Chair",
        "The Secretariat",
        "Member 07",
        "Member 12",
        "Observer 1",
    ):
        typer.echo(f"  {name:<16} {room.tokens[name]}")
    screen = f"{base}/reports/{room.report_id}/screen#token={room.tokens['Observer 1']}"
    typer.echo(f"Projection screen: {screen}")
    typer.echo(f"Web client: {base}/app/ (sign in with one of the tokens above)")
    typer.echo(f"Try: PLENARY_TOKEN={room.tokens['The Chair']} plenary amendments {room.report_id}")
    env = write_env(room, base, Path.cwd())
    typer.echo(f"The same, for your shell (the README's tour starts here): . ./{env.name}")


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
        _print_json({"database": describe(settings.database_url), "revision": revision})
    else:
        typer.echo(f"database {describe(settings.database_url)} at {revision}")


@db_cli.command("downgrade")
def db_downgrade(revision: str, as_json: JsonOpt = False) -> None:
    """Revert migrations down to REVISION ('base' reverts all)."""
    from app.dblock import describe
    from app.migrate import downgrade

    settings = get_settings()
    _require_database(settings.database_url, False)
    downgrade(settings, revision)
    if as_json:
        _print_json({"database": describe(settings.database_url), "revision": revision})
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
    _require_database(url, False)
    try:
        result = backup(url, target)
    except BackupError as error:
        _fail("backup-failed", "Backup failed", str(error), code=1, database=describe(url))
    if as_json:
        _print_json(
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
        _fail("database-in-use", "A server is serving this database", str(error), code=1)
    except BackupError as error:
        _fail("restore-failed", "Restore failed", str(error), code=1, database=describe(url))
    if as_json:
        _print_json({"database": describe(url), "restored_from": str(source)})
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
    from app.db import Database
    from app.dblock import describe
    from app.groups.service import issue_token
    from app.migrate import upgrade

    settings = get_settings()
    _require_database(settings.database_url, create)
    upgrade(settings)
    database = Database(settings.database_url)
    with database.session() as session:
        _token, secret = issue_token(session, participant=None, label=label)
    database.dispose()
    if as_json:
        _print_json({"token": secret, "database": describe(settings.database_url)})
    else:
        typer.echo(f"site-admin token for {describe(settings.database_url)}:", err=True)
        typer.echo(secret)


# --- commands that talk to a server --------------------------------------------------

Url = Annotated[str, typer.Option(envvar="PLENARY_URL", help="Server URL.")]
TokenOpt = Annotated[str, typer.Option(envvar="PLENARY_TOKEN", help="Bearer token.")]
DEFAULT_URL = "http://127.0.0.1:8000"


@contextmanager
def _client(url: str, token: str) -> Iterator[PlenaryClient]:
    from app.client import PlenaryClient, ProblemError

    client = PlenaryClient(url, token)
    try:
        yield client
    except ProblemError as problem:
        code = 3 if problem.status == 0 else 5 if problem.status >= 500 else 4
        _fail_with(problem.problem, code=code, text=str(problem))
    finally:
        client.close()


def _emit(value: Any, as_json: bool, human: Callable[[], None]) -> None:
    if as_json:
        from pydantic import BaseModel

        data = value.model_dump(mode="json") if isinstance(value, BaseModel) else value
        if isinstance(value, list):
            data = [v.model_dump(mode="json") if isinstance(v, BaseModel) else v for v in value]
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        human()


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
    with _client(url, token) as client:
        created = client.invite(participant, expires_in_days=days)
    _emit(created, as_json, lambda: typer.echo(created.code))


@cli.command()
def redeem(
    code: Annotated[str, typer.Argument(help="The invitation code")],
    label: Annotated[str, typer.Option(help="A note to recognise the token")] = "",
    url: Url = DEFAULT_URL,
    as_json: JsonOpt = False,
) -> None:
    """Redeem an invitation code for your own token and print it once (needs no token)."""
    with _client(url, "") as client:
        created = client.redeem(code, label=label)
    _emit(created, as_json, lambda: typer.echo(created.token))


@cli.command()
def tokens(url: Url = DEFAULT_URL, token: TokenOpt = "", as_json: JsonOpt = False) -> None:
    """List your own tokens (never their secrets); revoke one with `plenary revoke-token`."""
    with _client(url, token) as client:
        mine = client.my_tokens()

    def human() -> None:
        for t in mine:
            state = "revoked" if t.revoked_at else "live"
            typer.echo(f"{t.id:>6}  {state:<8} {t.created_at:%Y-%m-%d %H:%M}  {t.label}")

    _emit(mine, as_json, human)


@cli.command("revoke-token")
def revoke_token(
    token_id: Annotated[int, typer.Argument(help="Token id")],
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Revoke a token: your own, or (chair, secretariat, site admin) one of your group's."""
    with _client(url, token) as client:
        revoked = client.revoke_token(token_id)
    _emit(revoked, as_json, lambda: typer.echo(f"token {revoked.id} revoked"))


@cli.command("import")
def import_report(
    files: Annotated[
        list[Path],
        typer.Argument(exists=True, dir_okay=False, help="Markdown or Word (.docx) file(s)"),
    ],
    group: Annotated[int, typer.Option("--group", "-g", help="Group id")],
    title: Annotated[str | None, typer.Option(help="Title (default: from the file)")] = None,
    symbol: Annotated[str | None, typer.Option(help="Document symbol")] = None,
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Import Markdown or Word documents as reports: headings become the outline. Safe to re-run:
    each file's content names its idempotency key."""
    import hashlib

    imported: list[ReportRead] = []
    with (
        _client(url, token) as client,
        typer.progressbar(files, label="importing", file=sys.stderr) as progress,
    ):
        for file in progress:
            if file.suffix.lower() == ".docx":
                data = file.read_bytes()
                digest = hashlib.sha256(f"{group}:{title}:{symbol}:".encode() + data)
                key = "import-docx-" + digest.hexdigest()[:32]
                imported.append(
                    client.import_docx(group, data, title=title, symbol=symbol, idempotency_key=key)
                )
                continue
            text = file.read_text(encoding="utf-8")
            key = (
                "import-"
                + hashlib.sha256(f"{group}:{title}:{symbol}:{text}".encode()).hexdigest()[:32]
            )
            imported.append(
                client.import_report(group, text, title=title, symbol=symbol, idempotency_key=key)
            )
    if as_json:
        _emit(imported[0] if len(imported) == 1 else imported, True, lambda: None)
    else:
        for report in imported:
            _print_outline(report)


def _print_outline(report: ReportRead) -> None:
    typer.echo(f"Report {report.id}: {report.title} [{report.status.value}] {report.symbol}")
    typer.echo(f"{'section':>8}  {'ver':>4}  {'paras':>9}  heading")
    for entry in report.outline:
        paragraphs = (
            f"{entry.first_paragraph}-{entry.first_paragraph + entry.paragraph_count - 1}"
            if entry.paragraph_count
            else "-"
        )
        heading = " ".join(p for p in (entry.label, entry.heading) if p) or "(untitled)"
        indent = "  " * entry.depth
        typer.echo(f"{entry.id:>8}  {entry.head_version:>4}  {paragraphs:>9}  {indent}{heading}")


@cli.command()
def outline(
    report: Annotated[int, typer.Argument(help="Report id")],
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Show a report's outline with versions and paragraph numbers."""
    with _client(url, token) as client:
        read = client.get_report(report)
    _emit(read, as_json, lambda: _print_outline(read))


@cli.command()
def show(
    section: Annotated[int, typer.Argument(help="Section id")],
    version: Annotated[int | None, typer.Option(help="Version (default: head)")] = None,
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Print a section's text (head or a given version)."""
    with _client(url, token) as client:
        number = version or client.get_section(section).head_version
        read = client.get_version(section, number)
    _emit(read, as_json, lambda: typer.echo(read.text))


@cli.command()
def diff(
    section: Annotated[int, typer.Argument(help="Section id")],
    from_version: Annotated[int, typer.Option("--from", help="Older version")],
    to_version: Annotated[int | None, typer.Option("--to", help="Newer version (head)")] = None,
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Show what changed between two versions ([-deleted-] {+inserted+})."""
    with _client(url, token) as client:
        read = client.diff(section, from_version=from_version, to_version=to_version)

    def human() -> None:
        marks = {"equal": "{}", "delete": "[-{}-]", "insert": "{{+{}+}}"}
        typer.echo("".join(marks[op.op].format(op.text) for op in read.ops))

    _emit(read, as_json, human)


@cli.command()
def export(
    report: Annotated[int, typer.Argument(help="Report id")],
    format: Annotated[
        str,
        typer.Option(help="markdown, source, html or text; akn (Akoma Ntoso), docx or pdf (files)"),
    ] = "markdown",
    milestone: Annotated[int | None, typer.Option(help="As at this milestone")] = None,
    line_numbers: Annotated[
        bool, typer.Option("--line-numbers", help="pdf: number the lines of each page")
    ] = False,
    amendments: Annotated[
        bool, typer.Option("--amendments", help="The amendment list (akn or docx) instead")
    ] = False,
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Export a report with numbered paragraphs (or, with --amendments, its amendment list).
    With --json: the text inside a JSON object; a file format needs --output and is named."""
    if as_json and output is None and (amendments or format in FILE_FORMATS):
        _fail(
            "cli-usage", "Invalid command line", "--json with a file format needs --output", code=2
        )
    with _client(url, token) as client:
        if amendments or format in FILE_FORMATS:
            data = (
                client.export_amendments(report, format=format)
                if amendments
                else client.export_file(
                    report, format=format, milestone=milestone, line_numbers=line_numbers
                )
            )
            # Files are written as the bytes served, never re-encoded.
            if output is None:
                sys.stdout.buffer.write(data)
                sys.stdout.flush()
            else:
                output.write_bytes(data)
            if as_json:
                _print_json({"report_id": report, "format": format, "output": str(output)})
            return
        text = client.export(report, format=format, milestone=milestone)
    if output is not None:
        output.write_text(text, encoding="utf-8")
    if as_json:
        answer: dict[str, Any] = {"report_id": report, "format": format, "milestone": milestone}
        _print_json(answer | ({"output": str(output)} if output else {"text": text}))
    elif output is None:
        sys.stdout.write(text)


FILE_FORMATS = frozenset({"akn", "docx", "pdf"})


def _resolve_change(
    client: PlenaryClient,
    *,
    section: int,
    base: int | None,
    text: str | None,
    patch: str | None,
    replace: str | None,
    with_text: str | None,
    paragraph: int | None,
) -> tuple[int, str | None, str | None]:
    """(base version, text, patch) for an amendment given in any of the supported ways.
    Raises EntryError when a --replace does not identify one place."""
    from app.bulk import apply_replacement

    if replace is None:
        if base is None:
            base = client.get_section(section).head_version
        return base, text, patch
    read = client.get_section(section)
    number = base or read.head_version
    current = client.get_version(section, number).text
    new = apply_replacement(
        current,
        replace,
        with_text or "",
        paragraph=paragraph,
        first_paragraph=read.first_paragraph or 1,
    )
    return number, new, None


@cli.command()
def amend(
    section: Annotated[int, typer.Argument(help="Section id")],
    file: Annotated[
        Path | None, typer.Option("--file", "-f", help="File holding the new text")
    ] = None,
    replace: Annotated[str | None, typer.Option(help="Words to replace")] = None,
    with_text: Annotated[str | None, typer.Option("--with", help="Replacement words")] = None,
    paragraph: Annotated[int | None, typer.Option(help="Report-wide paragraph number")] = None,
    base: Annotated[int | None, typer.Option(help="Base version (default: head)")] = None,
    kind: Annotated[str, typer.Option(help="editorial or substantive")] = "substantive",
    rationale: Annotated[str, typer.Option(help="Why")] = "",
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Propose an amendment: from a file with the new text, or --replace OLD --with NEW."""
    if (file is None) == (replace is None):
        _fail("cli-usage", "Invalid command line", "give either --file or --replace/--with", code=2)
    text = None if file is None else file.read_text(encoding="utf-8")
    from app.bulk import EntryError

    with _client(url, token) as client:
        try:
            number, new_text, patch = _resolve_change(
                client,
                section=section,
                base=base,
                text=text,
                patch=None,
                replace=replace,
                with_text=with_text,
                paragraph=paragraph,
            )
        except EntryError as error:
            _fail("invalid-entry", "The change does not identify one place", str(error), code=2)
        amendment = client.propose(
            section,
            base_version=number,
            kind=kind,
            text=new_text,
            patch=patch,
            rationale=rationale,
        )
    _emit(
        amendment,
        as_json,
        lambda: typer.echo(
            f"amendment {amendment.id} [{amendment.status.value}, {amendment.kind.value}; "
            f"suggested {amendment.suggested_kind.value}]: {amendment.instruction}"
        ),
    )


@cli.command("amend-bulk")
def amend_bulk(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="YAML or JSON list")],
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """File many amendments from one file. Each entry has its own idempotency key derived
    from the file, so re-running after a failure files nothing twice."""
    from app.bulk import EntryError, load
    from app.client import ProblemError

    try:
        entries = load(file)
    except (EntryError, ValueError) as error:
        _fail("invalid-file", "The amendments file cannot be read", str(error), code=2)
    results: list[dict[str, Any]] = []
    failed = 0
    with (
        _client(url, token) as client,
        typer.progressbar(entries, label="filing amendments", file=sys.stderr) as progress,
    ):
        for entry in progress:
            try:
                number, text, patch = _resolve_change(
                    client,
                    section=entry.section,
                    base=entry.base_version,
                    text=entry.text,
                    patch=entry.patch,
                    replace=entry.replace,
                    with_text=entry.with_text,
                    paragraph=entry.paragraph,
                )
                amendment = client.propose(
                    entry.section,
                    base_version=number,
                    kind=entry.kind,
                    text=text,
                    patch=patch,
                    rationale=entry.rationale,
                    idempotency_key=entry.key,
                )
                results.append(
                    {
                        "entry": entry.index,
                        "amendment": amendment.id,
                        "status": amendment.status.value,
                        "instruction": amendment.instruction,
                    }
                )
            except ProblemError as problem:
                if problem.status == 0:
                    raise
                failed += 1
                results.append({"entry": entry.index, "error": problem.problem})
            except EntryError as error:
                failed += 1
                results.append({"entry": entry.index, "error": {"detail": str(error)}})
    if as_json:
        typer.echo(json.dumps(results, indent=2, ensure_ascii=False))
    else:
        for row in results:
            if "error" in row:
                typer.echo(f"entry {row['entry']:>3}: FAILED {row['error'].get('detail', '')}")
            else:
                typer.echo(
                    f"entry {row['entry']:>3}: amendment {row['amendment']} "
                    f"[{row['status']}] {row['instruction']}"
                )
    if failed:
        raise typer.Exit(4)


@cli.command()
def amendments(
    report: Annotated[int, typer.Argument(help="Report id")],
    status: Annotated[str | None, typer.Option(help="Only this status")] = None,
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """List a report's amendments with their status and tally."""
    with _client(url, token) as client:
        found = client.list_amendments(report, status=status)

    def human() -> None:
        typer.echo(f"{'id':>6}  {'status':<13} {'kind':<12} {'tally':<9} instruction")
        for a in found:
            tally = f"{a.tally.consented}/{a.tally.voters}" if a.tally else "-"
            typer.echo(
                f"{a.id:>6}  {a.status.value:<13} {a.kind.value:<12} {tally:<9} "
                f"{a.instruction[:90]}"
            )

    _emit(found, as_json, human)


def _decide(
    action: str, amendment: int, url: str, token: str, as_json: bool, reason: str = ""
) -> None:
    with _client(url, token) as client:
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
    _emit(
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

    marks = {"equal": "{}", "delete": "[-{}-]", "insert": "{{+{}+}}"}

    def say(value: Any, human: str) -> None:
        if as_json:
            typer.echo(json.dumps(value, ensure_ascii=False))
        else:
            typer.echo(human)

    with _client(url, token) as client:
        current = client.get_amendment(amendment)
        say(
            current.model_dump(mode="json"),
            f"amendment {current.id}, revision {current.draft_revision}: {current.instruction}",
        )
        if not as_json:
            typer.echo(DRAFT_HELP)
        for raw in sys.stdin:
            line = raw.strip()
            if not line:
                continue
            command, _, rest = line.partition(" ")
            try:
                if command in ("quit", "exit"):
                    break
                if command == "show":
                    shown = client.get_amendment(amendment)
                    say(shown.model_dump(mode="json"), shown.proposed_text)
                elif command == "diff":
                    preview = client.preview(amendment)
                    instruction = client.get_amendment(amendment).instruction
                    say(
                        preview.model_dump(mode="json") | {"instruction": instruction},
                        instruction
                        + "\n"
                        + "".join(marks[o.op].format(o.text) for o in preview.ops),
                    )
                elif command in ("replace", "set"):
                    wording = client.get_amendment(amendment).proposed_text
                    if command == "set":
                        new = Path(rest.strip()).read_text(encoding="utf-8")
                    else:
                        old, sep, replacement = rest.partition(" => ")
                        if not sep or wording.count(old) != 1:
                            detail = "OLD must occur exactly once in the wording"
                            if as_json:
                                say({"title": "Invalid command", "detail": detail}, "")
                            else:
                                typer.echo(f"error: {detail}", err=True)
                            continue
                        new = wording.replace(old, replacement, 1)
                    current = client.revise_draft(amendment, text=new)
                    say(
                        current.model_dump(mode="json"),
                        f"revision {current.draft_revision}: {current.instruction}",
                    )
                elif not as_json:
                    typer.echo(DRAFT_HELP)
            except ProblemError as problem:
                if problem.status == 0:
                    raise
                if as_json:
                    say(problem.problem, "")
                elif problem.status == 412:
                    typer.echo("someone revised first; now on the wall:", err=True)
                    typer.echo(client.get_amendment(amendment).proposed_text, err=True)
                else:
                    typer.echo(f"error: {problem}", err=True)


@cli.command()
def verify(
    report: Annotated[int, typer.Argument(help="Report id")],
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Check the report's event hash chain: the server recomputes it, and so does this command
    from the log it reads (the public record is enough); a member's token also checks who did
    what. Exit 1 if anything does not match."""
    from app.client import chain_report, unattributed

    with _client(url, token) as client:
        check = client.verify_chain(report)
        events = list(client.all_events(report))
    here = chain_report(events)
    attributed = any(e.actor_salt for e in events)  # a member's view: it can check actors
    mismatches = unattributed(events) if attributed else []
    ok = check.ok and here.ok and not mismatches

    def human() -> None:
        for label, result in (("server", check), ("recomputed here", here)):
            if result.ok:
                typer.echo(f"chain ok: {result.events} events, head {result.head_hash} ({label})")
            else:
                typer.echo(
                    f"CHAIN BROKEN at event {result.first_bad_event_id} "
                    f"(seq {result.first_bad_seq}): {result.reason} ({label})"
                )
        if attributed and not mismatches:
            typer.echo("actors ok: every event's actor opens its commitment")
        for event in mismatches:
            typer.echo(f"ACTOR MISMATCH at event {event.id} (seq {event.seq})")

    data = {
        **check.model_dump(mode="json"),  # the server's report, as before
        "ok": ok,
        "server_ok": check.ok,
        "recomputed_here": here.model_dump(mode="json"),
        "actors_checked": attributed,
        "actor_mismatches": [e.id for e in mismatches],
    }
    _emit(data, as_json, human)
    if not ok:
        raise typer.Exit(1)


@cli.command("verify-certificate")
def verify_certificate(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Certificate JSON")],
    export_file: Annotated[
        Path | None,
        typer.Option(
            "--export",
            help="An export of the report to check (.md, .html, .txt, .xml, .docx or .pdf)",
        ),
    ] = None,
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Check an adoption certificate against the server and against an exported copy."""
    import hashlib

    try:
        kept = json.loads(file.read_text(encoding="utf-8"))
        certificate = kept.get("certificate", kept)
        exports = kept.get("exports")
        report_id = int(certificate["report_id"])
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        _fail("invalid-file", "Not a certificate", f"{file}: {error!r}", code=2)
    failures: list[str] = []
    checks: list[dict[str, Any]] = []

    def check(ok: bool, what: str) -> None:
        checks.append({"ok": ok, "check": what})
        if not as_json:
            typer.echo(f"{'ok  ' if ok else 'FAIL'} {what}")
        if not ok:
            failures.append(what)

    def digest(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    with _client(url, token) as client:
        served = client.certificate(report_id)
        for field in ("report_sha256", "sections", "event_chain", "transmitted_at", "adopted_at"):
            check(served.get(field) == certificate.get(field), f"server certificate: {field}")
        text = client.export(report_id, format="markdown", milestone=certificate["milestone_id"])
        check(digest(text) == certificate["report_sha256"], "server export matches report_sha256")
        milestone = client._get(
            MilestoneReadModel(), f"/v1/milestones/{certificate['milestone_id']}"
        )
        versions = {e.section_id: e.version_number for e in milestone.entries}
        for section in certificate["sections"]:
            version = client.get_version(section["section_id"], versions[section["section_id"]])
            check(
                digest(version.text) == section["sha256"],
                f"section {section['section_id']} ({section['label'] or section['heading']})",
            )
        chain = certificate["event_chain"]
        here = client.recompute_chain(report_id, up_to_seq=chain["seq"])
        check(
            here.ok and here.events == chain["seq"] and here.head_hash == chain["head_hash"],
            "event chain head at transmission (recomputed here)",
        )
        check(client.verify_chain(report_id).ok, "event chain verifies (server)")
        served_exports = client.certificate_exports(report_id)
        check(served_exports is not None, "exports sealed on the record (certificate.sealed)")
        if exports is not None:
            check(exports == served_exports, "sealed exports: the kept file's match the server's")
    if export_file is not None:
        from app.meetings.verify import export_checks

        for ok, what in export_checks(export_file, certificate, exports or served_exports):
            check(ok, what)
    if as_json:
        _print_json({"verified": not failures, "report_id": report_id, "checks": checks})
        if failures:
            raise typer.Exit(1)
        return
    if failures:
        typer.echo(f"certificate NOT verified: {len(failures)} check(s) failed", err=True)
        raise typer.Exit(1)
    typer.echo("certificate verified")


def MilestoneReadModel() -> Any:
    from app.reports.schemas import MilestoneRead

    return MilestoneRead


@cli.command()
def follow(
    report: Annotated[int, typer.Argument(help="Report id")],
    after: Annotated[int | None, typer.Option(help="Resume after this event id")] = None,
    count: Annotated[int | None, typer.Option(help="Stop after this many events")] = None,
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Print the report's events as they happen (reconnects and resumes by itself)."""
    with _client(url, token) as client:
        for seen, event in enumerate(client.follow(report, last_event_id=after), start=1):
            if as_json:
                typer.echo(event.model_dump_json())
            else:
                who = "" if event.actor_id is None else f" by participant {event.actor_id}"
                details = ", ".join(
                    f"{k}={v}" for k, v in event.payload.items() if v not in (None, "")
                )
                stamp = event.created_at.strftime("%H:%M:%S")
                typer.echo(f"{stamp} #{event.id} {event.type}{who}: {details}"[:300])
            if count is not None and seen >= count:
                break


def main() -> None:
    if "--json" not in sys.argv[1:]:
        cli()
        return
    # Under --json even a usage error is a problem on stdout (click prints it on stderr).
    global _json_output
    _json_output = True
    try:
        code = cli(standalone_mode=False)
    except typer.TyperException as error:  # click's usage errors (typer ships its own click)
        format_message = getattr(error, "format_message", None)
        message = format_message() if callable(format_message) else str(error)
        try:
            _fail("cli-usage", "Invalid command line", message, code=getattr(error, "exit_code", 2))
        except typer.Exit as done:
            sys.exit(done.exit_code)
    except typer.Abort:
        sys.exit(1)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
