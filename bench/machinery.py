"""`python -m bench --only machinery`: what each piece of plenary's machinery buys.

For each cache, gate, worker and prepare step there is a setting that switches it off (the
code then takes the plain path: app/config.py). Each row starts plenary twice at once, with
the setting on and with it off, each on a fresh copy of the same seeded database (a file
copied on SQLite, `CREATE DATABASE ... TEMPLATE` on PostgreSQL), and sends both the same
requests, made before either run from that database (`Plan`): same paths, same tokens, same
bodies. The plan is cut into small blocks, and the blocks alternate between the two servers
(on, off, off, on, ...), so that both see the same load of a shared machine: a figure is
reported with the ratio of each block and a bootstrap interval over the blocks, and a piece
"buys" only when that interval lies above 1. Both runs must get the same statuses (a path
that failed fast would flatter the setting that broke it); `tests/test_bench_machinery.py`
replays every plan through the app with the setting on and off and compares the requests
and the answers.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from app.config import Settings
from app.db import Database
from app.migrate import upgrade
from app.reports.models import Section, Version
from app.wiring import open_database
from bench.seed import Seeded, seed

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "corpus"


@dataclass(frozen=True)
class Step:
    """One request of a plan: the same in the run with the setting on and the one with it off.
    `block`: the steps of one block run together on one server before the other server runs
    the same block; `lane` and `tag` (drive `mixed`): steps of different lanes run at once,
    and the timed samples are kept by tag."""

    method: str
    path: str
    token: str
    body: Any = None
    expect: int = 200
    timed: bool = True
    block: int = 0
    lane: int = 0
    tag: str = "timed"


@dataclass(frozen=True)
class Figure:
    """What a row reports: `stat` (p50, p99, max, mean) of the samples tagged `tag`, in each
    block and over all of them."""

    name: str
    tag: str = "timed"
    stat: str = "p50"
    unit: str = "ms"  # ms: lower is better; req/s: higher is better


@dataclass
class Plan:
    """What a row sends. `steps` run in order (`timed` ones are measured), block by block;
    `drive` names how a block's timed steps are driven: `each` (one after the other), `wrk`
    (the block's one timed GET again and again for `seconds`), `burst` (all timed steps at
    once), `probe` (GETs of the first timed step while the block's last untimed step, a long
    diff, runs), `streams` (subscribers follow the report the first block imported while the
    block's timed steps are written at a fixed pace), `mixed` (each lane's steps one after
    the other, all lanes at once)."""

    steps: list[Step]
    drive: str = "each"
    params: dict[str, Any] = field(default_factory=dict)
    figures: list[Figure] = field(default_factory=lambda: [Figure("p50")])

    def blocks(self) -> list[list[Step]]:
        out: list[list[Step]] = []
        for step in self.steps:
            if not out or out[-1][0].block != step.block:
                out.append([])
            out[-1].append(step)
        return out


@dataclass(frozen=True)
class Switch:
    setting: str  # the Settings field (env PLENARY_<SETTING>)
    serves: str  # the row it exists for
    plan: Callable[[Database, Seeded], Plan]
    sqlite_only: bool = False
    extra: tuple[tuple[str, str], ...] = ()  # other settings, the same on both servers
    thorough: bool = False  # a row that explains another (a threshold, a variant): not --quick


# --- plans: made from the seeded database before either run ------------------------------


def _heads(database: Database, sections: list[int]) -> dict[int, tuple[int, str]]:
    with database.session(write=False) as session:
        rows = session.execute(
            select(Section.id, Section.head_version, Version.text)
            .join(Version, Version.section_id == Section.id)
            .where(Section.id.in_(sections), Version.number == Section.head_version)
        )
        return {r.id: (r.head_version, r.text) for r in rows}


def kept_reads(database: Database, data: Seeded) -> Plan:
    """The read cache's row: a kept answer read again and again (wrk, one URL, one token),
    in 4 blocks of 2 s."""
    path = f"/v1/sections/{data.big_section}"
    steps = [Step("GET", path, data.chair, timed=False)]
    steps += [Step("GET", path, data.chair, block=1 + n) for n in range(4)]
    return Plan(steps, "wrk", {"seconds": 2}, [Figure("rate", stat="mean", unit="req/s")])


def reads_after_writes(database: Database, data: Seeded) -> Plan:
    """The outline cache's row: a section changed (untimed), then read by four members in
    turn, as a room reads after a write; 20 sections, 4 to a block."""
    sections = data.sections[10:30]
    heads = _heads(database, sections)
    steps = []
    for n, section_id in enumerate(sections):
        version, body = heads[section_id]
        steps.append(
            Step(
                "POST",
                f"/v1/sections/{section_id}/versions",
                data.secretariat,
                {"base_version": version, "text": f"{body.rstrip()} Changed {n}."},
                201,
                timed=False,
                block=n // 4,
            )
        )
        for k in range(4):
            reader = data.members[(n * 4 + k) % len(data.members)]
            steps.append(Step("GET", f"/v1/sections/{section_id}", reader, block=n // 4))
    return Plan(steps)


def _one_word_proposals(
    database: Database, data: Seeded, count: int, per_block: int
) -> list[list[Step]]:
    version, body = _heads(database, [data.big_section])[data.big_section]
    words = body.split(" ")
    out = []
    for n in range(count):
        changed = list(words)
        changed[(n * 37) % len(changed)] = f"amended{n}"
        out.append(
            [
                Step(
                    "POST",
                    f"/v1/sections/{data.big_section}/amendments",
                    data.members[n % len(data.members)],
                    {"base_version": version, "text": " ".join(changed), "kind": "substantive"},
                    201,
                    block=n // per_block,
                    tag="propose",
                )
            ]
        )
    return out


def proposals(database: Database, data: Seeded) -> Plan:
    """One-word edits of the 20 KB section, one after the other (the propose row), 64 in
    blocks of 4."""
    steps = [s for group in _one_word_proposals(database, data, 64, 4) for s in group]
    return Plan(steps, figures=[Figure("propose p50", "propose")])


def proposals_and_room_reads(database: Database, data: Seeded) -> Plan:
    """The deadline watch's row: the propose row, each proposal followed by the reads a
    member's page makes of the meeting and amendment routes (every one of them settles
    passed deadlines first: `settle_before_request`), 48 rounds in blocks of 4. On SQLite the
    kept-answer front answers the report, its floor and its list before routing only while
    the watch says nothing is due: without the watch it passes every read to the app."""
    report = data.report_id
    reads = [
        "/v1/amendments/{last}",
        "/v1/amendments/{last}/preview",
        f"/v1/reports/{report}",
        f"/v1/reports/{report}/floor",
        f"/v1/reports/{report}/amendments",
        f"/v1/reports/{report}/meetings",
        f"/v1/reports/{report}/threads",
    ]
    steps = []
    for n, (propose,) in enumerate(_one_word_proposals(database, data, 48, 4)):
        steps.append(propose)
        reader = data.members[(n + 7) % len(data.members)]
        steps += [Step("GET", path, reader, block=propose.block, tag="read") for path in reads]
    return Plan(
        steps,
        figures=[Figure("propose p50", "propose"), Figure("reads p50", "read")],
    )


def concurrent_proposals(database: Database, data: Seeded) -> Plan:
    """The write gate's row: every member proposes on one ~1 KB section at the same moment
    (the bodies travel to the client process in its arguments); 4 rounds, each on its own
    section, a round to a block; the figure is the slowest of a round."""
    sections = data.sections[5:9]
    heads = _heads(database, sections)
    steps = []
    for block, section_id in enumerate(sections):
        version, body = heads[section_id]
        steps += [
            Step(
                "POST",
                f"/v1/sections/{section_id}/amendments",
                token,
                {"base_version": version, "text": f"{body} Together {n}.", "kind": "substantive"},
                201,
                block=block,
            )
            for n, token in enumerate(data.members)
        ]
    return Plan(steps, "burst", figures=[Figure("slowest", stat="p50")])


def _unrelated(seed_value: int, size: int) -> str:
    rng = random.Random(seed_value)
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz     ") for _ in range(size))


def reads_during_a_long_diff(database: Database, data: Seeded) -> Plan:
    """The text worker's row: reads of a small section while two unrelated 200 KB texts are
    diffed (the diff's own timeout bounds it), in a report the plan imports; 3 blocks, each
    a diff of two versions no block has diffed."""
    blocks = 3
    steps = [
        Step(
            "POST",
            f"/v1/groups/{data.group_id}/reports/import",
            data.secretariat,
            {"markdown": "# Worst case\n\n" + _unrelated(0, 200_000)},
            201,
            timed=False,
        )
    ]
    steps += [
        Step(
            "POST",
            "/v1/sections/{s0}/versions",
            data.secretariat,
            {"base_version": 1 + n, "text": _unrelated(1 + n, 200_000)},
            201,
            timed=False,
        )
        for n in range(blocks)
    ]
    for n in range(blocks):
        steps += [
            Step("GET", f"/v1/sections/{data.section_10}", data.chair, block=1 + n),
            Step(
                "GET",
                f"/v1/sections/{{s0}}/diff?from={1 + n}&to={2 + n}",
                data.chair,
                timed=False,
                block=1 + n,
            ),
        ]
    return Plan(steps, "probe", {"seconds": 3.0}, [Figure("GET p99", stat="p99")])


def streams(database: Database, data: Seeded) -> Plan:
    """Stream standings' row: 200 streams of a fresh report (half with names, half without)
    while its four sections get 20 versions at one per 50 ms; 2 blocks, each with streams
    of its own."""
    lanes, blocks, per_block = 4, 2, 20
    steps = [
        Step(
            "POST",
            f"/v1/groups/{data.group_id}/reports/import",
            data.secretariat,
            {"markdown": "".join(f"# Live {n}\n\nVersion 1.\n\n" for n in range(lanes))},
            201,
            timed=False,
        )
    ]
    for n in range(blocks * per_block):
        lane, number = n % lanes, 1 + n // lanes
        steps.append(
            Step(
                "POST",
                f"/v1/sections/{{s{lane}}}/versions",
                data.secretariat,
                {"base_version": number, "text": f"Version {number + 1}."},
                201,
                block=1 + n // per_block,
            )
        )
    readers = [t for pair in zip(data.members, data.observers, strict=False) for t in pair]
    return Plan(
        steps,
        "streams",
        {"subscribers": 200, "interval": 0.05, "lanes": lanes, "tokens": readers},
        [Figure("delivery p99 (median of blocks)")],
    )


# The real-size rewording: a document of the committed corpus (tests/data/corpus) with the
# changes made to it between two releases, all filed as one wording.
REWORDED = "django-admin"


def _reworded(size: int | None) -> tuple[str, list[str]]:
    """The base (cut to its first `size` characters) and wordings of it that each make all
    the document's real changes inside that cut but one (a different one each)."""
    folder = CORPUS / REWORDED
    base = (folder / "base.txt").read_text(encoding="utf-8")
    changes = json.loads((folder / "changes.json").read_text(encoding="utf-8"))
    cut = len(base) if size is None else size
    inside = sorted(
        ((c["start"], c["end"], c["replacement"]) for c in changes if c["end"] <= cut),
        reverse=True,
    )
    base = base[:cut]
    wordings = []
    for left_out in range(len(inside)):
        text_ = base
        for n, (start, end, replacement) in enumerate(inside):
            if n != left_out:
                text_ = text_[:start] + replacement + text_[end:]
        wordings.append(text_)
    return base, wordings


def long_wordings(size: int | None, blocks: int = 4) -> Callable[[Database, Seeded], Plan]:
    """The prepare step's and the known versions' row: in each block one member files two
    long rewordings (a real document's changes between two releases, `size` characters of
    it; None: the whole document) while four others each file six one-word edits of ~1 KB
    sections of the same report, all at once, each member one every 100 ms at most (the
    short ones at offsets into the interval). Figures: the short proposals' p99 and slowest,
    the long ones' p50. On SQLite every write takes the one lock; on PostgreSQL both kinds
    lock the report's row: diffing the long wording inside the lock holds up the short ones."""

    def plan(database: Database, data: Seeded) -> Plan:
        base, wordings = _reworded(size)
        shorts = 8
        short_text = " ".join(f"Short paragraph text number {n}." for n in range(30))
        markdown = "# Long\n\nPlaceholder.\n\n" + "".join(
            f"# Short {n}\n\n{short_text}\n\n" for n in range(shorts)
        )
        steps = [
            Step(
                "POST",
                f"/v1/groups/{data.group_id}/reports/import",
                data.secretariat,
                {"markdown": markdown},
                201,
                timed=False,
            ),
            Step(
                "POST",
                "/v1/sections/{s0}/versions",
                data.secretariat,
                {"base_version": 1, "text": base},
                201,
                timed=False,
            ),
        ]
        words = short_text.split(" ")
        for block in range(blocks):
            for n in range(2):
                steps.append(
                    Step(
                        "POST",
                        "/v1/sections/{s0}/amendments",
                        data.members[0],
                        {
                            "base_version": 2,
                            "text": wordings[(block * 2 + n) % len(wordings)],
                            "kind": "substantive",
                        },
                        201,
                        block=1 + block,
                        lane=0,
                        tag="long",
                    )
                )
            for lane in range(1, 5):
                for n in range(6):
                    changed = list(words)
                    changed[(block * 31 + n * 7 + lane) % len(changed)] = f"edit{block}x{n}"
                    steps.append(
                        Step(
                            "POST",
                            f"/v1/sections/{{s{1 + (lane + n) % shorts}}}/amendments",
                            data.members[lane],
                            {"base_version": 1, "text": " ".join(changed), "kind": "substantive"},
                            201,
                            block=1 + block,
                            lane=lane,
                            tag="short",
                        )
                    )
        return Plan(
            steps,
            "mixed",
            {"pace": 0.1},
            figures=[
                Figure("short p99", "short", "p99"),
                Figure("short slowest", "short", "max"),
                Figure("long p50", "long", "p50"),
            ],
        )

    return plan


def _kb(size: int | None) -> str:
    return "134 KB" if size is None else f"{size // 1000} KB"


# The control: a "setting" plenary does not have (Settings ignores it), so both servers are
# alike. Its interval shows how far the two sides of a row stray with nothing to tell them
# apart: a row whose interval is no wider than this control's is as sharp as this machine
# allows.
CONTROL = "control"

SWITCHES = [
    Switch(CONTROL, "A/A: the propose row, both servers alike", proposals),
    Switch(CONTROL, "A/A: a real rewording (134 KB) during short proposals",
           long_wordings(None), thorough=True),
    Switch("read_cache", "GET a 20 KB section, kept answer (wrk)", kept_reads),
    Switch("outline_cache", "GET a section just changed, 4 members in turn", reads_after_writes),
    Switch("known_versions", "propose, one-word edit of 20 KB", proposals),
    Switch("known_versions", "a real rewording (134 KB) during short proposals",
           long_wordings(None)),
    Switch("prepare_writes", "propose, one-word edit of 20 KB", proposals),
    *(
        Switch("prepare_writes", f"a real rewording ({_kb(size)}) during short proposals",
               long_wordings(size), thorough=size is not None)
        for size in (15_000, 45_000, None)
    ),
    Switch("prepare_writes", "the same, 134 KB, text worker off on both sides",
           long_wordings(None), extra=(("text_worker", "false"),), thorough=True),
    Switch("deadline_watch", "propose + the room's meeting/amendment reads",
           proposals_and_room_reads, sqlite_only=True),
    Switch("deadline_watch", "the same, kept-answer front off on both sides",
           proposals_and_room_reads, sqlite_only=True, extra=(("kept_answer_front", "false"),),
           thorough=True),
    Switch("write_gate", "39 concurrent proposals, 1 KB section", concurrent_proposals),
    Switch("text_worker", "GET during a worst-case diff (200 KB)", reads_during_a_long_diff),
    Switch("text_worker", "a real rewording (134 KB) during short proposals",
           long_wordings(None)),
    Switch("stream_standings", "200 streams, 1 version/50 ms", streams),
]  # fmt: skip


# --- running a plan -----------------------------------------------------------------------


Logged = tuple[str, str, str, int]  # method, path, body as sent, status

# What a run learned from its answers, by name, for the paths of later steps: `{s0}` ... the
# sections of the report a plan imported, `{last}` the id of the last thing created. The
# database gives them; both runs start from the same copy, so they get the same ones.
Names = dict[str, int]
_imported: Names = {}  # for callers that drive one run (tests/test_bench_machinery.py)


def _path(step: Step, names: Names | None = None) -> str:
    return (
        step.path.format(**(_imported if names is None else names))
        if "{" in step.path
        else step.path
    )


def _send(client: httpx.Client, step: Step, names: Names | None = None) -> httpx.Response:
    names = _imported if names is None else names
    response = client.request(
        step.method,
        _path(step, names),
        json=step.body,
        headers={"Authorization": f"Bearer {step.token}"},
    )
    if step.method == "POST" and response.status_code == 201:
        answer = response.json()
        if step.path.endswith("/reports/import"):
            names.clear()
            names.update({f"s{n}": s["id"] for n, s in enumerate(answer["outline"])})
            names["report"] = answer["id"]
        if isinstance(answer, dict) and isinstance(answer.get("id"), int):
            names["last"] = answer["id"]
    return response


def _log(step: Step, status: int, names: Names | None = None) -> Logged:
    return (step.method, _path(step, names), json.dumps(step.body, sort_keys=True), status)


Samples = dict[str, list[float]]  # timed round trips (ms) or rates, by tag


@dataclass
class Side:
    """One of the two servers of a row: its setting's value, where it listens, and what it
    was sent and answered so far."""

    value: str
    base: str
    pid: int
    client: httpx.Client
    names: Names = field(default_factory=dict)
    log: list[Logged] = field(default_factory=list)


def run_steps(side: Side, steps: list[Step]) -> Samples:
    """Each step in order; the timed ones' round trips in ms, by tag."""
    samples: Samples = {}
    for step in steps:
        began = time.perf_counter()
        response = _send(side.client, step, side.names)
        took = (time.perf_counter() - began) * 1000
        if step.timed:
            samples.setdefault(step.tag, []).append(took)
        side.log.append(_log(step, response.status_code, side.names))
    return samples


def run_block(plan: Plan, block: list[Step], side: Side) -> Samples:
    """One block of the plan on one server: the figures' samples, by tag."""
    from bench.__main__ import run_client, wrk

    setup = [s for s in block if not s.timed]
    timed = [s for s in block if s.timed]
    if not timed or plan.drive == "each":
        return run_steps(side, block)
    if plan.drive == "wrk":
        run_steps(side, setup)
        step = timed[0]
        rate = wrk(
            f"{side.base}{_path(step, side.names)}",
            {"Authorization": f"Bearer {step.token}"},
            plan.params["seconds"],
            64,
        )
        side.log.append(_log(step, _send(side.client, step, side.names).status_code, side.names))
        return {step.tag: [rate]}
    if plan.drive == "burst":
        run_steps(side, setup)
        result = run_client(
            "burst",
            base=side.base,
            path=_path(timed[0], side.names),
            tokens=[s.token for s in timed],
            bodies=[s.body for s in timed],
        )
        side.log += [
            _log(s, int(status), side.names)
            for s, status in zip(timed, result["statuses"], strict=True)
        ]
        return {timed[0].tag: [float(result["max_ms"])]}
    if plan.drive == "probe":
        run_steps(side, setup[:-1])
        probe: dict[str, Any] = {}
        step = timed[0]
        started = threading.Event()

        def run_probe() -> None:
            started.set()
            probe.update(
                run_client(
                    "probe",
                    base=side.base,
                    path=_path(step, side.names),
                    token=step.token,
                    seconds=plan.params["seconds"],
                )
            )

        prober = threading.Thread(target=run_probe)
        prober.start()
        started.wait(10)
        time.sleep(0.5)  # the probe's process is started and reading
        run_steps(side, setup[-1:])
        prober.join(120)
        side.log.append(_log(step, 200 if probe.get("n") else 0, side.names))
        return {step.tag: [float(v) for v in probe.get("samples", [float("inf")])]}
    if plan.drive == "streams":
        return _streams(plan, block, side)
    if plan.drive == "mixed":
        return _mixed(block, side, plan.params.get("pace", 0.0))
    raise ValueError(plan.drive)


def _mixed(block: list[Step], side: Side, pace: float) -> Samples:
    """The block's untimed steps, then each lane's timed steps one after the other, all the
    lanes at once (each with a connection of its own), each lane one step per `pace` seconds
    at most (0: each as soon as the one before is answered)."""
    run_steps(side, [s for s in block if not s.timed])
    timed = [s for s in block if s.timed]
    lanes = sorted({s.lane for s in timed})
    statuses: dict[int, int] = {}
    took: dict[int, float] = {}
    ready = threading.Barrier(len(lanes))

    def lane(number: int) -> None:
        mine = [(i, s) for i, s in enumerate(timed) if s.lane == number]
        with httpx.Client(base_url=side.base, timeout=120) as client:
            client.get("/healthz")  # connected before the lanes start together
            ready.wait(30)
            began = time.perf_counter()
            for n, (i, step) in enumerate(mine):
                if pace:
                    # Each lane on a fixed schedule, its own offset into the interval (or
                    # as soon as its last is answered, when that is later): short edits
                    # arrive all through the long ones, as a room's do.
                    due = began + pace * (n + number / len(lanes))
                    time.sleep(max(0.0, due - time.perf_counter()))
                sent = time.perf_counter()
                # Names are only read here: a lane's POSTs create amendments, not reports.
                statuses[i] = _send(client, step, dict(side.names)).status_code
                took[i] = (time.perf_counter() - sent) * 1000

    threads = [threading.Thread(target=lane, args=(n,)) for n in lanes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    samples: Samples = {}
    for i, step in enumerate(timed):
        side.log.append(_log(step, statuses.get(i, 0), side.names))
        if i in took:
            samples.setdefault(step.tag, []).append(took[i])
    return samples


def _streams(plan: Plan, block: list[Step], side: Side) -> Samples:
    from bench.__main__ import paced, subscribe_all

    timed = [s for s in block if s.timed]
    lanes = plan.params["lanes"]
    statuses: dict[int, int] = {}
    report_id = side.names["report"]

    def writer() -> None:
        writers = [httpx.Client(base_url=side.base, timeout=60) for _ in range(lanes)]

        def lane_of(j: int) -> Callable[[], None]:
            mine = iter([(i, s) for i, s in enumerate(timed) if i % lanes == j])

            def post() -> None:
                i, step = next(mine)
                statuses[i] = _send(writers[j], step, dict(side.names)).status_code

            return post

        paced(plan.params["interval"], len(timed), [lane_of(j) for j in range(lanes)])
        for w in writers:
            w.close()

    run = subscribe_all(
        1,
        plan.params["subscribers"],
        writer,
        side.pid,
        base=side.base,
        path=f"/v1/reports/{report_id}/stream",
        events=len(timed),
        ticket_path=f"/v1/reports/{report_id}/stream-tickets",
        tokens=plan.params["tokens"],
    )
    side.log += [_log(s, statuses.get(i, 0), side.names) for i, s in enumerate(timed)]
    if run.complete != plan.params["subscribers"]:
        side.log.append(("STREAMS", "incomplete", str(run.complete), 0))
    return {timed[0].tag: [run.p99]}


def _quiet(side: Side, limit: float = 10.0) -> None:
    """Until the server (and its text worker) has stopped working on the block it was sent:
    a server still closing 200 streams, or diffing, would slow the other side's block, and
    the second of each pair would pay for the first."""
    from bench.__main__ import cpu_seconds

    deadline = time.monotonic() + limit
    used = cpu_seconds(side.pid)
    while time.monotonic() < deadline:
        time.sleep(0.2)
        now = cpu_seconds(side.pid)
        if now - used < 0.02:  # under a tenth of a core over the last 200 ms
            return
        used = now


def interleave(plan: Plan, on: Side, off: Side) -> list[tuple[Samples, Samples]]:
    """Every block on both servers, one after the other, the first of each pair alternating
    (on, off; off, on; ...) so that a change in the machine's load falls on both alike. The
    samples of each block that has timed steps, (on, off)."""
    out = []
    timed_blocks = 0
    for block in plan.blocks():
        if not any(s.timed for s in block):
            run_block(plan, block, on)
            run_block(plan, block, off)
            continue
        first, second = (on, off) if timed_blocks % 2 == 0 else (off, on)
        got = {first.value: run_block(plan, block, first)}
        if plan.drive != "each":
            _quiet(first)
        got[second.value] = run_block(plan, block, second)
        if plan.drive != "each":
            _quiet(second)
        out.append((got[on.value], got[off.value]))
        timed_blocks += 1
    return out


# --- figures: each block's ratio, and an interval over the blocks --------------------------


def statistic(values: list[float], stat: str) -> float:
    from bench.__main__ import percentile

    if not values:
        return float("inf")
    if stat == "p50":
        return float(statistics.median(values))
    if stat == "p99":
        return percentile(values, 99)
    if stat == "max":
        return max(values)
    if stat == "mean":
        return statistics.fmean(values)
    raise ValueError(stat)


@dataclass
class Figured:
    figure: Figure
    on: float
    off: float
    blocks: list[float]  # what it buys in each block
    low: float  # 90% bootstrap interval of what it buys, resampling whole blocks
    high: float

    @property
    def buys(self) -> float:
        return _buys(self.figure, self.on, self.off)

    @property
    def verdict(self) -> str:
        if self.low > 1.0:
            return "buys"
        if self.high < 1.0:
            return "costs"
        return "noise"


def _buys(figure: Figure, on: float, off: float) -> float:
    """How many times better the row is with the piece on (> 1: it earns its place)."""
    if figure.unit == "req/s":
        return on / off if off else float("inf")
    return off / on if on else float("inf")


def figured(figure: Figure, pairs: list[tuple[Samples, Samples]], draws: int = 2000) -> Figured:
    ons = [on.get(figure.tag, []) for on, _off in pairs]
    offs = [off.get(figure.tag, []) for _on, off in pairs]

    def over(chosen: list[int]) -> float:
        on = statistic([v for i in chosen for v in ons[i]], figure.stat)
        off = statistic([v for i in chosen for v in offs[i]], figure.stat)
        return _buys(figure, on, off)

    everything = list(range(len(pairs)))
    rng = random.Random(35)
    drawn = sorted(over(rng.choices(everything, k=len(pairs))) for _ in range(draws))
    return Figured(
        figure,
        statistic([v for block in ons for v in block], figure.stat),
        statistic([v for block in offs for v in block], figure.stat),
        [over([i]) for i in everything],
        drawn[int(0.05 * (draws - 1))],
        drawn[int(0.95 * (draws - 1))],
    )


# --- databases: one seeded template, a fresh copy per run ---------------------------------


class Copies:
    """A seeded database and fresh copies of it, one per run of plenary."""

    def __init__(self, url: str | None, workdir: Path) -> None:
        self.workdir = workdir
        self.made: list[str] = []
        if url is None or url.startswith("sqlite"):
            self.template = f"sqlite:///{workdir / 'machinery.db'}"
            self.admin = None
        else:
            parsed = make_url(url)
            self.admin = parsed.set(database="postgres")
            self.base_name = f"{parsed.database}_machinery"
            self.template = parsed.set(database=self.base_name).render_as_string(
                hide_password=False
            )
            self._sql(f'DROP DATABASE IF EXISTS "{self.base_name}"')
            self._sql(f'CREATE DATABASE "{self.base_name}"')

    def _sql(self, statement: str) -> None:
        engine = create_engine(self.admin, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(statement))
        engine.dispose()

    def seed(self, **sizes: Any) -> Seeded:
        """The template: the bench's usual room and report (`sizes`: smaller, for a test)."""
        upgrade(Settings(database_url=self.template))
        database = open_database(self.template)
        try:
            return seed(database, deep=10, **sizes)
        finally:
            if database.is_sqlite:  # the whole database in its file, for the copies
                with database.engine.connect() as connection:
                    connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            database.dispose()

    def fresh(self) -> str:
        n = len(self.made)
        if self.admin is None:
            copy = self.workdir / f"run{n}.db"
            shutil.copyfile(self.workdir / "machinery.db", copy)
            url = f"sqlite:///{copy}"
        else:
            name = f"{self.base_name}_{n}"
            self._sql(f'DROP DATABASE IF EXISTS "{name}"')
            self._sql(f'CREATE DATABASE "{name}" TEMPLATE "{self.base_name}"')
            url = make_url(self.template).set(database=name).render_as_string(hide_password=False)
        self.made.append(url)
        return url

    def drop(self, url: str) -> None:
        if self.admin is None:
            Path(make_url(url).database or "").unlink(missing_ok=True)
        else:
            self._sql(f'DROP DATABASE IF EXISTS "{make_url(url).database}"')

    def close(self) -> None:
        if self.admin is not None:
            self._sql(f'DROP DATABASE IF EXISTS "{self.base_name}"')


@contextmanager
def plenaries(runs: list[tuple[str, dict[str, str]]]) -> Iterator[list[tuple[str, int]]]:
    """A plenary server for each (database URL, settings), all started at once: (base URL,
    pid) of each once every one answers its health check."""
    from bench.__main__ import free_port

    processes: list[subprocess.Popen[bytes]] = []
    bases = []
    try:
        for url, settings in runs:
            port = free_port()
            env = {**os.environ, "PLENARY_DATABASE_URL": url, "PYTHONPATH": str(ROOT), **settings}
            command = [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory"]
            command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
            command += ["--loop", "uvloop", "--http", "httptools"]
            processes.append(
                subprocess.Popen(
                    command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
                )
            )
            bases.append(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + 90
        waiting = set(range(len(bases)))
        while waiting:
            for n in sorted(waiting):
                try:
                    if httpx.get(f"{bases[n]}/healthz", timeout=1).status_code == 200:
                        waiting.discard(n)
                except httpx.TransportError:
                    pass
                if processes[n].poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"plenary did not start on {runs[n][0]}")
            time.sleep(0.1)
        yield [(base, process.pid) for base, process in zip(bases, processes, strict=True)]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


@dataclass
class Measured:
    switch: Switch
    figures: list[Figured]
    same: bool  # both runs sent the same requests and got the same statuses


def measure(
    url: str | None, workdir: Path, only: list[str] | None = None, quick: bool = False
) -> list[Measured]:
    copies = Copies(url, workdir)
    try:
        data = copies.seed()
        engine = "sqlite" if copies.admin is None else "postgresql"
        out = []
        for switch in SWITCHES:
            if only and switch.setting not in only:
                continue
            if (switch.sqlite_only and engine != "sqlite") or (quick and switch.thorough):
                continue
            template = open_database(copies.template)
            try:
                plan = switch.plan(template, data)
            finally:
                template.dispose()
            began = time.perf_counter()
            fresh = [copies.fresh(), copies.fresh()]
            extra = {f"PLENARY_{name.upper()}": value for name, value in switch.extra}
            runs = [
                (fresh[n], {**extra, f"PLENARY_{switch.setting.upper()}": value})
                for n, value in enumerate(("true", "false"))
            ]
            with plenaries(runs) as started:
                ready = time.perf_counter()
                clients = [httpx.Client(base_url=base, timeout=120) for base, _pid in started]
                on, off = (
                    Side(value, base, pid, client)
                    for value, (base, pid), client in zip(
                        ("true", "false"), started, clients, strict=True
                    )
                )
                try:
                    pairs = interleave(plan, on, off)
                finally:
                    for client in clients:
                        client.close()
            for copy in fresh:
                copies.drop(copy)
            same = on.log == off.log and all(
                status == step.expect
                for (_m, _p, _b, status), step in zip(on.log, plan.steps, strict=False)
            )
            if not same:
                print(f"  {switch.setting}: the runs differ: {_difference([on.log, off.log])}",
                      file=sys.stderr)  # fmt: skip
            measured = Measured(switch, [figured(f, pairs) for f in plan.figures], same)
            out.append(measured)
            print(
                f"  {switch.setting} ({switch.serves}): started in {ready - began:.1f}s, "
                f"ran {time.perf_counter() - ready:.1f}s, load {_load()}",
                file=sys.stderr,
            )
            for line in _lines(measured):
                print(f"    {line}", file=sys.stderr)
        return out
    finally:
        copies.close()


def _difference(logs: list[list[Logged]]) -> str:
    for a, b in zip(*logs, strict=False):
        if a != b:
            return f"{a[:2]} {a[3]} / {b[3]}"
    return f"{len(logs[0])} / {len(logs[1])} requests"


def rows(measured: list[Measured]) -> list[Any]:
    from bench.__main__ import Row

    return [
        Row(
            f"machinery {m.switch.setting}: {m.switch.serves}, {f.figure.name}",
            f.on,
            f.figure.unit,
            f.off,
            "the same requests with it off, interleaved",
            f"(reported: buys {f.buys:.2f}x [{f.low:.2f}-{f.high:.2f}] {f.verdict}"
            f"{'' if m.same else '; RUNS DIFFER'})",
            m.same,
        )
        for m in measured
        for f in m.figures
    ]


def _lines(m: Measured) -> list[str]:
    return [
        f"{f.figure.name:<30} on {f.on:>9,.2f}  off {f.off:>9,.2f} {f.figure.unit:<5} "
        f"buys {f.buys:5.2f}x  90% [{f.low:.2f}-{f.high:.2f}] {f.verdict:<5}  blocks "
        + " ".join(f"{b:.2f}" for b in f.blocks)
        + ("" if m.same else "  (RUNS DIFFER)")
        for f in m.figures
    ]


def table(measured: list[Measured]) -> str:
    lines = [
        "Each row: plenary with the setting on and off at once, the plan's blocks alternated "
        "between them; buys = off/on (ms) or on/off (req/s), 90% bootstrap interval over "
        "the blocks, each block's ratio."
    ]
    for m in measured:
        lines.append(f"{m.switch.setting}: {m.switch.serves}")
        lines += [f"    {line}" for line in _lines(m)]
    return "\n".join(lines)


def _load() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


if __name__ == "__main__":
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(prog="python -m bench.machinery")
    parser.add_argument("--database", help="PostgreSQL URL (default: SQLite files)")
    parser.add_argument("--only", nargs="*", choices=sorted({s.setting for s in SWITCHES}))
    parser.add_argument("--quick", action="store_true", help="without the explaining rows")
    options = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="plenary-machinery-"))
    print(f"load average before: {_load()}", file=sys.stderr)
    started = time.perf_counter()
    done = measure(options.database, workdir, options.only, options.quick)
    print(table(done))
    print(f"\n{time.perf_counter() - started:.0f} s; load average after: {_load()}")
    shutil.rmtree(workdir, ignore_errors=True)
