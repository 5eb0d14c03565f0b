"""The `plenary` command: run the service, manage its database, and drive it over HTTP.

The commands live beside their domains (`app/<domain>/cli.py`); importing them registers
them on the root command (`app/cli_base.py`)."""

from __future__ import annotations

import importlib
import sys

import typer

from app.amendments.cli_rounds import round_cli
from app.cli_base import cli, fail, json_mode
from app.consultations.cli import consult_cli
from app.deliberation.cli import deliberate_cli
from app.demo_year.cli import demo_cli
from app.meetings.cli_sessions import meeting_cli
from app.questionnaires.cli import questionnaire_cli

# Importing a module registers its commands; `plenary --help` lists them in this order.
COMMAND_MODULES = (
    "app.cli_server",
    "app.groups.cli",
    "app.reports.cli",
    "app.amendments.cli_proposals",
    "app.amendments.cli_structure",
    "app.amendments.cli_floor",
    "app.events.cli",
    "app.meetings.cli",
    "app.drafting_groups.cli",
)
for _module in COMMAND_MODULES:
    importlib.import_module(_module)
cli.add_typer(consult_cli, name="consult")
cli.add_typer(round_cli, name="round")
cli.add_typer(deliberate_cli, name="deliberate")
cli.add_typer(questionnaire_cli, name="questionnaire")
cli.add_typer(meeting_cli, name="meeting")
cli.add_typer(demo_cli, name="demo")


def main() -> None:
    if "--json" not in sys.argv[1:]:
        cli()
        return
    # Under --json even a usage error is a problem on stdout (click prints it on stderr).
    json_mode.on = True
    try:
        code = cli(standalone_mode=False)
    except typer.TyperException as error:  # click's usage errors (typer ships its own click)
        format_message = getattr(error, "format_message", None)
        message = format_message() if callable(format_message) else str(error)
        try:
            fail("cli-usage", "Invalid command line", message, code=getattr(error, "exit_code", 2))
        except typer.Exit as done:
            sys.exit(done.exit_code)
    except typer.Abort:
        sys.exit(1)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
