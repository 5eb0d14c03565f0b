"""python -m bench.audience: the public audience at scale and the live room, each against a
ceiling measured in the same run.

- **audience** (issue 30): N public SSE subscribers (default 10,000) on one plenary process
  follow an open-consultation session: a captioner adds a caption line every 2 s (the real
  pace) and the chair gives the floor to the next speaker every 10 s (a minute in a real
  session: compressed 6x). Delivery latency from each event's `created_at` (recorded in its
  transaction, just before the commit) to its receipt by each subscriber. The ceiling is a
  bare StreamingResponse app (`bench/bare.py`) fanning the very message bytes plenary sent
  (captured from plenary's public stream after its run) out to the same number of
  subscribers on the same schedule, a floor change's events in one write as plenary sends a
  commit's. `--processes 2` (PostgreSQL) starts two plenary processes on the same database,
  no balancer: the subscribers split across both, the writes go through the first, the
  second hears them by NOTIFY (and two ceiling processes, each published to).
- **room** (issue 35): 40 members (the chair and 39 members, streams opened with tickets) and
  1,000 public viewers follow the 200-section report; the chair adopts the amendment on the
  floor and puts the next one there, one adoption every 2 s (a real night: every 30-60 s,
  compressed) and again every 0.2 s (10x that). Each member's client reads what changed on
  each event as the web client does (`bench/room.py`: what changed, the floor's texts as a
  delta, conditional reads). Measured: from the adoption's `created_at` to the last member
  holding the new text. The ceiling: the bare fan-out of the same message bytes (members' and
  public's) plus bare reads (`/bare/room/...`: one Core statement on the same database each,
  then plenary's own answer bytes, the floor's delta included; never a 304), read by the
  same client with the same refresh logic.

Everything runs on 127.0.0.1; loads are bounded in count and time; the subscribers' clients
run in their own processes (`bench/client.py`, callbacks on raw sockets), each connecting
from its own 127.0.0.x address so that 10,000 sockets do not run out of ephemeral ports.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench.__main__ import (
    ROOT,
    Row,
    auth,
    cpu_seconds,
    free_port,
    paced,
    percentile,
    report,
    server,
)
from bench.seed import Seeded, seed

CAPTION_EVERY = 2.0  # seconds: a captioner's line, the real pace
FLOOR_EVERY = 10.0  # seconds: a speaker a minute in a real session, compressed 6x
REAL_NIGHT = 2.0  # seconds between adoptions (a real night: 30-60 s, compressed)
ADOPTIONS = 10  # per pace: the room's run is bounded by the server's pace, not the chair's
MEASUREMENTS = ("audience", "room")


def caption_text(n: int) -> str:
    """A caption line of a fixed length (about a spoken sentence)."""
    return f"Line {n:04d}: the representative of civil society asks that the text name the " + (
        "multistakeholder model and the role of governments in it."
    )


# --- servers ------------------------------------------------------------------------------


UVICORN = [
    "--host",
    "127.0.0.1",
    "--log-level",
    "warning",
    "--loop",
    "uvloop",
    "--http",
    "httptools",
]


@contextmanager
def servers(
    count: int, app: str, env: dict[str, str], health: str
) -> Iterator[list[tuple[str, int]]]:
    """`count` uvicorn processes of `app`, each on its own port: [(base url, pid)]."""
    with ExitStack() as stack:
        started = []
        for _ in range(count):
            port = free_port()
            args = [sys.executable, "-m", "uvicorn", *app.split(), "--port", str(port), *UVICORN]
            base = f"http://127.0.0.1:{port}"
            process = stack.enter_context(server(args, env, base + health))
            started.append((base, process.pid))
        yield started


# --- many subscribers over several client processes ---------------------------------------


@dataclass
class Crowd:
    lags: list[float]
    worst_by_event: list[int]
    complete: int
    failed: list[str]
    client_busy: float
    attach_seconds: float
    server_cpu: float


def run_client_async(mode: str, params: dict[str, Any], out: dict[str, Any]) -> threading.Thread:
    def go() -> None:
        done = subprocess.run(
            [sys.executable, "-m", "bench.client", mode, json.dumps(params)],
            capture_output=True,
            text=True,
            timeout=900,
            cwd=ROOT,
        )
        if done.returncode != 0:
            out["failed"] = [done.stderr[-2000:]]
        else:
            out.update(json.loads(done.stdout.strip().splitlines()[-1]))

    thread = threading.Thread(target=go)
    thread.start()
    return thread


def follow(
    shares: list[dict[str, Any]], writer: Callable[[], None], pids: list[int], events: int
) -> Crowd:
    """One client process per share (its `subscribe` parameters); `writer` runs once every
    subscriber is attached. The servers' CPU is counted from then until all were served."""
    results: list[dict[str, Any]] = [{} for _ in shares]
    flags = []
    threads = []
    started = time.monotonic()
    for share, out in zip(shares, results, strict=True):
        flag = Path(tempfile.mkstemp(prefix="bench-ready-")[1])
        flag.unlink()
        flags.append(flag)
        threads.append(
            run_client_async("subscribe", {**share, "events": events, "ready": str(flag)}, out)
        )
    deadline = time.monotonic() + 240
    while not all(f.exists() for f in flags):
        if time.monotonic() > deadline or not all(t.is_alive() for t in threads):
            break
        time.sleep(0.1)
    attach = time.monotonic() - started
    time.sleep(1.0)
    cpu = sum(cpu_seconds(pid) for pid in pids)
    writer()
    for thread in threads:
        thread.join(600)
    cpu = sum(cpu_seconds(pid) for pid in pids) - cpu
    for flag in flags:
        flag.unlink(missing_ok=True)
    worst = [r.get("worst_by_event", []) for r in results]
    return Crowd(
        lags=[lag for r in results for lag in r.get("lags", [])],
        worst_by_event=[max(column) for column in zip(*worst, strict=False)],
        complete=sum(r.get("complete", 0) for r in results),
        failed=[f for r in results for f in r.get("failed", [])][:3],
        client_busy=max(r.get("client_busy", 1.0) for r in results),
        attach_seconds=attach,
        server_cpu=cpu,
    )


