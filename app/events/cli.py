"""The record from the command line: verify the hash chain, follow a report live."""

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
    from app.events.schemas import ChainReport, EventRead
    from app.signed_record import AnswerCheck


@cli.command()
def verify(
    report: Annotated[int, typer.Argument(help="Report id")],
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    trust_key: Annotated[
        list[int] | None,
        typer.Option(
            help="A replaced signing key whose answers its participant confirmed (repeat)"
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Check the report's event hash chain: the server recomputes it, and so does this command
    from the log it reads (the public record is enough). A member's token also checks who did
    what, and every consent answer: signed by the member's own key over what it answered,
    covered by the chain, and behind every standing answer of every tally; answers signed by a
    key that replaced an earlier one without its endorsement are named. Exit 1 if anything
    does not match."""
    from app.client import chain_report, unattributed
    from app.signed_record import check_answers

    with connect(url, token) as client:
        check = client.verify_chain(report)
        events = list(client.all_events(report))
        attributed = any(e.actor_salt for e in events)  # a member's view: it can check actors
        answers = None
        if attributed:
            group_id = client.get_report(report).group_id
            answers = check_answers(
                [e.model_dump(mode="json") for e in events],
                [k.model_dump(mode="json") for k in client.signing_keys(group_id)],
                [a.model_dump(mode="json") for a in client.list_amendments(report)],
                frozenset(trust_key or ()),
            )
    here = chain_report(events)
    mismatches = unattributed(events) if attributed else []
    findings = [] if answers is None else answers.findings
    ok = check.ok and here.ok and not mismatches and not findings

    def human() -> None:
        _print_verification(check, here, attributed, mismatches, answers)

    data = {
        **check.model_dump(mode="json"),  # the server's report, as before
        "ok": ok,
        "server_ok": check.ok,
        "recomputed_here": here.model_dump(mode="json"),
        "actors_checked": attributed,
        "actor_mismatches": [e.id for e in mismatches],
        "answers_signed": None if answers is None else answers.signed,
        "answers_unsigned": None if answers is None else answers.unsigned,
        "answer_findings": [f.__dict__ for f in findings],
    }
    emit(data, as_json, human)
    if not ok:
        raise typer.Exit(1)


def _print_verification(
    check: ChainReport,
    here: ChainReport,
    attributed: bool,
    mismatches: list[EventRead],
    answers: AnswerCheck | None,
) -> None:
    findings = [] if answers is None else answers.findings
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
    if answers is not None and not findings:
        typer.echo(
            f"answers ok: {answers.signed} signed by their members' own keys"
            + (f", {answers.unsigned} from before answers were signed" if answers.unsigned else "")
        )
    for f in findings:
        where = "" if f.event_id is None else f" (event {f.event_id})"
        typer.echo(
            f"ANSWER {f.kind.upper()} on amendment {f.amendment_id}, participant "
            f"{f.participant_id}{where}: {f.detail}"
        )


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
    with connect(url, token) as client:
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
