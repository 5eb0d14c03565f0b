"""`python -m bench --only machinery`: what each piece of plenary's machinery buys.

For each cache, gate, worker and prepare step there is a setting that switches it off (the
code then takes the plain path: app/config.py). Each row starts plenary twice, with the
setting on and with it off, each time on a fresh copy of the same seeded database (a file
copied on SQLite, `CREATE DATABASE ... TEMPLATE` on PostgreSQL), and sends both the same
requests, made before either run from that database (`Plan`): same paths, same tokens, same
bodies. Both runs must get the same statuses (a path that failed fast would flatter the
setting that broke it); `tests/test_bench_machinery.py` replays every plan through the
app with the setting on and off and compares the requests and the answers.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
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


@dataclass(frozen=True)
class Step:
    """One request of a plan: the same in the run with the setting on and the one with it off."""

    method: str
    path: str
    token: str
    body: Any = None
    expect: int = 200
    timed: bool = True


@dataclass
class Plan:
    """What a row sends. `steps` run in order (`timed` ones are measured); `drive` names how
    the timed steps are driven: `each` (one after the other, p50), `wrk` (the one timed GET
    again and again), `burst` (all timed steps at once), `probe` (GETs of the first timed
    step while the setup's last step, a long diff, runs), `streams` (subscribers follow the
    report the setup imported while the timed steps are written at a fixed pace)."""

    steps: list[Step]
    drive: str = "each"
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Switch:
    setting: str  # the Settings field (env PLENARY_<SETTING>)
    serves: str  # the row it exists for
    unit: str  # ms (lower is better) or req/s (higher is better)
    plan: Callable[[Database, Seeded], Plan]
    sqlite_only: bool = False


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
    """The read cache's row: a kept answer read again and again (wrk, one URL, one token)."""
    path = f"/v1/sections/{data.big_section}"
    return Plan([Step("GET", path, data.chair, timed=False), Step("GET", path, data.chair)], "wrk")


def reads_after_writes(database: Database, data: Seeded) -> Plan:
    """The outline cache's row: a section changed (untimed), then read by four members in
    turn, as a room reads after a write; 20 sections."""
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
            )
        )
        for k in range(4):
            reader = data.members[(n * 4 + k) % len(data.members)]
            steps.append(Step("GET", f"/v1/sections/{section_id}", reader))
    return Plan(steps)


def proposals(database: Database, data: Seeded) -> Plan:
    """One-word edits of the 20 KB section, one after the other (the propose row)."""
    version, body = _heads(database, [data.big_section])[data.big_section]
    words = body.split(" ")
    steps = []
    for n in range(40):
        changed = list(words)
        changed[(n * 37) % len(changed)] = f"amended{n}"
        steps.append(
            Step(
                "POST",
                f"/v1/sections/{data.big_section}/amendments",
                data.members[n % len(data.members)],
                {"base_version": version, "text": " ".join(changed), "kind": "substantive"},
                201,
            )
        )
    return Plan(steps)


def concurrent_proposals(database: Database, data: Seeded) -> Plan:
    """The write gate's row: every member proposes on one ~1 KB section at the same moment
    (the bodies travel to the client process in its arguments)."""
    section_id = data.sections[5]
    version, body = _heads(database, [section_id])[section_id]
    steps = [
        Step(
            "POST",
            f"/v1/sections/{section_id}/amendments",
            token,
            {"base_version": version, "text": f"{body} Together {n}.", "kind": "substantive"},
            201,
        )
        for n, token in enumerate(data.members)
    ]
    return Plan(steps, "burst")


def _unrelated(seed_value: int, size: int) -> str:
    import random

    rng = random.Random(seed_value)
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz     ") for _ in range(size))


def reads_during_a_long_diff(database: Database, data: Seeded) -> Plan:
    """The text worker's row: reads of a small section while two unrelated 200 KB texts are
    diffed (the diff's own timeout bounds it), in a report the plan imports."""
    one, two = _unrelated(1, 200_000), _unrelated(2, 200_000)
    steps = [
        Step(
            "POST",
            f"/v1/groups/{data.group_id}/reports/import",
            data.secretariat,
            {"markdown": "# Worst case\n\n" + one},
            201,
            timed=False,
        ),
        Step(
            "POST",
            "/v1/sections/{s0}/versions",
            data.secretariat,
            {"base_version": 1, "text": two},
            201,
            timed=False,
        ),
        Step("GET", f"/v1/sections/{data.section_10}", data.chair),
        Step("GET", "/v1/sections/{s0}/diff?from=1&to=2", data.chair, timed=False),
    ]
    return Plan(steps, "probe", {"seconds": 4.0})


def streams(database: Database, data: Seeded) -> Plan:
    """Stream standings' row: 200 streams of a fresh report (half with names, half without)
    while its four sections get 40 versions at one per 50 ms."""
    lanes = 4
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
    for n in range(40):
        lane, number = n % lanes, 1 + n // lanes
        steps.append(
            Step(
                "POST",
                f"/v1/sections/{{s{lane}}}/versions",
                data.secretariat,
                {"base_version": number, "text": f"Version {number + 1}."},
                201,
            )
        )
    readers = [t for pair in zip(data.members, data.observers, strict=False) for t in pair]
    return Plan(
        steps,
        "streams",
        {"subscribers": 200, "interval": 0.05, "lanes": lanes, "tokens": readers},
    )