def capture(
    base: str, report_id: int, after_id: int, until_id: int, token: str | None
) -> list[bytes]:
    """The messages of the report's stream after `after_id` up to `until_id`, as sent (the
    reader's view: a member's with a token, the public's without)."""
    headers = {"Last-Event-ID": str(after_id), **(auth(token) if token else {})}
    messages: list[bytes] = []
    with httpx.stream(
        "GET", f"{base}/v1/reports/{report_id}/stream", headers=headers, timeout=60
    ) as response:
        buffer = b""
        for chunk in response.iter_raw():
            buffer += chunk
            *whole, buffer = buffer.split(b"\n\n")
            for message in whole:
                if not message.startswith(b"id: "):
                    continue  # retry, comments
                messages.append(message + b"\n\n")
                if int(message[4 : message.index(b"\n")]) >= until_id:
                    return messages
    raise RuntimeError("the stream ended before the last event")


def last_event_id(client: httpx.Client, report_id: int) -> int:
    return int(client.get(f"/v1/reports/{report_id}/floor").json()["last_event_id"])


# --- the public audience ------------------------------------------------------------------


@dataclass
class Consultation:
    report_id: int
    session_id: int


def open_consultation(base: str, data: Seeded, speakers: int) -> Consultation:
    """A public report, a meeting whose first session is an open consultation in progress,
    the secretariat named captioner, and `speakers` members waiting for the floor."""
    with httpx.Client(base_url=base, timeout=60) as client:
        report = client.post(
            f"/v1/groups/{data.group_id}/reports/import",
            json={"markdown": "# Consultation\n\nThe draft under consultation.\n"},
            headers=auth(data.secretariat),
        )
        report.raise_for_status()
        report_id = report.json()["id"]
        make_public(client, report_id, data.chair)
        meeting = client.post(
            f"/v1/reports/{report_id}/meetings",
            json={"title": "Open consultation", "first_session": "open_consultation"},
            headers=auth(data.chair),
        )
        meeting.raise_for_status()
        meeting_id = meeting.json()["id"]
        sessions = client.get(f"/v1/meetings/{meeting_id}/sessions", headers=auth(data.chair))
        session_id = sessions.json()["items"][0]["id"]
        people = client.get(
            f"/v1/groups/{data.group_id}/participants?limit=500", headers=auth(data.chair)
        ).json()["items"]
        secretariat = next(p["id"] for p in people if p["role"] == "secretariat")
        client.post(
            f"/v1/meetings/{meeting_id}/captioners",
            json={"participant_id": secretariat, "captioner": True},
            headers=auth(data.chair),
        ).raise_for_status()
        for n in range(speakers):
            client.post(
                f"/v1/sessions/{session_id}/speakers",
                json={"point_of_order": False},
                headers=auth(data.members[n % len(data.members)]),
            ).raise_for_status()
    return Consultation(report_id, session_id)


