"""`plenary meeting ...`: meetings, their sessions, agendas, speakers, attendance, captions,
the projector, summaries and the floor's queue (issue 30)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from app.cli_base import DEFAULT_URL, JsonOpt, TokenOpt, Url, connect, emit

if TYPE_CHECKING:
    from app.meetings.session_schemas import SessionRead

meeting_cli = typer.Typer(
    no_args_is_help=True, help="Meetings and their sessions, agendas, speakers and the floor."
)

SessionArg = Annotated[int, typer.Argument(help="Session id")]
MeetingArg = Annotated[int, typer.Argument(help="Meeting id")]
AmendmentArg = Annotated[int, typer.Argument(help="Amendment id")]


def _session_line(s: SessionRead) -> str:
    item = s.current_item
    current = f", item {item.position}: {item.title}" if item is not None else ""
    return f"session {s.id} ({s.kind.value}): {s.status}, {s.present} present{current}"


@meeting_cli.command("open")
def open_meeting(
    report: Annotated[int, typer.Argument(help="Report id")],
    title: Annotated[str, typer.Option(help="e.g. Fourth meeting")] = "",
    venue: Annotated[str, typer.Option(help="e.g. Château de Bossey")] = "",
    starts_on: Annotated[str | None, typer.Option("--from", help="First day (YYYY-MM-DD)")] = None,
    ends_on: Annotated[str | None, typer.Option("--to", help="Last day (YYYY-MM-DD)")] = None,
    first_session: Annotated[
        str, typer.Option(help="open_consultation, plenary, closed, or none")
    ] = "plenary",
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Open a meeting (the chair); a plenary session starts with it unless told otherwise."""
    with connect(url, token) as client:
        meeting = client.open_meeting(
            report,
            title=title,
            venue=venue,
            starts_on=date.fromisoformat(starts_on) if starts_on else None,
            ends_on=date.fromisoformat(ends_on) if ends_on else None,
            first_session=None if first_session == "none" else first_session,
        )
    emit(meeting, as_json, lambda: typer.echo(f"meeting {meeting.id} opened"))


