"""python -m bench.attacks: a legitimate write's latency while an attack runs (issue 29).

For each attack, in the same run and on the same `plenary serve`: a member's one-word
proposal on a small report of its own, sent on a fixed schedule (open loop: a stalled write
does not delay the next one's start, and each is timed from the moment it was due) from its
own process, first with nothing else running ("at rest"), then while the attack runs from
another process, and again (`--rounds`, 3 by default): rest and attack alternate, so that
the machine's other load, which moves from minute to minute, falls on both alike, and each
side's samples are pooled. The goal is the issue's: within 2x of the same writes at rest
(p50 and p99), and not one of them refused.

Rows (each bounded in count and in time):

- bad-token-proposals: twenty 1 MB proposals at once with invalid tokens (the issue's attack,
  which stalled a legitimate proposal for 42 s), a wave of them every second: 401, then 429
  from the address's failure limit, never a diff;
- over-rate-proposals: the same from one valid member token whose write rate is spent (429
  before any diff). The server runs with a write rate of one write per 50 s per token (the
  burst stays at its default), and the attacker spends its burst with small proposals
  first, so that every one of its 1 MB proposals is over the rate; at the default rate a
  token would have twenty 1 MB proposals a second within its rate, which is another question;
- observer-docx: observers posting Word files to the import, 20 a second (in turn one of
  ~50 KB zipped, ~3.4 MB of XML, and one of 250,000 paragraphs): 403 before the file is read;
- secretariat-docx: the secretariat posting the 250,000-paragraph file: read in the worker
  process, before the write transaction, and stopped after DOCX_READ_SECONDS (413);
- bad-tokens-shared-address: 25 requests a second with bad tokens from the address the
  members write from (127.0.0.1): the members' valid tokens must never get 429.

`--flood` sends the waves of 1 MB proposals back to back and the observers' files from four
senders back to back: what is left then is receiving the bytes. Prints one table and writes
bench/results/attacks-<engine>.json.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import io
import json
import multiprocessing
import os
import random
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The children (legitimate writer, attackers) are spawned and import this module: the app
# and the seeding code are imported inside the functions that need them, so that a child
# holds no more than httpx (its collector stays off; a big heap would not).

ROWS = (
    "bad-token-proposals",
    "over-rate-proposals",
    "observer-docx",
    "secretariat-docx",
    "bad-tokens-shared-address",
)
WRITE_RATE_PER_SECOND = 0.02  # see the module's docstring: every attacker write is over it
LEGIT_SECTIONS = 8
OBSERVER_PARAGRAPHS = 55_000  # ~50 KB zipped, ~3.4 MB of XML
HUGE_PARAGRAPHS = 250_000


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def bad_token() -> str:
    return f"plen_{secrets.token_urlsafe(32)}"


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def huge_text() -> str:
    rng = random.Random(1)
    vocabulary = [f"{w}{n}" for w in ("alpha", "beta", "gamma", "delta") for n in range(300)]
    return " ".join(rng.choice(vocabulary) for _ in range(200_000))[:1_000_000]


def word_file(paragraphs: int) -> bytes:
    """A Word file of `paragraphs` identical paragraphs: python-docx's blank document with
    its body filled in (writing them through python-docx would take the client minutes)."""
    import docx

    blank = io.BytesIO()
    docx.Document().save(blank)
    paragraph = "<w:p><w:r><w:t>A paragraph of a Word file that nobody asked for.</w:t></w:r></w:p>"
    out = io.BytesIO()
    with zipfile.ZipFile(blank) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "word/document.xml":
                xml = content.decode("utf-8")
                start = xml.index("<w:body>") + len("<w:body>")
                content = (xml[:start] + paragraph * paragraphs + xml[start:]).encode("utf-8")
            dst.writestr(info.filename, content)
    return out.getvalue()


# --- the processes ----------------------------------------------------------------------


async def _wait(event: Any) -> None:
    await asyncio.to_thread(event.wait)


async def legit_writes(p: dict[str, Any], ready: Any, go: Any, stop: Any) -> dict[str, Any]:
    """One-word proposals, `per_second` of them on a fixed schedule, spread over the members'
    tokens and the report's sections, for `seconds` or until `stop`; each timed from the
    moment it was due."""
    targets = [(int(section), str(text)) for section, text in p["targets"]]
    tokens: list[str] = p["tokens"]
    interval = 1.0 / p["per_second"]
    latencies: list[float] = []
    served: list[float] = []
    statuses: Counter[str] = Counter()
    behind = 0.0
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=32)
    async with httpx.AsyncClient(base_url=p["base"], timeout=120, limits=limits) as client:
        await asyncio.gather(*(client.get("/healthz") for _ in range(4)))
        ready.set()
        await _wait(go)

        async def one(n: int, due: float) -> None:
            section, text = targets[n % len(targets)]
            words = text.split(" ")
            words[(n * 7) % len(words)] = f"amended{n}"
            body = {"base_version": 1, "text": " ".join(words), "kind": "substantive"}
            try:
                answer = await client.post(
                    f"/v1/sections/{section}/amendments",
                    json=body,
                    headers=auth(tokens[n % len(tokens)]),
                )
            except httpx.HTTPError as error:
                statuses[type(error).__name__] += 1
                return
            statuses[str(answer.status_code)] += 1
            if answer.status_code == 201:
                latencies.append((time.perf_counter() - due) * 1000)
                served.append(float(answer.headers["server-timing"].split("dur=")[1]))

        start = time.perf_counter()
        tasks = []
        n = 0
        while not stop.is_set():
            due = start + n * interval
            if due - start >= p["seconds"]:
                break
            wait = due - time.perf_counter()
            if wait > 0:
                await asyncio.sleep(wait)
            behind = max(behind, (time.perf_counter() - due) * 1000)
            tasks.append(asyncio.create_task(one(n, due)))
            n += 1
        await asyncio.gather(*tasks)
    return {
        "latencies_ms": latencies,
        "server_ms": served,
        "statuses": dict(statuses),
        "sent": n,
        "sender_behind_ms": behind,
        "seconds": time.perf_counter() - start,
    }


async def _post_counted(
    client: httpx.AsyncClient, answers: Counter[str], url: str, **kwargs: Any
) -> None:
    try:
        answer = await client.post(url, **kwargs)
    except httpx.HTTPError as error:
        answers[type(error).__name__] += 1
        return
    answers[str(answer.status_code)] += 1


async def big_proposals(p: dict[str, Any], ready: Any, go: Any, stop: Any) -> dict[str, Any]:
    """Waves of `concurrency` 1 MB proposals at once, one wave every `wave_every` seconds (0:
    back to back), for `seconds` (at most `waves`): with invalid tokens, or with `token`."""
    body = json.dumps({"base_version": 1, "text": huge_text(), "kind": "substantive"}).encode()
    answers: Counter[str] = Counter()
    slowest = 0.0
    limits = httpx.Limits(max_connections=p["concurrency"])
    url = f"/v1/sections/{p['section']}/amendments"
    async with httpx.AsyncClient(base_url=p["base"], timeout=120, limits=limits) as client:
        await asyncio.gather(*(client.get("/healthz") for _ in range(p["concurrency"])))
        ready.set()
        await _wait(go)
        start, cpu = time.monotonic(), time.process_time()
        waves = 0
        while waves < p["waves"] and time.monotonic() - start < p["seconds"]:
            began = time.monotonic()
            await asyncio.gather(
                *(
                    _post_counted(
                        client,
                        answers,
                        url,
                        content=body,
                        headers={
                            **auth(p["token"] or bad_token()),
                            "Content-Type": "application/json",
                        },
                    )
                    for _ in range(p["concurrency"])
                )
            )
            waves += 1
            slowest = max(slowest, time.monotonic() - began)
            wait = start + waves * p["wave_every"] - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
    return {
        "answers": dict(answers),
        "waves": waves,
        "slowest_wave_ms": slowest * 1000,
        "seconds": time.monotonic() - start,
        "client_cpu_share": (time.process_time() - cpu) / (time.monotonic() - start),
    }


async def word_files(p: dict[str, Any], ready: Any, go: Any, stop: Any) -> dict[str, Any]:
    """Word files posted to the import by `tokens` in turn, `per_second` of them on a fixed
    schedule (0: `concurrency` senders back to back), for `seconds` (at most `requests`);
    `sizes` says which files (paragraph counts), in turn."""
    files = [word_file(paragraphs) for paragraphs in p["sizes"]]
    answers: Counter[str] = Counter()
    took: list[float] = []
    url = f"/v1/groups/{p['group_id']}/reports/import/docx"
    async with httpx.AsyncClient(base_url=p["base"], timeout=180) as client:
        await asyncio.gather(*(client.get("/healthz") for _ in range(4)))
        ready.set()
        await _wait(go)
        start, cpu = time.monotonic(), time.process_time()
        sent = 0

        async def one(n: int) -> None:
            began = time.perf_counter()
            await _post_counted(
                client,
                answers,
                url,
                content=files[n % len(files)],
                headers={
                    **auth(p["tokens"][n % len(p["tokens"])]),
                    "Content-Type": "application/vnd.openxmlformats-officedocument"
                    ".wordprocessingml.document",
                },
            )
            took.append((time.perf_counter() - began) * 1000)

        def more() -> bool:
            return sent < p["requests"] and time.monotonic() - start < p["seconds"]

        async def sender() -> None:
            nonlocal sent
            while more():
                sent += 1
                await one(sent - 1)

        if p["per_second"] > 0:
            tasks = []
            while more():
                wait = start + sent / p["per_second"] - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                tasks.append(asyncio.create_task(one(sent)))
                sent += 1
            await asyncio.gather(*tasks)
        else:
            await asyncio.gather(*(sender() for _ in range(p["concurrency"])))
    return {
        "answers": dict(answers),
        "file_bytes": [len(f) for f in files],
        "slowest_answer_ms": max(took) if took else 0.0,
        "seconds": time.monotonic() - start,
        "client_cpu_share": (time.process_time() - cpu) / (time.monotonic() - start),
    }


async def bad_token_stream(p: dict[str, Any], ready: Any, go: Any, stop: Any) -> dict[str, Any]:
    """Small proposals with bad tokens, `per_second` of them on a fixed schedule, for
    `seconds`."""
    answers: Counter[str] = Counter()
    url = f"/v1/sections/{p['section']}/amendments"
    body = {"base_version": 1, "text": "A guess.", "kind": "substantive"}
    async with httpx.AsyncClient(base_url=p["base"], timeout=60) as client:
        await client.get("/healthz")
        ready.set()
        await _wait(go)
        start, cpu = time.perf_counter(), time.process_time()
        tasks = []
        n = 0
        while (due := start + n / p["per_second"]) - start < p["seconds"]:
            wait = due - time.perf_counter()
            if wait > 0:
                await asyncio.sleep(wait)
            tasks.append(
                asyncio.create_task(
                    _post_counted(client, answers, url, json=body, headers=auth(bad_token()))
                )
            )
            n += 1
        await asyncio.gather(*tasks)
    return {
        "answers": dict(answers),
        "sent": n,
        "seconds": time.perf_counter() - start,
        "client_cpu_share": (time.process_time() - cpu) / (time.perf_counter() - start),
    }


KINDS = {
    "legit": legit_writes,
    "big-proposals": big_proposals,
    "word-files": word_files,
    "bad-token-stream": bad_token_stream,
}


def child(kind: str, params: dict[str, Any], ready: Any, go: Any, stop: Any, out: Any) -> None:
    # A child lives seconds: a collection pausing it mid-measurement would count as latency.
    gc.disable()
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    try:
        out.put(asyncio.run(KINDS[kind](params, ready, go, stop)))
    except BaseException as error:  # the parent must hear of it, not wait for a result
        out.put({"error": repr(error)})
        raise


# --- the parent -------------------------------------------------------------------------


@dataclass
class Room:
    base: str
    group_id: int
    secretariat: str
    members: list[str]  # the legitimate writers
    attacker: str  # a member too, whose write rate the over-rate row spends
    observers: list[str]
    targets: list[tuple[int, str]]  # the legitimate writes' sections and their texts
    big_section: int  # on another report: the attacks' 1 MB proposals go there
    scratch_section: int


@dataclass
class Result:
    row: str
    rest: dict[str, Any]
    during: dict[str, Any]
    attack: dict[str, Any]
    extra: dict[str, Any] = field(default_factory=dict)

    def p(self, phase: str, q: float) -> float:
        return percentile(getattr(self, phase)["latencies_ms"], q)

    def ratio(self, q: float) -> float:
        return self.p("during", q) / self.p("rest", q)

    def refused(self, phase: str) -> int:
        """Legitimate writes not answered 201 (a 429 among them, an error, a timeout)."""
        statuses: dict[str, int] = getattr(self, phase)["statuses"]
        return sum(count for status, count in statuses.items() if status != "201")

    @property
    def passed(self) -> bool:
        return (
            self.ratio(50) <= 2.0
            and self.ratio(99) <= 2.0
            and self.refused("rest") == 0
            and self.refused("during") == 0
        )


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (Linux), 0 where /proc is missing."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Phases:
    def __init__(self, room: Room, per_second: float, server_pid: int) -> None:
        self.server_pid = server_pid
        self.room = room
        self.per_second = per_second
        self.spawn = multiprocessing.get_context("spawn")

    def legit_params(self, seconds: float) -> dict[str, Any]:
        return {
            "base": self.room.base,
            "targets": self.room.targets,
            "tokens": self.room.members,
            "per_second": self.per_second,
            "seconds": seconds,
        }

    def run(
        self, seconds: float, attack: tuple[str, dict[str, Any]] | None = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """The legitimate writes for `seconds`, or, with an attack, from the moment both are
        ready until the attack ends (`seconds` bounds it too)."""
        go, stop = self.spawn.Event(), self.spawn.Event()
        processes = []
        queues = []
        readies = []
        jobs = [("legit", self.legit_params(seconds))]
        if attack is not None:
            jobs.append(attack)
        for kind, params in jobs:
            ready, out = self.spawn.Event(), self.spawn.Queue()
            process = self.spawn.Process(target=child, args=(kind, params, ready, go, stop, out))
            process.start()
            processes.append(process)
            queues.append(out)
            readies.append(ready)
        try:
            for ready, process in zip(readies, processes, strict=True):
                deadline = time.monotonic() + 120
                while not ready.wait(0.5):
                    if not process.is_alive() or time.monotonic() > deadline:
                        raise RuntimeError(f"a client did not start: {queues}")
            began, cpu = time.monotonic(), cpu_seconds(self.server_pid)
            go.set()
            attacked: dict[str, Any] = {}
            if attack is not None:
                attacked = queues[1].get(timeout=seconds + 240)
                stop.set()
            legit = queues[0].get(timeout=seconds + 240)
            legit["server_cpu_share"] = (cpu_seconds(self.server_pid) - cpu) / (
                time.monotonic() - began
            )
        finally:
            stop.set()
            for process in processes:
                process.join(30)
                if process.is_alive():
                    process.terminate()
        for answer in (legit, attacked):
            if "error" in answer:
                raise RuntimeError(answer["error"])
        return legit, attacked


def spend_write_rate(room: Room) -> int:
    """Small proposals with the attacker's token until its write rate answers 429."""
    with httpx.Client(base_url=room.base, timeout=60, headers=auth(room.attacker)) as client:
        for n in range(1, 2000):
            answer = client.post(
                f"/v1/sections/{room.scratch_section}/amendments",
                json={"base_version": 1, "text": f"Spent {n}.", "kind": "substantive"},
            )
            if answer.status_code == 429:
                return n - 1
            assert answer.status_code == 201, answer.text
    raise RuntimeError("the attacker's write rate was never spent")