def make_public(client: httpx.Client, report_id: int, token: str) -> None:
    etag = client.get(f"/v1/reports/{report_id}", headers=auth(token)).headers["etag"]
    client.post(
        f"/v1/reports/{report_id}/visibility",
        json={"public": True},
        headers={**auth(token), "If-Match": etag},
    ).raise_for_status()


def give_floor(client: httpx.Client, session_id: int, token: str) -> None:
    client.post(
        f"/v1/sessions/{session_id}/speakers/give", json={"request_id": None}, headers=auth(token)
    ).raise_for_status()


def audience(
    options: argparse.Namespace,
    plenary: list[tuple[str, int]],
    bare: list[tuple[str, int]],
    data: Seeded,
) -> list[Row]:
    seconds = 10.0 if options.quick else options.seconds
    captions = int(seconds / CAPTION_EVERY)
    floors = max(1, int(seconds / FLOOR_EVERY))
    base = plenary[0][0]
    room = open_consultation(base, data, speakers=floors + 3)
    with httpx.Client(base_url=base, timeout=60) as client:
        # Two floor changes first: the second shows how many events one makes (the speaker
        # before finishes, the next is given the floor).
        give_floor(client, room.session_id, data.chair)
        before = last_event_id(client, room.report_id)
        give_floor(client, room.session_id, data.chair)
        start = last_event_id(client, room.report_id)
    per_floor = len(capture(base, room.report_id, before, start, None))
    events = captions + floors * per_floor
    subscribers = options.subscribers
    processes = len(plenary)
    late: dict[str, float] = {}

    def shares(bases: list[str], path: str, headers: dict[str, str]) -> list[dict[str, Any]]:
        clients = options.clients
        out = []
        for n in range(clients):
            count = subscribers // clients + (1 if n < subscribers % clients else 0)
            out.append(
                {
                    "base": bases[n % len(bases)],
                    "path": path,
                    "subscribers": count,
                    "marker": "\nevent: ",
                    "headers": headers,
                    "local_host": f"127.0.0.{n + 2}",
                    "wave": 250,
                }
            )
        return out

    def write_plenary() -> None:
        with (
            httpx.Client(base_url=base, timeout=60) as captioner,
            httpx.Client(base_url=base, timeout=60) as chair,
        ):
            lines = iter(range(captions))

            def caption() -> None:
                captioner.post(
                    f"/v1/sessions/{room.session_id}/captions",
                    json={"text": caption_text(next(lines))},
                    headers=auth(data.secretariat),
                ).raise_for_status()

            late.update(
                timeline(
                    captions,
                    floors,
                    caption,
                    lambda: give_floor(chair, room.session_id, data.chair),
                )
            )

    ours = follow(
        shares(
            [b for b, _ in plenary],
            f"/v1/reports/{room.report_id}/stream",
            {"Last-Event-ID": str(start)},
        ),
        write_plenary,
        [pid for _, pid in plenary],
        events,
    )
    with httpx.Client(base_url=base, timeout=60) as client:
        end = last_event_id(client, room.report_id)
    sent = capture(base, room.report_id, start, end, None)
    caption_messages = [m for m in sent if b"\nevent: caption.added\n" in m]
    floor_messages = [m for m in sent if b"\nevent: caption.added\n" not in m]
    floor_groups = [
        b"".join(floor_messages[n : n + per_floor])
        for n in range(0, len(floor_messages), per_floor)
    ]

    def write_ceiling() -> None:
        publishers = [httpx.Client(base_url=b, timeout=60) for b, _ in bare]
        captions_left, floors_left = iter(caption_messages), iter(floor_groups)

        def publish(body: bytes) -> None:
            for publisher in publishers:
                publisher.post("/bare/publish?channel=public", content=body)

        late.update(
            {
                f"ceiling {k}": v
                for k, v in timeline(
                    captions,
                    floors,
                    lambda: publish(next(captions_left)),
                    lambda: publish(next(floors_left)),
                ).items()
            }
        )
        for publisher in publishers:
            publisher.close()

    ceiling = follow(
        shares([b for b, _ in bare], "/bare/stream?channel=public", {}),
        write_ceiling,
        [pid for _, pid in bare],
        events,
    )
    for name, run in (("plenary", ours), ("ceiling", ceiling)):
        if run.failed:
            print(f"  audience {name} failures: {run.failed}", file=sys.stderr)
    print(f"  worst lag per event (plenary): {ours.worst_by_event}", file=sys.stderr)
    print(f"  worst lag per event (ceiling): {ceiling.worst_by_event}", file=sys.stderr)
    honest = max(ours.client_busy, ceiling.client_busy) < 0.8
    p99, c99 = (
        percentile(ours.lags, 99) if ours.lags else float("inf"),
        percentile(ceiling.lags, 99) if ceiling.lags else float("inf"),
    )
    served = f"{ours.complete:,}/{subscribers:,} got all {events}"
    label = f"{subscribers:,} public subscribers" + (
        f" over {processes} processes" if processes > 1 else ", one process"
    )
    sizes = sorted({len(m) for m in caption_messages})
    return [
        Row(
            f"{label}: caption/2 s + floor/10 s, delivery p99",
            p99,
            "ms",
            c99,
            "bare StreamingResponse, same bytes, same client",
            f"< 1000 ms, all served ({served})",
            p99 < 1000 and ours.complete == subscribers,
        ),
        Row(
            "  the same, p50",
            percentile(ours.lags, 50) if ours.lags else float("inf"),
            "ms",
            percentile(ceiling.lags, 50) if ceiling.lags else None,
            "-",
            "(reported)",
            True,
        ),
        Row(
            "  the slowest event's last subscriber",
            max(ours.worst_by_event or [0]),
            "ms",
            max(ceiling.worst_by_event or [0]),
            "-",
            f"(reported; {events} events, caption message {sizes[0] if sizes else 0} B)",
            True,
        ),
        Row(
            "  server CPU per event (plenary: the write and its fan-out)",
            ours.server_cpu * 1000 / events,
            "ms",
            ceiling.server_cpu * 1000 / events,
            "-",
            "(reported)",
            True,
        ),
        Row(
            f"  client: busiest of {options.clients} processes' CPU share",
            max(ours.client_busy, ceiling.client_busy) * 100,
            "%",
            None,
            "-",
            f"< 80% (all attached in {ours.attach_seconds:.0f} s)",
            honest,
        ),
        Row(
            "  writer: latest write's start behind its schedule",
            max(late.get("captions", 0), late.get("floor", 0)),
            "ms",
            None,
            "-",
            "(reported)",
            True,
        ),
    ]


