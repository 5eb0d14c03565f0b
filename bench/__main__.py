"""python -m bench: plenary against ceilings measured in the same run.

Starts plenary and a bare FastAPI app on 127.0.0.1 (same uvicorn settings), seeds a 200-section
report, runs bounded loads from other processes (wrk, or asyncio clients), stops everything it
started, and prints one table (also written as JSON for comparisons between commits).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.config import Settings  # noqa: E402
from app.db import Database  # noqa: E402
from app.migrate import upgrade  # noqa: E402
from app.signatures import (  # noqa: E402
    answer_message,
    new_private_key,
    public_key_text,
    round_id,
    sign,
    wording_sha256,
)
from app.wiring import open_database  # noqa: E402
from bench import ceilings, growth, machinery  # noqa: E402
from bench.seed import Seeded, seed, seeding, signed_answer  # noqa: E402


@dataclass
class Row:
    metric: str
    plenary: float
    unit: str
    ceiling: float | None
    ceiling_name: str
    target: str
    passed: bool

    @property
    def ratio(self) -> str:
        if not self.ceiling:
            return "-"
        return f"{self.plenary / self.ceiling:.2f}x"


def load_average() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def server(args: list[str], env: dict[str, str], health: str) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(health, timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"server did not start: {args}")
            time.sleep(0.1)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def wrk(url: str, headers: dict[str, str], seconds: int, connections: int) -> float:
    """Requests per second from wrk, a load generator in C in its own process: an asyncio
    client on the same cores is slower than the servers it measures, and its ratios would
    measure the client (main() refuses to run without wrk)."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for key, value in headers.items():
        command += ["-H", f"{key}: {value}"]
    out = subprocess.run([*command, url], capture_output=True, text=True, timeout=seconds + 30)
    for line in out.stdout.splitlines():
        if line.startswith("Requests/sec:"):
            return float(line.split()[1])
    raise RuntimeError(out.stdout + out.stderr)