def attack_of(room: Room, row: str, window: float, flood: bool) -> tuple[str, dict[str, Any]]:
    """The attack of `row`: which child, and its parameters."""
    if row in ("bad-token-proposals", "over-rate-proposals"):
        return (
            "big-proposals",
            {
                "base": room.base,
                "section": room.big_section,
                "token": room.attacker if row == "over-rate-proposals" else None,
                "concurrency": 20,
                "wave_every": 0.0 if flood else 1.0,
                "seconds": window,
                "waves": 1000,
            },
        )
    if row == "observer-docx":
        return (
            "word-files",
            {
                "base": room.base,
                "group_id": room.group_id,
                "tokens": room.observers,
                "sizes": [OBSERVER_PARAGRAPHS, HUGE_PARAGRAPHS],
                "per_second": 0 if flood else 20,
                "concurrency": 4,
                "seconds": window,
                "requests": 2000,
            },
        )
    if row == "secretariat-docx":
        return (
            "word-files",
            {
                "base": room.base,
                "group_id": room.group_id,
                "tokens": [room.secretariat],
                "sizes": [HUGE_PARAGRAPHS],
                "per_second": 0,
                "concurrency": 1,
                "seconds": 1,  # one file: its read is bounded by DOCX_READ_SECONDS
                "requests": 1,
            },
        )
    return (
        "bad-token-stream",
        {"base": room.base, "section": room.big_section, "per_second": 25, "seconds": window},
    )