def timeline(
    captions: int, floors: int, caption: Callable[[], None], floor: Callable[[], None]
) -> dict[str, float]:
    """Captions every CAPTION_EVERY s and floor changes every FLOOR_EVERY s (from half a
    caption in), each on its own fixed schedule (open loop): how late each fell behind."""
    late: dict[str, float] = {}

    def floor_lane() -> None:
        time.sleep(CAPTION_EVERY / 2)
        late["floor"] = paced(FLOOR_EVERY, floors, [floor])

    other = threading.Thread(target=floor_lane)
    other.start()
    late["captions"] = paced(CAPTION_EVERY, captions, [caption])
    other.join()
    return late


# --- the live room ------------------------------------------------------------------------


@dataclass
class Night:
    report_id: int
    meeting_id: int
    amendments: list[int]  # proposed, in the order the chair takes them
    marks: dict[int, str]  # each amendment's unique word, in the text once adopted


def prepare_night(base: str, data: Seeded, count: int) -> Night:
    """The seeded report made public, a meeting in plenary session, and `count` amendments
    proposed by the members on different sections (each adds a word of its own); the first
    is on the floor."""
    amendments, marks = [], {}
    with httpx.Client(base_url=base, timeout=60) as client:
        chair = auth(data.chair)
        make_public(client, data.report_id, data.chair)
        opened = client.post(f"/v1/reports/{data.report_id}/meetings", json={}, headers=chair)
        opened.raise_for_status()
        for n in range(count):
            section_id = data.sections[n + 1]
            head = client.get(f"/v1/sections/{section_id}", headers=chair).json()
            mark = f"Adopted{n:04d}x"
            proposed = client.post(
                f"/v1/sections/{section_id}/amendments",
                json={
                    "base_version": head["head_version"],
                    "text": head["head"]["text"] + f" {mark}.",
                    "kind": "substantive",
                },
                headers=auth(data.members[n % len(data.members)]),
            )
            proposed.raise_for_status()
            amendments.append(proposed.json()["id"])
            marks[amendments[-1]] = mark
        floor_action(client, amendments[0], "floor", data.chair)
    return Night(data.report_id, opened.json()["id"], amendments, marks)