def run_client(mode: str, **params: Any) -> dict[str, Any]:
    """Runs bench/client.py in its own process and returns its JSON answer."""
    out = subprocess.run(
        [sys.executable, "-m", "bench.client", mode, json.dumps(params)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def timed(call: Callable[[], Any]) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def server_ms(response: httpx.Response) -> float:
    """The server's own time for a request (its Server-Timing header): no network, no client."""
    return float(response.headers["server-timing"].split("dur=")[1])


MEASUREMENTS = (
    "http",
    "miss",
    "propose",
    "history",
    "export",
    "consent",
    "fanout",
    "diff",
    "growth",
    "machinery",
)
# What `python -m bench` runs without --only: everything but the machinery table, which
# starts plenary sixteen times and is run on its own (`--only machinery`) to keep a whole
# run within five minutes.
DEFAULT = tuple(m for m in MEASUREMENTS if m != "machinery")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--database", help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--output", default=str(ROOT / "bench" / "results" / "latest.json"))
    parser.add_argument("--quick", action="store_true", help="smaller loads (a smoke run)")
    parser.add_argument(
        "--only",
        nargs="*",
        choices=sorted(MEASUREMENTS),
        help="run only these measurements (default: all but machinery)",
    )
    parser.add_argument(
        "--growth-events",
        type=int,
        default=10_000,
        help="events in the growth table's 1x log (10x: ten times as many); the README's "
        "1,000,000-event figure is `python -m bench.growth` (100,000 at 1x)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="uvicorn worker processes for plenary and for the bare ceilings alike "
        "(PostgreSQL only: SQLite serves from one process)",
    )
    parser.add_argument(
        "--clients",
        type=int,
        default=1,
        help="processes that hold the fan-out's subscribers (default: 1)",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        help="directory for py-spy profiles of the server during the fan-out (collapsed stacks)",
    )
    options = parser.parse_args()
    if options.profile:
        options.profile.mkdir(parents=True, exist_ok=True)
    if options.workers > 1 and not options.database:
        sys.exit("--workers needs --database postgresql+psycopg://...: SQLite is one process.")
    if not shutil.which("wrk"):
        sys.exit("python -m bench needs wrk (apt-get install wrk): see the README's Performance.")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 65536)), hard))

    workdir = Path(tempfile.mkdtemp(prefix="plenary-bench-"))
    url = options.database or f"sqlite:///{workdir / 'bench.db'}"
    settings = Settings(database_url=url)
    upgrade(settings)
    print(f"seeding {url} ... (load average {load_average()})", file=sys.stderr)
    database = open_database(url)
    started = time.perf_counter()
    chosen = set(options.only or DEFAULT)
    # Only the history and consent measurements read the deep section's 10,000 versions.
    deep = 2_000 if options.quick else 10_000
    with seeding(database):
        data = seed(database, deep=deep if chosen & {"history", "consent"} else 10)
    print(f"seeded in {time.perf_counter() - started:.1f}s", file=sys.stderr)

    rows: list[Row] = []
    plenary_port, bare_port = free_port(), free_port()
    env = {**os.environ, "PLENARY_DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    # The bench's few tokens write thousands of versions and proposals as fast as plenary
    # takes them, far past a person's write rate: the limiter still checks each write (its
    # cost is part of every row), with a rate no row reaches (as bench/load.py does).
    env |= {"PLENARY_WRITE_RATE_PER_SECOND": "100000", "PLENARY_WRITE_BURST": "100000"}
    uvicorn_args = [
        "--host",
        "127.0.0.1",
        "--log-level",
        "warning",
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        "--workers",
        str(options.workers),
    ]
    plenary_args = [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory"]
    with server(
        [*plenary_args, "--port", str(plenary_port), *uvicorn_args],
        env,
        f"http://127.0.0.1:{plenary_port}/healthz",
    ) as plenary:
        base = f"http://127.0.0.1:{plenary_port}"
        # The HTTP ceiling serves exactly the bytes plenary answers for the section it reads.
        answer = httpx.get(f"{base}/v1/sections/{data.big_section}", headers=auth(data.chair))
        body_file = workdir / "section.json"
        body_file.write_bytes(answer.content)
        # The kept-answer ceiling is plenary's own fast path for that answer (bench/ceilings.py),
        # and the missed-read ceiling takes each section's first paragraph from plenary's
        # answers (it comes from the whole outline, not from the rows it reads).
        fast = {
            "section_id": data.big_section,
            "authorization": f"Bearer {data.chair}",
            "etag": answer.headers["etag"],
        }
        first_file = workdir / "first.json"
        first_file.write_text(json.dumps(first_paragraphs(base, data)))
        bare_env = {
            **env,
            "PLENARY_BENCH_BODY": str(body_file),
            "PLENARY_BENCH_FAST": json.dumps(fast),
            "PLENARY_BENCH_FIRST": str(first_file),
        }
        with server(
            [*plenary_args[:3], "bench.bare:app", "--port", str(bare_port), *uvicorn_args],
            bare_env,
            f"http://127.0.0.1:{bare_port}/bare",
        ) as ceiling:
            bare = f"http://127.0.0.1:{bare_port}"
            if "http" in chosen:
                rows += http_throughput(base, bare, data, options.quick)
            if "miss" in chosen:
                rows += missed_reads(base, bare, data, options.quick)
            if "propose" in chosen:
                rows += propose_latency(base, bare, data, options.quick)
            if "history" in chosen:
                rows += history_depth(base, bare, data, options.quick)
            if "export" in chosen:
                rows += export_latency(base, data)
            if "consent" in chosen:
                rows += consent_rounds(base, bare, database, data, options.quick)
            if "fanout" in chosen:
                rows += fan_out(options, base, bare, data, (plenary.pid, ceiling.pid))
            if "diff" in chosen:
                rows += worst_case_diff(base, data)
            if "growth" in chosen:
                # Built last, beside the rest (new groups and reports: no answer kept so far
                # names them), so that the rows above are measured on the usual database.
                started = time.perf_counter()
                events = (
                    min(options.growth_events, 2_000) if options.quick else options.growth_events
                )
                with seeding(database):
                    scales = [growth.build(database, f, events_per_x=events) for f in (1, 10)]
                print(f"growth fixtures in {time.perf_counter() - started:.1f}s", file=sys.stderr)
                rows += growth.rows(base, scales[0], scales[1], options.quick)
    database.dispose()
    if "machinery" in chosen:
        # Its own database (seeded once, copied fresh for each run of plenary), after
        # everything else: each row starts plenary twice, with a setting on and off.
        started = time.perf_counter()
        try:
            measured = machinery.measure(options.database, workdir, quick=options.quick)
        except (RuntimeError, OSError, httpx.HTTPError) as error:  # the rows above still count
            print(f"machinery stopped: {error}", file=sys.stderr)
            measured = []
        print(machinery.table(measured), file=sys.stderr)
        print(f"machinery in {time.perf_counter() - started:.1f}s", file=sys.stderr)
        rows += machinery.rows(measured)
    report(rows, options, url)
    shutil.rmtree(workdir, ignore_errors=True)


# --- measurements -----------------------------------------------------------------------


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def http_throughput(base: str, bare: str, data: Seeded, quick: bool) -> list[Row]:
    """A kept answer, read again and again (wrk: one URL, one token). The ceiling answers the
    same URL with the same headers through plenary's own kept-answer path
    (`bench/ceilings.py`: the token's hash looked up in memory and the If-None-Match check on
    SQLite, the same one statement on PostgreSQL), with nothing around it."""
    seconds = 3 if quick else 8
    path = f"/v1/sections/{data.big_section}"
    ceiling = wrk(f"{bare}{path}", auth(data.chair), seconds, 64)
    ours = wrk(f"{base}{path}", auth(data.chair), seconds, 64)
    return [
        Row(
            "GET a 20 KB section, kept answer (wrk)",
            ours,
            "req/s",
            ceiling,
            "plenary's kept-answer path alone, same bytes",
            ">= 0.5x",
            ours >= 0.5 * ceiling,
        )
    ]


def first_paragraphs(base: str, data: Seeded) -> dict[int, int | None]:
    """Each section's first paragraph as plenary answers it (for the missed-read ceiling)."""
    ids = [*data.sections, data.section_10, data.section_10k, data.big_section]
    with httpx.Client(base_url=base, headers=auth(data.chair), timeout=30) as client:
        return {s: client.get(f"/v1/sections/{s}").json()["first_paragraph"] for s in ids}


def texts_of(client: httpx.Client, sections: list[int]) -> dict[int, tuple[int, str]]:
    out = {}
    for section_id in sections:
        read = client.get(f"/v1/sections/{section_id}").json()
        out[section_id] = (read["head_version"], read["head"]["text"])
    return out


def change_all(client: httpx.Client, heads: dict[int, tuple[int, str]], mark: str) -> None:
    """A new version of each section (a word added to its last paragraph, so that its
    paragraphs, and every first paragraph after it, stay put): each kept answer is stale."""
    for section_id, (version, text) in heads.items():
        changed = f"{text.rstrip()} {mark}"
        client.post(
            f"/v1/sections/{section_id}/versions",
            json={"base_version": version, "text": changed},
        ).raise_for_status()
        heads[section_id] = (version + 1, changed)


def missed_reads(base: str, bare: str, data: Seeded, quick: bool) -> list[Row]:
    """Reads that miss every cache, as a room reads after writes: round-robin over the
    report's sections and the members' tokens, each section changed since its last read.
    Against a bare endpoint reading the same rows by SQLAlchemy Core from the same database
    (`bench/ceilings.py`), each request timed beside the ceiling's for the same section and
    token."""
    sections = data.sections[: 50 if quick else 100]
    rounds = 2 if quick else 4
    readers = [data.chair, *data.members]
    ours: list[float] = []
    theirs: list[float] = []
    served: list[float] = []
    n = 0
    with (
        httpx.Client(base_url=base, headers=auth(data.secretariat), timeout=60) as writer,
        httpx.Client(base_url=base, timeout=30) as reader,
        httpx.Client(base_url=bare, timeout=30) as ceiling,
    ):
        heads = texts_of(writer, sections)
        for r in range(rounds):
            change_all(writer, heads, f"Round {r}.")
            for section_id in sections:
                headers = auth(readers[n % len(readers)])
                n += 1
                response: list[httpx.Response] = []

                def ours_get(
                    s: int = section_id,
                    h: dict[str, str] = headers,
                    out: list[httpx.Response] = response,
                ) -> None:
                    out.append(reader.get(f"/v1/sections/{s}", headers=h))

                def bare_get(s: int = section_id, h: dict[str, str] = headers) -> None:
                    ceiling.get(f"/bare/section/{s}", headers=h)

                ours.append(timed(ours_get))
                served.append(server_ms(response[0]))
                theirs.append(timed(bare_get))
    p50, ceiling_p50 = statistics.median(ours), statistics.median(theirs)
    return [
        Row(
            "GET a section changed since its last read (missed), p50",
            p50,
            "ms",
            ceiling_p50,
            "bare Core read of the same rows, same bytes",
            "<= 2x (>= 0.5x the rate)",
            p50 <= 2 * ceiling_p50,
        ),
        Row(
            "  the same, server time p50",
            statistics.median(served),
            "ms",
            None,
            "-",
            "(reported)",
            True,
        ),
    ]


# The propose row's samples come in blocks, plenary's then the ceiling's: each server runs a
# block warm, back to back, as it would alone, and the blocks alternate so that both figures
# come from the same minutes of the machine's load. (One sample each in turn made both
# servers idle between their requests: a wake-up cost added to both that doubled the bare
# write's time and flattered the ratio.)
BLOCK = 10


def bare_write(client: httpx.Client, text: str) -> float:
    """One bare write, timed: the same body validated, one row inserted."""
    body = {"base_version": 1, "text": text, "kind": "substantive", "rationale": ""}
    return timed(lambda: client.post("/bare/write", json=body))


def consent_ceiling(
    bare: str, database: Database, report_id: int, text: str
) -> tuple[str, dict[str, str]]:
    """A round for the bare consent to answer, holding the ~1 KB text it applies, and the
    signed body of its answer: (path, body). Signed here, before any timing, as plenary's
    answers are."""
    key = new_private_key()
    round_text = round_id(datetime.now(UTC))
    ceiling_round = ceilings.prepare_round(
        database.engine,
        report_id=report_id,
        round=round_text,
        public_key=public_key_text(key),
        text=text,
    )
    message = answer_message(
        report_id=report_id,
        amendment_id=ceiling_round,
        round=round_text,
        wording_sha256=wording_sha256(text),
        answer="consent",
        reason="",
    )
    return f"/bare/consent/{ceiling_round}", {"signature": sign(key, message)}


def bare_consents(client: httpx.Client, path: str, body: dict[str, str], count: int) -> list[float]:
    """Round trips of the last consent's own work, done bare (bench/ceilings.py): no body
    but the signature, one row read, the Ed25519 check, one insert and the ~1 KB apply; the
    first, untimed, wakes the idle server."""
    client.post(path, json=body)
    return [timed(lambda: client.post(path, json=body)) for _ in range(count)]


def propose_latency(base: str, bare: str, data: Seeded, quick: bool) -> list[Row]:
    count = 40 if quick else 150
    # Every BLOCK proposals, BLOCK bare writes of the same body: both figures from the same
    # minutes (a ratio of two runs a minute apart measured the machine's drift as much as
    # plenary), each server warm within its block.
    ceiling_samples = []
    with (
        httpx.Client(base_url=base, headers=auth(data.members[0]), timeout=30) as client,
        httpx.Client(base_url=bare, timeout=30) as bare_client,
    ):
        section = client.get(f"/v1/sections/{data.big_section}").json()
        text = section["head"]["text"]
        words = text.split(" ")
        samples, served = [], []
        for n in range(count):
            changed = list(words)
            changed[(n * 37) % len(changed)] = f"amended{n}"
            body = {
                "base_version": section["head_version"],
                "text": " ".join(changed),
                "kind": "substantive",
            }
            response = None

            def post(body: dict[str, Any] = body) -> None:
                nonlocal response
                response = client.post(f"/v1/sections/{data.big_section}/amendments", json=body)

            samples.append(timed(post))
            assert response is not None and response.status_code == 201, response
            served.append(server_ms(response))
            if (n + 1) % BLOCK == 0:
                bare_write(bare_client, text)  # untimed: the idle server wakes up
                ceiling_samples += [bare_write(bare_client, text) for _ in range(BLOCK)]
    ceiling = statistics.median(ceiling_samples)
    p50 = statistics.median(samples)
    return [
        Row(
            "propose (one-word edit, 20 KB), round trip p50",
            p50,
            "ms",
            ceiling,
            "bare validate + Core insert, same body",
            "<= 3x",
            p50 <= 3 * ceiling,
        ),
        Row(
            "  the same, server time p50",
            statistics.median(served),
            "ms",
            None,
            "-",
            "(reported)",
            True,
        ),
    ]


def history_depth(base: str, bare: str, data: Seeded, quick: bool) -> list[Row]:
    """Reads at 10,000 versions against the same at 10, each one missing the cache: the
    section changes before each read (untimed), so that what is timed is the database read
    at that depth, not a kept answer."""
    reads = 20 if quick else 60
    results: dict[int, float] = {}
    with (
        httpx.Client(base_url=base, headers=auth(data.chair), timeout=30) as client,
        httpx.Client(base_url=base, headers=auth(data.secretariat), timeout=30) as writer,
    ):
        for section_id in (data.section_10, data.section_10k):
            heads = texts_of(writer, [section_id])
            samples = []
            for n in range(reads):
                change_all(writer, heads, f"Read {n}.")
                samples.append(timed(lambda s=section_id: client.get(f"/v1/sections/{s}")))
                if n % 3 == 0:
                    samples.append(
                        timed(
                            lambda s=section_id: client.get(
                                f"/v1/sections/{s}/versions?after=0&limit=50"
                            )
                        )
                    )
            results[section_id] = statistics.median(samples)
    ratio = results[data.section_10k] / results[data.section_10]
    return [
        Row(
            "missed read at 10,000 versions (p50) vs 10 versions",
            results[data.section_10k],
            "ms",
            results[data.section_10],
            "same missed reads at 10 versions",
            "<= 1.2x",
            ratio <= 1.2,
        )
    ]


def export_latency(base: str, data: Seeded) -> list[Row]:
    with httpx.Client(base_url=base, headers=auth(data.chair), timeout=30) as client:
        samples = [
            timed(lambda: client.get(f"/v1/reports/{data.report_id}/export?format=html"))
            for _ in range(20)
        ]
    p50 = statistics.median(samples)
    return [
        Row(
            "export the 200-section report as HTML, p50",
            p50,
            "ms",
            None,
            "-",
            "< 100 ms",
            p50 < 100,
        )
    ]


def signed_bodies(data: Seeded, voters: list[str], amendment: dict[str, Any]) -> list[Any]:
    """Each voter's signed consent on `amendment` as it reads now, made before any timing:
    signing is the voter's work on its own device, not the server's."""
    return [signed_answer(data.keys[token], amendment) for token in voters]


def answer_all_but_last(client: httpx.Client, data: Seeded, amendment: dict[str, Any]) -> Any:
    """Every voter but the last consents (signed); returns the last voter's signed body."""
    voters = [data.chair, *data.members]
    bodies = signed_bodies(data, voters, amendment)
    for token, body in zip(voters[:-1], bodies, strict=False):
        answered = client.post(
            f"/v1/amendments/{amendment['id']}/consent", json=body, headers=auth(token)
        )
        assert answered.status_code == 200, answered.text
    return bodies[-1]


def consent_rounds(
    base: str, bare: str, database: Database, data: Seeded, quick: bool
) -> list[Row]:
    trials = 8 if quick else 20
    voters = [data.chair, *data.members]
    rows: list[Row] = []
    with (
        httpx.Client(base_url=base, timeout=60) as client,
        httpx.Client(base_url=bare, timeout=30) as bare_client,
    ):
        # The group adopts in session: a meeting opens with its plenary (409: one is open).
        client.post(f"/v1/reports/{data.report_id}/meetings", headers=auth(data.chair))
        report = client.get(f"/v1/reports/{data.report_id}", headers=auth(data.chair))
        adopted = client.post(
            f"/v1/reports/{data.report_id}/adopt",
            json={},
            headers={**auth(data.chair), "If-Match": report.headers["etag"]},
        )
        assert adopted.status_code == 200, adopted.text

        def last_answer(amendment: dict[str, Any]) -> tuple[float, httpx.Response]:
            """The 40th voter's signed consent, timed; the 39 before it are not."""
            body = answer_all_but_last(client, data, amendment)
            response = None

            def final(a: int = amendment["id"]) -> None:
                nonlocal response
                response = client.post(
                    f"/v1/amendments/{a}/consent", json=body, headers=auth(voters[-1])
                )

            took = timed(final)
            assert response is not None and response.json()["status"] == "adopted", response
            return took, response

        last: list[float] = []
        last_served: list[float] = []
        notice_10: list[float] = []
        notice_10k: list[float] = []
        # The ceiling's samples are taken in a block after each trial's last consent, in the
        # same minutes as plenary's (a ratio of two runs a minute apart measured the
        # machine's drift as much as plenary), after an untimed one that wakes the idle
        # server (plenary's last consent follows 39 others); it applies the text of the first
        # trial's consent (~1 KB).
        ceiling_samples: list[float] = []
        ceiling_round: tuple[str, dict[str, str]] | None = None
        for trial in range(trials):
            section_id = data.sections[trial + 1]
            head = client.get(f"/v1/sections/{section_id}", headers=auth(data.chair)).json()
            proposal = head["head"]["text"] + f" Amended in trial {trial}."
            if ceiling_round is None:
                ceiling_round = consent_ceiling(bare, database, data.report_id, proposal)
                checked = bare_client.post(ceiling_round[0], json=ceiling_round[1])
                assert checked.status_code == 200, checked.text
            amendment = client.post(
                f"/v1/sections/{section_id}/amendments",
                json={
                    "base_version": head["head_version"],
                    "text": proposal,
                    "kind": "substantive",
                },
                headers=auth(data.members[0]),
            ).json()
            took, response = last_answer(amendment)
            last.append(took)
            last_served.append(server_ms(response))
            ceiling_samples += bare_consents(bare_client, *ceiling_round, -(-60 // trials))
            # After adoption an editorial change is a notice: it applies with the last
            # voter's acceptance, the request that writes it onto a section of 10 or 10,000
            # versions.
            for section_id, bucket in (
                (data.section_10, notice_10),
                (data.section_10k, notice_10k),
            ):
                head = client.get(f"/v1/sections/{section_id}", headers=auth(data.chair)).json()
                fix = client.post(
                    f"/v1/sections/{section_id}/amendments",
                    json={
                        "base_version": head["head_version"],
                        "text": head["head"]["text"] + ",",
                        "kind": "editorial",
                    },
                    headers=auth(data.members[1]),
                ).json()
                assert fix["notice"], fix
                bucket.append(last_answer(fix)[0])
        # 40 voters at the same moment, from another process
        section_id = data.sections[trials + 5]
        head = client.get(f"/v1/sections/{section_id}", headers=auth(data.chair)).json()
        amendment = client.post(
            f"/v1/sections/{section_id}/amendments",
            json={
                "base_version": head["head_version"],
                "text": head["head"]["text"] + " Together.",
                "kind": "substantive",
            },
            headers=auth(data.members[0]),
        ).json()
    together = run_client(
        "burst",
        base=base,
        path=f"/v1/amendments/{amendment['id']}/consent",
        tokens=voters,
        bodies=signed_bodies(data, voters, amendment),
    )
    assert ceiling_round is not None
    path, body = ceiling_round
    ceiling = statistics.median(ceiling_samples)
    # The same burst on the ceiling: 40 answers at once, from the same client.
    bare_together = run_client(
        "burst", base=bare, path=path, tokens=voters, bodies=[body] * len(voters)
    )
    p50 = statistics.median(last)
    rows.append(
        Row(
            "last of 40 signed consents (applies), round trip p50",
            p50,
            "ms",
            ceiling,
            "bare: 1 row read, Ed25519, insert, ~1 KB apply",
            "<= 4x",
            p50 <= 4 * ceiling,
        )
    )
    rows.append(
        Row(
            "  the same, server time p50",
            statistics.median(last_served),
            "ms",
            None,
            "-",
            "(reported)",
            True,
        )
    )
    rows.append(
        Row(
            "40 concurrent signed consents: slowest answer",
            together["max_ms"],
            "ms",
            bare_together["max_ms"],
            "the same burst on the bare consent",
            f"<= 4x, all 200 ({together['ok']}/40), one adoption ({together['adopted']})",
            together["max_ms"] <= 4 * bare_together["max_ms"]
            and together["ok"] == 40
            and together["adopted"] == 1,
        )
    )
    ratio = statistics.median(notice_10k) / statistics.median(notice_10)
    rows.append(
        Row(
            "editorial notice, last acceptance, at 10,000 versions, p50",
            statistics.median(notice_10k),
            "ms",
            statistics.median(notice_10),
            "the same at 10 versions",
            "<= 1.2x",
            ratio <= 1.2,
        )
    )
    return rows


@dataclass
class FanOut:
    """One fan-out run as the client processes saw it."""

    p99: float
    p50: float
    complete: int
    failed: list[str]
    client_busy: float  # the busiest client process's CPU share of one core
    client_delay_p99: float  # its loop's lateness: the client's own share of a lag
    worst_by_event: list[int]
    server_cpu: float  # the server's CPU seconds from the first write until all were served


def cpu_seconds(pid: int) -> float:
    """User + system CPU time so far of a process and its children (uvicorn's workers)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    total = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        for child in children.read_text().split():
            with suppress(FileNotFoundError):
                total += cpu_seconds(int(child))
    return total


def subscribe_all(
    clients: int, subscribers: int, writer: Callable[[], None], server_pid: int, **params: Any
) -> FanOut:
    """`subscribers` streams over `clients` processes; `writer` runs once all are attached."""
    results: list[dict[str, Any]] = [{} for _ in range(clients)]
    flags = []
    threads = []
    for n in range(clients):
        flag = Path(tempfile.mkstemp(prefix="bench-ready-")[1])
        flag.unlink()
        flags.append(flag)
        share = subscribers // clients + (1 if n < subscribers % clients else 0)

        def listen(out: dict[str, Any] = results[n], flag: Path = flag, share: int = share) -> None:
            try:
                out.update(run_client("subscribe", subscribers=share, ready=str(flag), **params))
            except RuntimeError as error:
                out["failed"] = [str(error)[-1000:]]

        threads.append(threading.Thread(target=listen))
        threads[-1].start()
    deadline = time.monotonic() + 180
    while not all(f.exists() for f in flags):
        if time.monotonic() > deadline or not all(t.is_alive() for t in threads):
            break
        time.sleep(0.1)
    time.sleep(0.5)
    cpu = cpu_seconds(server_pid)
    writer()
    for thread in threads:
        thread.join(300)
    cpu = cpu_seconds(server_pid) - cpu
    for flag in flags:
        flag.unlink(missing_ok=True)
    lags = [lag for r in results for lag in r.get("lags", [])]
    worst = [r.get("worst_by_event", []) for r in results]
    return FanOut(
        p99=percentile(lags, 99) if lags else float("inf"),
        p50=percentile(lags, 50) if lags else float("inf"),
        complete=sum(r.get("complete", 0) for r in results),
        failed=[f for r in results for f in r.get("failed", [])][:3],
        client_busy=max(r.get("client_busy", 1.0) for r in results),
        client_delay_p99=max(r.get("client_delay_p99_ms", float("inf")) for r in results),
        worst_by_event=[max(column) for column in zip(*worst, strict=False)],
        server_cpu=cpu,
    )


WRITE_LANES = 4


def paced(interval: float, count: int, lanes: list[Callable[[], object]]) -> float:
    """Offers `count` writes, one per `interval` on a fixed schedule, whatever the pace of the
    answers (open loop: a writer that waited for each answer would ask a slow server for
    fewer events and flatter it). Lane j makes writes j, j + lanes, ... in its own thread, so
    a write may take `lanes` intervals before the schedule slips. Returns how late the
    latest write started, in ms."""
    start = time.perf_counter()
    late = [0.0] * len(lanes)

    def lane(j: int) -> None:
        for i in range(j, count, len(lanes)):
            delay = start + i * interval - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            late[j] = max(late[j], -delay * 1000)
            lanes[j]()

    threads = [threading.Thread(target=lane, args=(j,)) for j in range(len(lanes))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return max(late)


def version_lane(writer: httpx.Client, section_id: int) -> Callable[[], object]:
    """Writes the next version of one section at each call."""
    version = writer.get(f"/v1/sections/{section_id}").json()["head_version"]

    def post() -> None:
        nonlocal version
        writer.post(
            f"/v1/sections/{section_id}/versions",
            json={"base_version": version, "text": f"Version {version + 1}."},
        ).raise_for_status()
        version += 1

    return post


@contextmanager
def profiled(pid: int, output: Path | None) -> Iterator[None]:
    """py-spy samples the server while the block runs (--profile): collapsed stacks."""
    if output is None:
        yield
        return
    command = ["py-spy", "record", "--pid", str(pid), "--rate", "100", "--format", "raw"]
    spy = subprocess.Popen(
        [*command, "-o", str(output)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(1.0)
    try:
        yield
    finally:
        spy.send_signal(signal.SIGINT)
        spy.wait(30)


def stream_message(base: str, report_id: int, token: str) -> bytes:
    """One version.created message exactly as plenary's stream sent it (for the ceiling)."""
    with httpx.stream(
        "GET", f"{base}/v1/reports/{report_id}/stream", headers=auth(token), timeout=30
    ) as response:
        buffer = b""
        for chunk in response.iter_raw():
            buffer += chunk
            for message in buffer.split(b"\n\n")[:-1]:
                if b"\nevent: version.created\n" in message:
                    return message + b"\n\n"
    raise RuntimeError("no version.created message on the stream")


def fan_out(
    options: argparse.Namespace, base: str, bare: str, data: Seeded, pids: tuple[int, int]
) -> list[Row]:
    rows = []
    # 500 at one event per 20 ms (the target's rate); 2,000 at one per 100 ms.
    for subscribers, target, interval in ((500, 50.0, 0.020), (2000, 250.0, 0.100)):
        if options.quick and subscribers > 500:
            continue
        # A fresh report each time: subscribers that connect without Last-Event-ID replay the
        # log first, and an earlier run's events would count as late ones. A section per
        # writing lane: each lane's versions follow one another.
        with httpx.Client(base_url=base, timeout=60) as client:
            imported = client.post(
                f"/v1/groups/{data.group_id}/reports/import",
                json={
                    "markdown": "".join(f"# Live {n}\n\nVersion 1.\n\n" for n in range(WRITE_LANES))
                },
                headers=auth(data.secretariat),
            ).json()
        report_id, sections = imported["id"], [s["id"] for s in imported["outline"]]
        events = 100 if subscribers == 500 else 50
        # Half the streams read with names, half without: both encodings of every event.
        readers = [t for pair in zip(data.members, data.observers, strict=False) for t in pair]
        spy = options.profile and options.profile / f"sse-{subscribers}.txt"
        late: dict[str, float] = {}

        def write_versions(
            n: int = events,
            pace: float = interval,
            spy: Path | None = spy,
            late: dict[str, float] = late,
            lane_sections: list[int] = sections,
        ) -> None:
            writers = [
                httpx.Client(base_url=base, headers=auth(data.secretariat), timeout=30)
                for _ in lane_sections
            ]
            lanes = [version_lane(w, s) for w, s in zip(writers, lane_sections, strict=True)]
            with profiled(pids[0], spy):
                late["plenary"] = paced(pace, n, lanes)
            for writer in writers:
                writer.close()

        ours = subscribe_all(
            options.clients,
            subscribers,
            write_versions,
            pids[0],
            base=base,
            path=f"/v1/reports/{report_id}/stream",
            events=events,
            ticket_path=f"/v1/reports/{report_id}/stream-tickets",
            tokens=readers,
        )
        message = stream_message(base, report_id, data.chair)

        spied = options.profile and options.profile / f"sse-{subscribers}-ceiling.txt"

        def publish(
            n: int = events,
            pace: float = interval,
            body: bytes = message,
            spy: Path | None = spied,
            late: dict[str, float] = late,
        ) -> None:
            with httpx.Client(base_url=bare, timeout=30) as writer, profiled(pids[1], spy):
                lanes = [lambda: writer.post("/bare/publish", content=body)] * WRITE_LANES
                late["ceiling"] = paced(pace, n, lanes)

        # The ceiling's subscribers live in one process's memory: with several workers a
        # publish would reach one worker's share of them.
        ceiling = None
        if options.workers == 1:
            ceiling = subscribe_all(
                options.clients,
                subscribers,
                publish,
                pids[1],
                base=bare,
                path="/bare/stream",
                events=events,
            )
        rows += fan_out_rows(subscribers, events, interval, target, ours, ceiling)
        rows.append(
            Row(
                "  writer: latest write's start behind its schedule",
                late.get("plenary", float("inf")),
                "ms",
                None,
                "-",
                f"(reported; ceiling's {late.get('ceiling', float('nan')):.0f} ms)",
                True,
            )
        )
    return rows


def fan_out_rows(
    subscribers: int,
    events: int,
    interval: float,
    target: float,
    ours: FanOut,
    ceiling: FanOut | None,
) -> list[Row]:
    # The client is honest if it was never saturated: with CPU to spare, what it measured is
    # the servers' lateness, not its own (the ceiling, served and read the same way, shows
    # what is left to the client and the machine).
    runs = [("plenary", ours)] + ([("ceiling", ceiling)] if ceiling else [])
    busy = max(run.client_busy for _, run in runs)
    honest = busy < 0.8 and (ceiling is None or ceiling.complete == subscribers)
    served = f"{ours.complete}/{subscribers} got all {events}"
    for name, run in runs:
        if run.failed:
            print(f"  {name} fan-out failures: {run.failed}", file=sys.stderr)
    print(f"  worst lag per event ({subscribers}): {ours.worst_by_event}", file=sys.stderr)
    return [
        Row(
            f"SSE fan-out to {subscribers} subscribers, 1 event/{interval * 1000:.0f} ms, p99",
            ours.p99,
            "ms",
            ceiling.p99 if honest and ceiling else None,
            "bare StreamingResponse, same bytes, same client",
            f"< {target:.0f} ms, all served ({served})",
            honest and ours.p99 < target and ours.complete == subscribers,
        ),
        Row(
            "  the same, p50",
            ours.p50,
            "ms",
            ceiling.p50 if honest and ceiling else None,
            "-",
            "(reported)",
            True,
        ),
        Row(
            "  server CPU per event (plenary: the write and its fan-out)",
            ours.server_cpu * 1000 / events,
            "ms",
            ceiling.server_cpu * 1000 / events if ceiling else None,
            "-",
            "(reported)",
            True,
        ),
        Row(
            f"  client: busiest process's CPU share ({subscribers} streams)",
            busy * 100,
            "%",
            None,
            "-",
            f"< 80% (loop delay p99 {max(r.client_delay_p99 for _, r in runs):.1f} ms)",
            honest,
        ),
    ]


def worst_case_diff(base: str, data: Seeded) -> list[Row]:
    import random

    rng = random.Random(1)
    alphabet = "abcdefghijklmnopqrstuvwxyz     "
    one = "".join(rng.choice(alphabet) for _ in range(200_000))
    two = "".join(rng.choice(alphabet) for _ in range(200_000))
    with httpx.Client(base_url=base, headers=auth(data.secretariat), timeout=120) as client:
        imported = client.post(
            f"/v1/groups/{data.group_id}/reports/import",
            json={"markdown": "# Worst case\n\n" + one},
            headers=auth(data.secretariat),
        ).json()
        section_id = imported["outline"][0]["id"]
        client.post(f"/v1/sections/{section_id}/versions", json={"base_version": 1, "text": two})
    probe: dict[str, Any] = {}

    def run_probe() -> None:
        probe.update(
            run_client(
                "probe",
                base=base,
                path=f"/v1/sections/{data.section_10}",
                token=data.chair,
                seconds=4.0,
            )
        )

    # The same probe with no diff running first: the p99 the diff is compared with.
    quiet = run_client(
        "probe", base=base, path=f"/v1/sections/{data.section_10}", token=data.chair, seconds=3.0
    )
    prober = threading.Thread(target=run_probe)
    prober.start()
    time.sleep(1.0)
    with httpx.Client(base_url=base, headers=auth(data.chair), timeout=120) as client:
        start = time.perf_counter()
        answered = client.get(f"/v1/sections/{section_id}/diff?from=1&to=2")
        diff_ms = (time.perf_counter() - start) * 1000
    prober.join(60)
    p99 = float(probe.get("p99_ms", float("inf")))
    quiet_p99 = float(quiet.get("p99_ms", float("inf")))
    bound = Settings().diff_timeout_seconds * 1000 + 500  # the diff's own timeout, and its reply
    return [
        Row(
            "worst-case diff (two unrelated 200 KB texts)",
            diff_ms,
            "ms",
            None,
            "-",
            f"answered ({answered.status_code}) within timeout + 0.5 s ({bound:.0f} ms)",
            answered.status_code == 200 and diff_ms < bound,
        ),
        Row(
            "concurrent GET p99 during that diff",
            p99,
            "ms",
            quiet_p99,
            "the same GETs with no diff running",
            "<= 3x",
            p99 <= 3 * quiet_p99,
        ),
    ]


# --- output -----------------------------------------------------------------------------


def report(rows: list[Row], options: argparse.Namespace, url: str) -> None:
    header = f"{'metric':<58} {'plenary':>10} {'ceiling':>10} {'ratio':>7}  {'target':<34} result"
    engine = url.split(":", 1)[0]
    print(f"\nplenary on {engine}, {options.workers} worker process(es) for plenary and ceilings")
    print(header)
    print("-" * len(header))
    for row in rows:
        ceiling = "-" if row.ceiling is None else f"{row.ceiling:,.2f}"
        verdict = "PASS" if row.passed else "FAIL"
        print(
            f"{row.metric:<58} {row.plenary:>10,.2f} {ceiling:>10} {row.ratio:>7}  "
            f"{row.target:<34} {verdict}  ({row.unit})"
        )
    output = Path(options.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    output.write_text(
        json.dumps(
            {
                "commit": commit,
                "when": datetime.now(UTC).isoformat(),
                "database": engine,
                "workers": options.workers,
                "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
                "rows": [asdict(r) | {"ratio": r.ratio} for r in rows],
            },
            indent=2,
        )
    )
    print(f"\nwritten to {output}", file=sys.stderr)


if __name__ == "__main__":
    main()