def pooled(phases: list[dict[str, Any]]) -> dict[str, Any]:
    """The legitimate writes of several phases as one sample."""
    seconds = sum(p["seconds"] for p in phases)
    statuses: Counter[str] = Counter()
    for phase in phases:
        statuses.update(phase["statuses"])
    return {
        "latencies_ms": [ms for p in phases for ms in p["latencies_ms"]],
        "server_ms": [ms for p in phases for ms in p["server_ms"]],
        "statuses": dict(statuses),
        "sent": sum(p["sent"] for p in phases),
        "sender_behind_ms": max(p["sender_behind_ms"] for p in phases),
        "seconds": seconds,
        "server_cpu_share": sum(p["server_cpu_share"] * p["seconds"] for p in phases) / seconds,
    }


def merged(attacks: list[dict[str, Any]]) -> dict[str, Any]:
    answers: Counter[str] = Counter()
    for attack in attacks:
        answers.update(attack["answers"])
    rounds = [{k: v for k, v in a.items() if k != "answers"} for a in attacks]
    return {"answers": dict(answers), "rounds": rounds}


def measure(
    phases: Phases, row: str, rest: float, window: float, flood: bool, rounds: int
) -> Result:
    """`rounds` times: the legitimate writes at rest, then while the attack runs. Rest and
    attack alternate so that the machine's other load, which moves from minute to minute,
    falls on both alike; the samples of each are pooled."""
    room = phases.room
    rests, durings, attacks, per_round = [], [], [], []
    load = os.getloadavg()[0]
    for n in range(rounds):
        extra: dict[str, Any] = {}
        time.sleep(2.0)  # the last phase's failures leave the address's bucket
        print(f"  {row} {n + 1}/{rounds}: at rest ...", file=sys.stderr)
        at_rest, _ = phases.run(rest)
        if row == "over-rate-proposals":  # spent again just before: it refills a little
            extra["small_writes_spent"] = spend_write_rate(room)
        print(f"  {row} {n + 1}/{rounds}: under attack ...", file=sys.stderr)
        bound = 120.0 if row == "secretariat-docx" else window
        during, attacked = phases.run(bound, attack_of(room, row, window, flood))
        rests.append(at_rest)
        durings.append(during)
        attacks.append(attacked)
        per_round.append(
            {
                **extra,
                "rest_p50_p99_ms": [percentile(at_rest["latencies_ms"], q) for q in (50, 99)],
                "during_p50_p99_ms": [percentile(during["latencies_ms"], q) for q in (50, 99)],
            }
        )
    return Result(
        row,
        pooled(rests),
        pooled(durings),
        merged(attacks),
        {"load_before": load, "rounds": per_round},
    )