def floor_action(client: httpx.Client, amendment_id: int, action: str, token: str) -> None:
    """The chair's `action` (floor, adopt) on an amendment, naming the ETag it read."""
    read = client.get(f"/v1/amendments/{amendment_id}", headers=auth(token))
    client.post(
        f"/v1/amendments/{amendment_id}/{action}",
        headers={**auth(token), "If-Match": read.headers["etag"]},
    ).raise_for_status()


def room_rows(
    options: argparse.Namespace,
    base: str,
    bare: str,
    pids: tuple[int, int],
    data: Seeded,
    night: Night,
    workdir: Path,
    captured: dict[str, list[bytes]],
) -> list[Row]:
    rows: list[Row] = []
    members = [data.chair, *data.members]
    viewers = 200 if options.quick else 1000
    adoptions = 5 if options.quick else ADOPTIONS
    paces = ((REAL_NIGHT, adoptions), (REAL_NIGHT / 10, adoptions))
    for interval, adoptions in paces:
        taken = night.amendments[: adoptions + 1]
        del night.amendments[:adoptions]
        plenary_paths = {
            "report": f"/v1/reports/{night.report_id}",
            "floor": f"/v1/reports/{night.report_id}/floor",
            "amendments": f"/v1/reports/{night.report_id}/amendments",
            "consultations": f"/v1/reports/{night.report_id}/consultations",
        }
        with httpx.Client(base_url=base, timeout=60) as client:
            start = last_event_id(client, night.report_id)
        late: dict[str, float] = {}

        def chair_plenary(
            taken: list[int] = taken,
            late: dict[str, float] = late,
            interval: float = interval,
            adoptions: int = adoptions,
        ) -> None:
            with httpx.Client(base_url=base, timeout=60) as chair:
                turn = iter(range(adoptions))

                def adopt() -> None:
                    n = next(turn)
                    floor_action(chair, taken[n], "adopt", data.chair)
                    floor_action(chair, taken[n + 1], "floor", data.chair)

                late["plenary"] = paced(interval, adoptions, [adopt])

        ours = run_room(
            base=base,
            paths=plenary_paths,
            members=members,
            stream=f"/v1/reports/{night.report_id}/stream",
            public_stream=f"/v1/reports/{night.report_id}/stream",
            public=viewers,
            adoptions=adoptions,
            public_events=adoptions * len(captured["public"]),
            marks={str(k): v for k, v in night.marks.items()},
            ticket_path=f"/v1/reports/{night.report_id}/stream-tickets",
            last_event_id=start,
            chair=chair_plenary,
            pid=pids[0],
        )

        def chair_ceiling(
            late: dict[str, float] = late, interval: float = interval, adoptions: int = adoptions
        ) -> None:
            with httpx.Client(base_url=bare, timeout=60) as chair:

                def adopt() -> None:
                    # the adoption's commit, then the next amendment's: two writes each way
                    for n in range(2):
                        for channel in ("members", "public"):
                            chair.post(
                                f"/bare/publish?channel={channel}",
                                content=captured[f"{channel}{n}"][0],
                            )

                late["ceiling"] = paced(interval, adoptions, [adopt])

        room_id = night.report_id
        ceiling = run_room(
            base=bare,
            paths={
                "report": f"/bare/room/report/{room_id}",
                "floor": f"/bare/room/floor/{room_id}",
                "amendments": f"/bare/room/amendments/{room_id}",
                "consultations": f"/bare/room/consultations/{room_id}",
            },
            members=members,
            stream="/bare/stream?channel=members",
            public_stream="/bare/stream?channel=public",
            public=viewers,
            adoptions=adoptions,
            public_events=adoptions * len(captured["public"]),
            marks=None,
            ticket_path=None,
            last_event_id=None,
            chair=chair_ceiling,
            pid=pids[1],
        )
        rows += room_table(interval, adoptions, len(members), viewers, ours, ceiling, late)
    return rows