SWITCHES = [
    Switch("read_cache", "GET a 20 KB section, kept answer (wrk)", "req/s", kept_reads),
    Switch("outline_cache", "GET a section just changed, 4 members in turn (p50)", "ms",
           reads_after_writes),
    Switch("known_versions", "propose, one-word edit of 20 KB (p50)", "ms", proposals),
    Switch("prepare_writes", "propose, one-word edit of 20 KB (p50)", "ms", proposals),
    Switch("deadline_watch", "propose, one-word edit of 20 KB (p50)", "ms", proposals,
           sqlite_only=True),
    Switch("write_gate", "39 concurrent proposals, 1 KB section: slowest", "ms",
           concurrent_proposals),
    Switch("text_worker", "GET p99 during a worst-case diff (200 KB)", "ms",
           reads_during_a_long_diff),
    Switch("stream_standings", "200 streams, 1 version/50 ms: delivery p99", "ms", streams),
]  # fmt: skip


# --- running a plan -----------------------------------------------------------------------


Logged = tuple[str, str, str, int]  # method, path, body as sent, status


# The sections of the report a plan imports, by place (`{s0}` ...): their ids are the
# database's to give; both runs start from the same copy, so they get the same ones.
_imported: dict[str, int] = {}


def _path(step: Step) -> str:
    return step.path.format(**_imported) if "{" in step.path else step.path


def _send(client: httpx.Client, step: Step) -> httpx.Response:
    response = client.request(
        step.method,
        _path(step),
        json=step.body,
        headers={"Authorization": f"Bearer {step.token}"},
    )
    if step.path.endswith("/reports/import") and response.status_code == 201:
        _imported.clear()
        _imported.update({f"s{n}": s["id"] for n, s in enumerate(response.json()["outline"])})
    return response


def _log(step: Step, status: int) -> Logged:
    return (step.method, _path(step), json.dumps(step.body, sort_keys=True), status)


def run_steps(client: httpx.Client, steps: list[Step]) -> tuple[list[float], list[Logged]]:
    """Each step in order; the timed ones' round trips in ms, and what was sent and answered."""
    samples, log = [], []
    for step in steps:
        began = time.perf_counter()
        response = _send(client, step)
        took = (time.perf_counter() - began) * 1000
        if step.timed:
            samples.append(took)
        log.append(_log(step, response.status_code))
    return samples, log


def _setup(client: httpx.Client, plan: Plan) -> list[Logged]:
    return run_steps(client, [s for s in plan.steps if not s.timed])[1]


def drive(base: str, plan: Plan, server_pid: int) -> tuple[float, list[Logged]]:
    """The row's figure for one run of plenary at `base`, and the log of what it sent."""
    from bench.__main__ import percentile, run_client, wrk

    timed = [s for s in plan.steps if s.timed]
    with httpx.Client(base_url=base, timeout=120) as client:
        if plan.drive == "each":
            samples, log = run_steps(client, plan.steps)
            return statistics.median(samples), log
        if plan.drive == "wrk":
            log = _setup(client, plan)
            step = timed[0]
            rate = wrk(f"{base}{step.path}", {"Authorization": f"Bearer {step.token}"}, 3, 64)
            log.append(_log(step, _send(client, step).status_code))
            return rate, log
        if plan.drive == "burst":
            log = _setup(client, plan)
            result = run_client(
                "burst",
                base=base,
                path=timed[0].path,
                tokens=[s.token for s in timed],
                bodies=[s.body for s in timed],
            )
            statuses = result["statuses"]
            log += [_log(s, int(status)) for s, status in zip(timed, statuses, strict=True)]
            return float(result["max_ms"]), log
        if plan.drive == "probe":
            setup = [s for s in plan.steps if not s.timed]
            log = run_steps(client, setup[:-1])[1]
            probe: dict[str, Any] = {}
            step = timed[0]

            def run_probe() -> None:
                probe.update(
                    run_client(
                        "probe",
                        base=base,
                        path=step.path,
                        token=step.token,
                        seconds=plan.params["seconds"],
                    )
                )

            prober = threading.Thread(target=run_probe)
            prober.start()
            time.sleep(0.5)  # the probe's process is started and reading
            log += run_steps(client, setup[-1:])[1]
            prober.join(120)
            log.append(_log(step, 200 if probe.get("n") else 0))
            return float(probe.get("p99_ms", float("inf"))), log
        if plan.drive == "streams":
            return _streams(client, base, plan, server_pid, percentile)
    raise ValueError(plan.drive)