def seed_data(url: str) -> Any:
    """The group, its people and the 200-section report (bench/seed.py), straight into the
    database before the server starts."""
    from app.wiring import open_database
    from bench.seed import seed

    database = open_database(url)
    data = seed(database, voters=40, observers=10, deep=10)
    database.dispose()
    return data


def open_room(data: Any, base: str) -> Room:
    """The legitimate writers' own report, made through the API as a secretariat would."""
    markdown = "\n\n".join(
        f"# {n + 1}. Part {n + 1}\n\nThe group heard every stakeholder on part {n + 1} and "
        "agreed on the wording below, which the members may amend word by word as they read."
        for n in range(LEGIT_SECTIONS)
    )
    with httpx.Client(base_url=base, timeout=60) as client:
        made = client.post(
            f"/v1/groups/{data.group_id}/reports/import",
            json={"markdown": markdown + "\n", "title": "Legitimate writes"},
            headers=auth(data.secretariat),
        )
        assert made.status_code == 201, made.text
        targets = []
        for entry in made.json()["outline"]:
            section = client.get(f"/v1/sections/{entry['id']}", headers=auth(data.chair))
            assert section.status_code == 200, section.text
            targets.append((int(entry["id"]), section.json()["head"]["text"]))
    return Room(
        base=base,
        group_id=data.group_id,
        secretariat=data.secretariat,
        members=data.members[:-1],
        attacker=data.members[-1],
        observers=data.observers,
        targets=targets,
        big_section=data.big_section,
        scratch_section=data.sections[1],
    )