def run_room(chair: Callable[[], None], pid: int, **params: Any) -> dict[str, Any]:
    flag = Path(tempfile.mkstemp(prefix="bench-room-")[1])
    flag.unlink()
    out: dict[str, Any] = {}
    thread = run_client_async("room", {**params, "ready": str(flag)}, out)
    deadline = time.monotonic() + 120
    while not flag.exists() and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    cpu = cpu_seconds(pid)
    chair()
    thread.join(600)
    out["server_cpu"] = cpu_seconds(pid) - cpu
    flag.unlink(missing_ok=True)
    Path(str(flag) + ".public").unlink(missing_ok=True)
    if out.get("failed"):
        print(f"  room failures: {out['failed']}", file=sys.stderr)
    return out


def room_table(
    interval: float,
    adoptions: int,
    members: int,
    viewers: int,
    ours: dict[str, Any],
    ceiling: dict[str, Any],
    late: dict[str, float],
) -> list[Row]:
    worst, cworst = ours.get("last_member", []), ceiling.get("last_member", [])
    p99 = percentile(worst, 99) if worst else float("inf")
    c99 = percentile(cworst, 99) if cworst else None
    held = ours.get("members_held", 0)
    real = interval >= REAL_NIGHT
    pace = f"1 adoption/{interval:g} s" + (" (real night, compressed)" if real else " (10x)")
    print(f"  room {pace}: last member per adoption {[round(x) for x in worst]}", file=sys.stderr)
    print(f"  room {pace} ceiling: {[round(x) for x in cworst]}", file=sys.stderr)
    busy = max(ours.get("client_busy", 1.0), ceiling.get("client_busy", 1.0))
    return [
        Row(
            f"live room, {members} members + {viewers:,} public, {pace}: last member holds "
            "the new text, p99",
            p99,
            "ms",
            c99,
            "bare fan-out + bare reads, same bytes, same client",
            ("< 250 ms" if real else "(reported)")
            + f", all held ({held}/{members} got all {adoptions})",
            (p99 < 250 or not real) and held == members,
        ),
        Row(
            "  the same, p50",
            percentile(worst, 50) if worst else float("inf"),
            "ms",
            percentile(cworst, 50) if cworst else None,
            "-",
            "(reported)",
            True,
        ),
        Row(
            "  every member, p99",
            ours.get("every_p99", float("inf")),
            "ms",
            ceiling.get("every_p99"),
            "-",
            "(reported)",
            True,
        ),
        Row(
            "  member reads per adoption",
            ours.get("reads", 0) / max(1, adoptions),
            "req",
            ceiling.get("reads", 0) / max(1, adoptions),
            "-",
            f"(reported; refreshes {ours.get('refreshes', 0) / max(1, adoptions):.0f}, "
            f"not yet holding {ours.get('stale', 0)})",
            True,
        ),
        Row(
            "  public viewers: delivery p99",
            ours.get("public_p99", float("inf")),
            "ms",
            ceiling.get("public_p99"),
            "-",
            f"(reported; {ours.get('public_complete', 0)}/{viewers} got all)",
            True,
        ),
        Row(
            "  server CPU per adoption",
            ours.get("server_cpu", 0) * 1000 / adoptions,
            "ms",
            ceiling.get("server_cpu", 0) * 1000 / adoptions,
            "-",
            "(reported)",
            True,
        ),
        Row(
            "  client CPU share; chair behind its schedule",
            busy * 100,
            "%",
            None,
            "-",
            f"< 80%; chair {late.get('plenary', 0):.0f} ms late",
            busy < 0.8,
        ),
    ]