@meeting_cli.command("session")
def schedule_session(
    meeting: MeetingArg,
    kind: Annotated[str, typer.Argument(help="open_consultation, plenary or closed")],
    title: Annotated[str, typer.Option(help="A title")] = "",
    start: Annotated[bool, typer.Option(help="Start it at once")] = False,
    speaking_seconds: Annotated[int | None, typer.Option(help="Speaking time")] = None,
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Schedule a session of a kind (the chair)."""
    with connect(url, token) as client:
        s = client.schedule_session(
            meeting, kind, title=title, start=start, speaking_seconds=speaking_seconds
        )
    emit(s, as_json, lambda: typer.echo(_session_line(s)))


@meeting_cli.command("start")
def start_session(
    session: SessionArg, url: Url = DEFAULT_URL, token: TokenOpt = "", as_json: JsonOpt = False
) -> None:
    """Start a session (one in progress at a time)."""
    with connect(url, token) as client:
        s = client.start_session(session)
    emit(s, as_json, lambda: typer.echo(_session_line(s)))


@meeting_cli.command("end")
def end_session(
    session: SessionArg, url: Url = DEFAULT_URL, token: TokenOpt = "", as_json: JsonOpt = False
) -> None:
    """End a session."""
    with connect(url, token) as client:
        s = client.end_session(session)
    emit(s, as_json, lambda: typer.echo(_session_line(s)))


@meeting_cli.command("show")
def show_session(
    session: SessionArg, url: Url = DEFAULT_URL, token: TokenOpt = "", as_json: JsonOpt = False
) -> None:
    """A session: its kind, state, current agenda item and how many are present."""
    with connect(url, token) as client:
        s = client.get_session(session)
    emit(s, as_json, lambda: typer.echo(_session_line(s)))


@meeting_cli.command("agenda")
def add_agenda_item(
    session: SessionArg,
    kind: Annotated[
        str, typer.Argument(help="report_part, amendment_list, consultation, questionnaire, text")
    ],
    title: Annotated[str, typer.Argument(help="The item's title")],
    target: Annotated[int | None, typer.Option(help="The section, consultation, ...")] = None,
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Add an item to a session's agenda (chair or secretariat)."""
    with connect(url, token) as client:
        item = client.add_agenda_item(session, kind, title, target_id=target)
    emit(item, as_json, lambda: typer.echo(f"item {item.position}: {item.title}"))


@meeting_cli.command("move-item")
def move_agenda_item(
    session: SessionArg,
    item: Annotated[int, typer.Argument(help="The agenda item's id")],
    position: Annotated[int, typer.Argument(help="Where it goes (1 is the first)")],
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Move an agenda item to a position (chair or secretariat); prints the agenda."""
    with connect(url, token) as client:
        items = client.move_agenda_item(session, item, position)

    def human() -> None:
        for each in items:
            typer.echo(f"item {each.position}: {each.title}  (id {each.id})")

    emit(items, as_json, human)


@meeting_cli.command("next-item")
def next_item(
    session: SessionArg,
    item: Annotated[int | None, typer.Option(help="This item (else the next)")] = None,
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Take up the next agenda item, or a named one (the chair)."""
    with connect(url, token) as client:
        s = client.take_up_item(session, item)
    emit(s, as_json, lambda: typer.echo(_session_line(s)))


@meeting_cli.command("speak")
def ask_for_floor(
    session: SessionArg,
    point_of_order: Annotated[bool, typer.Option(help="A point of order")] = False,
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Ask for the floor."""
    with connect(url, token) as client:
        request = client.ask_for_floor(session, point_of_order=point_of_order)
    emit(request, as_json, lambda: typer.echo(f"request {request.id}: {request.status.value}"))


@meeting_cli.command("speakers")
def speakers(
    session: SessionArg, url: Url = DEFAULT_URL, token: TokenOpt = "", as_json: JsonOpt = False
) -> None:
    """The list of speakers, in call order."""
    with connect(url, token) as client:
        found = client.speakers(session)

    def human() -> None:
        for r in found:
            order = " (point of order)" if r.point_of_order else ""
            spoken = f" {r.spoken_seconds}s" if r.spoken_seconds is not None else ""
            typer.echo(f"{r.id}\t{r.status.value}\t{r.label}{order}{spoken}")

    emit(found, as_json, human)


@meeting_cli.command("give-floor")
def give_floor(
    session: SessionArg,
    request: Annotated[int | None, typer.Option(help="This request (else the head)")] = None,
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Give the floor to the next speaker (the chair)."""
    with connect(url, token) as client:
        given = client.give_floor(session, request)
    emit(given, as_json, lambda: typer.echo(f"the floor: {given.label}"))


@meeting_cli.command("attend")
def attend(
    session: SessionArg,
    participant: Annotated[int | None, typer.Option(help="Check in another (secretariat)")] = None,
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Check in to a session's room (oneself, or another for the secretariat)."""
    with connect(url, token) as client:
        row = client.check_in(session, participant)
    emit(row, as_json, lambda: typer.echo(f"{row.name} is in the room"))


@meeting_cli.command("attendance")
def attendance(
    session: SessionArg, url: Url = DEFAULT_URL, token: TokenOpt = "", as_json: JsonOpt = False
) -> None:
    """Who attended a session (members)."""
    with connect(url, token) as client:
        rows = client.attendance(session)

    def human() -> None:
        for row in rows:
            typer.echo(f"{row.name}\t{row.role}\t{'present' if row.present else 'left'}")

    emit(rows, as_json, human)


@meeting_cli.command("caption")
def caption(
    session: SessionArg,
    text: Annotated[str, typer.Argument(help="The caption line")],
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Add a caption line (a captioner, during a public session)."""
    with connect(url, token) as client:
        line = client.caption(session, text)
    emit(line, as_json, lambda: typer.echo(f"caption {line.id}"))


@meeting_cli.command("project")
def project(
    session: SessionArg,
    view: Annotated[str, typer.Argument(help="agenda, speakers, report, floor, tally, amendments")],
    paragraph: Annotated[int | None, typer.Option(help="With view report")] = None,
    amendment: Annotated[int | None, typer.Option(help="With view tally")] = None,
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Drive the projector (the chair)."""
    with connect(url, token) as client:
        s = client.project(session, view, paragraph=paragraph, amendment_id=amendment)
    emit(s, as_json, lambda: typer.echo(f"projecting {view}"))


@meeting_cli.command("summary")
def summary(
    session: SessionArg,
    write: Annotated[
        Path | None, typer.Option(exists=True, dir_okay=False, help="Write this file as it")
    ] = None,
    publish: Annotated[bool, typer.Option(help="Publish it (the chair)")] = False,
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Write (secretariat) or publish (chair) a session's summary; print the document."""
    with connect(url, token) as client:
        if write is not None:
            client.write_summary(session, write.read_text(encoding="utf-8"))
        if publish:
            client.publish_summary(session)
        document = client.session_summary(session)
    emit(
        {"session_id": session, "summary": document},
        as_json,
        lambda: typer.echo(document, nl=False),
    )


@meeting_cli.command("queue")
def queue(
    amendment: AmendmentArg, url: Url = DEFAULT_URL, token: TokenOpt = "", as_json: JsonOpt = False
) -> None:
    """Queue an amendment for the floor (the chair)."""
    with connect(url, token) as client:
        a = client.queue_for_floor(amendment)
    emit(a, as_json, lambda: typer.echo(f"amendment {a.id} queued"))


@meeting_cli.command("take-off")
def take_off(
    amendment: AmendmentArg,
    reason: Annotated[str, typer.Option(help="Why")] = "",
    defer: Annotated[bool, typer.Option(help="Defer it: last in the queue")] = False,
    url: Url = DEFAULT_URL,
    token: TokenOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Take the amendment on the floor off it, or defer it (the chair)."""
    with connect(url, token) as client:
        a = client.defer(amendment, reason) if defer else client.take_off_floor(amendment, reason)
    emit(a, as_json, lambda: typer.echo(f"amendment {a.id}: {a.status.value}"))


@meeting_cli.command("next-on-floor")
def next_on_floor(
    meeting: MeetingArg, url: Url = DEFAULT_URL, token: TokenOpt = "", as_json: JsonOpt = False
) -> None:
    """Put the head of the queue on the floor (the chair)."""
    with connect(url, token) as client:
        state = client.next_on_floor(meeting)
    emit(
        state,
        as_json,
        lambda: typer.echo(
            f"on the floor: amendment {state.floor.amendment.id}"
            if state.floor
            else "the queue is empty"
        ),
    )