def _streams(
    client: httpx.Client, base: str, plan: Plan, server_pid: int, percentile: Any
) -> tuple[float, list[Logged]]:
    from bench.__main__ import paced, subscribe_all

    setup = [s for s in plan.steps if not s.timed]
    imported = _send(client, setup[0])
    log = [_log(setup[0], imported.status_code)]
    report_id = imported.json()["id"]
    timed = [s for s in plan.steps if s.timed]
    lanes = plan.params["lanes"]
    statuses: dict[int, int] = {}

    def writer() -> None:
        writers = [httpx.Client(base_url=base, timeout=60) for _ in range(lanes)]

        def lane_of(j: int) -> Callable[[], None]:
            mine = iter([(i, s) for i, s in enumerate(timed) if i % lanes == j])

            def post() -> None:
                i, step = next(mine)
                statuses[i] = _send(writers[j], step).status_code

            return post

        paced(plan.params["interval"], len(timed), [lane_of(j) for j in range(lanes)])
        for w in writers:
            w.close()

    run = subscribe_all(
        1,
        plan.params["subscribers"],
        writer,
        server_pid,
        base=base,
        path=f"/v1/reports/{report_id}/stream",
        events=len(timed),
        ticket_path=f"/v1/reports/{report_id}/stream-tickets",
        tokens=plan.params["tokens"],
    )
    log += [_log(s, statuses.get(i, 0)) for i, s in enumerate(timed)]
    if run.complete != plan.params["subscribers"]:
        log.append(("STREAMS", "incomplete", str(run.complete), 0))
    return run.p99, log


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
def plenary(url: str, settings: dict[str, str]) -> Iterator[tuple[str, int]]:
    from bench.__main__ import ROOT, free_port, server

    port = free_port()
    env = {**os.environ, "PLENARY_DATABASE_URL": url, "PYTHONPATH": str(ROOT), **settings}
    command = [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    command += ["--loop", "uvloop", "--http", "httptools"]
    with server(command, env, f"http://127.0.0.1:{port}/healthz") as process:
        yield f"http://127.0.0.1:{port}", process.pid


@dataclass
class Measured:
    switch: Switch
    on: float
    off: float
    same: bool  # both runs sent the same requests and got the same statuses

    @property
    def buys(self) -> float:
        """How many times better the row is with the piece on (> 1: it earns its place)."""
        if self.switch.unit == "req/s":
            return self.on / self.off if self.off else float("inf")
        return self.off / self.on if self.on else float("inf")


def measure(url: str | None, workdir: Path, only: list[str] | None = None) -> list[Measured]:
    copies = Copies(url, workdir)
    try:
        data = copies.seed()
        engine = "sqlite" if copies.admin is None else "postgresql"
        out = []
        for switch in SWITCHES:
            if only and switch.setting not in only:
                continue
            if switch.sqlite_only and engine != "sqlite":
                continue
            template = open_database(copies.template)
            try:
                plan = switch.plan(template, data)
            finally:
                template.dispose()
            figures, logs = [], []
            for value in ("true", "false"):
                began = time.perf_counter()
                fresh = copies.fresh()
                env = {f"PLENARY_{switch.setting.upper()}": value}
                with plenary(fresh, env) as (base, pid):
                    started = time.perf_counter()
                    figure, log = drive(base, plan, pid)
                copies.drop(fresh)
                figures.append(figure)
                logs.append(log)
                print(
                    f"  {switch.setting}={value}: {figure:,.2f} {switch.unit} "
                    f"(started in {started - began:.1f}s, "
                    f"ran {time.perf_counter() - started:.1f}s)",
                    file=sys.stderr,
                )
            same = logs[0] == logs[1] and all(
                status == step.expect
                for (_m, _p, _b, status), step in zip(logs[0], plan.steps, strict=False)
            )
            if not same:
                print(f"  {switch.setting}: the runs differ: {_difference(logs)}", file=sys.stderr)
            out.append(Measured(switch, figures[0], figures[1], same))
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
            f"machinery {m.switch.setting}: {m.switch.serves}",
            m.on,
            m.switch.unit,
            m.off,
            "the same requests with it off",
            f"(reported: buys {m.buys:.2f}x{'' if m.same else '; RUNS DIFFER'})",
            m.same,
        )
        for m in measured
    ]


def table(measured: list[Measured]) -> str:
    lines = [
        f"{'setting':<18} {'the row it serves':<52} {'on':>10} {'off':>10} {'buys':>7}",
    ]
    for m in measured:
        lines.append(
            f"{m.switch.setting:<18} {m.switch.serves:<52} {m.on:>10,.2f} {m.off:>10,.2f} "
            f"{m.buys:>6.2f}x{'' if m.same else '  (runs differ)'}  ({m.switch.unit})"
        )
    return "\n".join(lines)


def _load() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


if __name__ == "__main__":
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(prog="python -m bench.machinery")
    parser.add_argument("--database", help="PostgreSQL URL (default: SQLite files)")
    parser.add_argument("--only", nargs="*", choices=[s.setting for s in SWITCHES])
    options = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="plenary-machinery-"))
    print(f"load average before: {_load()}", file=sys.stderr)
    started = time.perf_counter()
    done = measure(options.database, workdir, options.only)
    print(table(done))
    print(f"\n{time.perf_counter() - started:.0f} s; load average after: {_load()}")
    shutil.rmtree(workdir, ignore_errors=True)