def capture_room(base: str, data: Seeded, night: Night, directory: Path) -> dict[str, list[bytes]]:
    """One adoption and the next amendment put on the floor, as plenary's streams sent them
    (members' and public bytes, each commit's events apart), and a member's answers to the
    reads a refresh makes (the floor whole, and its delta after the adoption), written for
    the bare reads."""
    directory.mkdir(parents=True, exist_ok=True)
    member = auth(data.members[0])
    with httpx.Client(base_url=base, timeout=60) as client:
        reads = {
            "report": f"/v1/reports/{night.report_id}",
            "floor": f"/v1/reports/{night.report_id}/floor",
            "amendments": f"/v1/reports/{night.report_id}/amendments?after=0&limit=500",
            "consultations": f"/v1/reports/{night.report_id}/consultations?after=0&limit=500",
        }
        for name, path in reads.items():
            answer = client.get(path, headers=member)
            answer.raise_for_status()
            (directory / f"{name}.json").write_bytes(answer.content)
        through = json.loads((directory / "floor.json").read_bytes())["texts_through"]
        ids = [last_event_id(client, night.report_id)]
        floor_action(client, night.amendments[0], "adopt", data.chair)
        # What a member reads after an adoption: the floor's delta since the texts it held.
        delta = client.get(f"{reads['floor']}?texts_after={through}", headers=member)
        delta.raise_for_status()
        (directory / "floor_delta.json").write_bytes(delta.content)
        ids.append(last_event_id(client, night.report_id))
        floor_action(client, night.amendments[1], "floor", data.chair)
        ids.append(last_event_id(client, night.report_id))
    del night.amendments[0]
    out: dict[str, list[bytes]] = {}
    for channel, token in (("members", data.members[0]), ("public", None)):
        messages = capture(base, night.report_id, ids[0], ids[2], token)
        cut = next(n for n, m in enumerate(messages) if int(m[4 : m.index(b"\n")]) > ids[1])
        out[f"{channel}0"] = [b"".join(messages[:cut])]
        out[f"{channel}1"] = [b"".join(messages[cut:])]
        out[channel] = messages
    return out


# --- main ---------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.audience")
    parser.add_argument("--database", help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--output", default=str(ROOT / "bench" / "results" / "audience.json"))
    parser.add_argument("--quick", action="store_true", help="smaller loads (a smoke run)")
    parser.add_argument("--only", nargs="*", choices=MEASUREMENTS, help="default: both")
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=2, help="subscriber client processes")
    parser.add_argument("--seconds", type=float, default=30.0, help="the audience run's length")
    parser.add_argument(
        "--processes",
        type=int,
        default=1,
        help="plenary processes on the database for the audience (PostgreSQL only)",
    )
    options = parser.parse_args()
    if options.processes > 1 and not options.database:
        sys.exit("--processes needs --database postgresql+psycopg://...: SQLite is one process.")
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    chosen = set(options.only or MEASUREMENTS)

    from app.config import Settings
    from app.migrate import upgrade
    from app.wiring import open_database

    workdir = Path(tempfile.mkdtemp(prefix="plenary-audience-"))
    url = options.database or f"sqlite:///{workdir / 'bench.db'}"
    upgrade(Settings(database_url=url))
    database = open_database(url)
    started = time.perf_counter()
    data = seed(database, deep=10)
    database.dispose()
    print(f"seeded in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    env = {**os.environ, "PLENARY_DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    rows: list[Row] = []
    with servers(options.processes, "app.main:create_app --factory", env, "/healthz") as plenary:
        base = plenary[0][0]
        count = 2 * (5 if options.quick else ADOPTIONS) + 3
        night = prepare_night(base, data, count) if "room" in chosen else None
        captured: dict[str, list[bytes]] = {}
        room_dir = workdir / "room"
        if night is not None:
            captured = capture_room(base, data, night, room_dir)
        bare_env = {**env, "PLENARY_BENCH_ROOM": str(room_dir)}
        with servers(options.processes, "bench.bare:app", bare_env, "/bare") as bare:
            if "audience" in chosen:
                rows += audience(options, plenary, bare, data)
            if night is not None:
                rows += room_rows(
                    options,
                    base,
                    bare[0][0],
                    (plenary[0][1], bare[0][1]),
                    data,
                    night,
                    workdir,
                    captured,
                )
    report(rows, argparse.Namespace(output=options.output, workers=options.processes), url)
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