def warm_up(phases: Phases) -> None:
    """Writes not counted: the first ones compile statements and fill the process's caches."""
    phases.run(3.0)


def _counts(answers: dict[str, int]) -> str:
    return " ".join(f"{status}:{count}" for status, count in sorted(answers.items())) or "-"


def report(
    results: list[Result], engine: str, commit: str, options: argparse.Namespace, load: str
) -> None:
    kind = ("quick" if options.quick else "full") + (", flood" if options.flood else "")
    print(
        f"\nplenary under attack ({engine}, commit {commit}, {kind} run; legitimate one-word "
        f"proposals at {options.rate:g}/s, open loop, round trip from the moment each was due; "
        f"{options.rounds} rounds of rest then attack per row, pooled; 1-minute load average "
        f"{load})"
    )
    header = (
        f"{'row':<26} {'load':>5} {'rest p50':>9} {'p99':>7} {'during p50':>11} {'p99':>7} "
        f"{'x p50':>6} {'x p99':>6}  {'goal':<7} {'result':<6} {'n rest/during':>13} "
        f"{'legit not 201':>13}  attack answers"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r.row:<26} {r.extra['load_before']:>5.1f} "
            f"{r.p('rest', 50):>7.1f}ms {r.p('rest', 99):>5.1f}ms "
            f"{r.p('during', 50):>9.1f}ms {r.p('during', 99):>5.1f}ms "
            f"{r.ratio(50):>5.2f}x {r.ratio(99):>5.2f}x  {'<= 2x':<7} "
            f"{'PASS' if r.passed else 'FAIL':<6} "
            f"{len(r.rest['latencies_ms']):>6}/{len(r.during['latencies_ms']):<6} "
            f"{r.refused('rest'):>6}/{r.refused('during'):<6}  {_counts(r.attack['answers'])}"
        )
    print("\nnotes:", file=sys.stderr)
    for r in results:
        during, rest = r.during, r.rest
        rounds = " ".join(
            "{:.0f}/{:.0f}->{:.0f}/{:.0f}".format(*x["rest_p50_p99_ms"], *x["during_p50_p99_ms"])
            for x in r.extra["rounds"]
        )
        print(
            f"  {r.row}: during {during['seconds']:.1f} s, legit statuses {during['statuses']}; "
            f"server time p50 {statistics.median(during['server_ms'] or [0]):.1f} ms "
            f"(rest {statistics.median(rest['server_ms'] or [0]):.1f}); server CPU "
            f"{during['server_cpu_share']:.0%} of a core (rest {rest['server_cpu_share']:.0%}); "
            f"legit sender behind its schedule <= {during['sender_behind_ms']:.0f} ms\n"
            f"    by round (p50/p99 ms, rest->during): {rounds}\n"
            f"    attack {r.attack['rounds']}",
            file=sys.stderr,
        )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.attacks")
    parser.add_argument("--database", help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--only", nargs="*", choices=ROWS, help="run only these rows")
    parser.add_argument("--quick", action="store_true", help="shorter phases (a smoke run)")
    parser.add_argument("--rate", type=float, help="legitimate writes per second")
    parser.add_argument(
        "--flood",
        action="store_true",
        help="send the 1 MB proposals' waves and the observers' files back to back, not paced",
    )
    parser.add_argument(
        "--rounds", type=int, help="rest and attack phases per row, alternating (default 3)"
    )
    parser.add_argument("--output", help="JSON results (default: bench/results/attacks-ENGINE)")
    options = parser.parse_args()
    rest, window = (4.0, 4.0) if options.quick else (10.0, 10.0)
    # Paced well below what the server serves with a fraction of a core: on a shared machine
    # an open-loop writer at the server's capacity measures its queue, not the attack.
    options.rate = options.rate or 5.0
    options.rounds = options.rounds or (1 if options.quick else 3)

    from app.config import Settings
    from app.migrate import upgrade
    from bench.__main__ import free_port, server

    workdir = Path(tempfile.mkdtemp(prefix="plenary-attacks-"))
    url = options.database or f"sqlite:///{workdir / 'attacks.db'}"
    engine = url.split(":", 1)[0].split("+")[0]
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    upgrade(Settings(database_url=url))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "PLENARY_DATABASE_URL": url,
        "PYTHONPATH": str(ROOT),
        "PLENARY_WRITE_RATE_PER_SECOND": str(WRITE_RATE_PER_SECOND),
    }
    command = [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1"]
    results: list[Result] = []
    started = time.monotonic()
    load_before = os.getloadavg()[0]
    print(f"seeding {url} ...", file=sys.stderr)
    data = seed_data(url)
    with server([*command, "--port", str(port)], env, f"{base}/healthz") as serving:
        phases = Phases(open_room(data, base), options.rate, serving.pid)
        warm_up(phases)
        for row in options.only or ROWS:
            results.append(measure(phases, row, rest, window, options.flood, options.rounds))
    print(f"ran in {time.monotonic() - started:.0f} s", file=sys.stderr)
    load = f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
    report(results, engine, commit, options, load)
    output = Path(options.output or ROOT / "bench" / "results" / f"attacks-{engine}.json")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(
        json.dumps(
            {
                "commit": commit,
                "database": engine,
                "quick": options.quick,
                "flood": options.flood,
                "legit_per_second": options.rate,
                "rounds": options.rounds,
                "load_average": load,
                "rows": [
                    {
                        "row": r.row,
                        "rest_p50_ms": r.p("rest", 50),
                        "rest_p99_ms": r.p("rest", 99),
                        "during_p50_ms": r.p("during", 50),
                        "during_p99_ms": r.p("during", 99),
                        "passed": r.passed,
                        "legit_statuses_rest": r.rest["statuses"],
                        "legit_statuses_during": r.during["statuses"],
                        "attack": r.attack,
                        "load_before": r.extra["load_before"],
                        "rounds": r.extra["rounds"],
                    }
                    for r in results
                ],
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
