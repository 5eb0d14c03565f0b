"""The growth table of `python -m bench`: the same requests on a room and a report ten times
larger, as the ratio of the 10x figure to the 1x figure.

1x: 200 sections (~1 KB each), 40 voters, 1,000 open amendments, 100,000 events.
10x: 2,000 sections, 400 voters, 10,000 open amendments, 1,000,000 events.
(`python -m bench.growth`; inside `python -m bench` the logs are ten times shorter,
`--growth-events`, so that a whole run fits in five minutes: verifying a million events
alone takes minutes.)

Both are built beside each other in the bench's database, through plenary's own code where
correctness matters and in bulk where it does not change what is measured:

- the group, its people (each redeems an invitation with a signing key) and the report:
  `bench/seed.py`, through plenary's services;
- 200 open amendments through plenary's own proposal code, on sections spread over the
  report, each then copied (the same proposer's same wording on the same base) up to 1,000
  or 10,000: 5 or 50 to such a section;
- the event log: copies of the report's own small events, chained by plenary's own hash rule
  (`app/events/chain.py`, checked against `event_digest` itself for each kind of copy) and
  bulk-inserted (executemany on SQLite, COPY on PostgreSQL), so that `verify` checks a
  genuine chain.

What is timed then goes through the API, as in the rest of the bench.
"""

from __future__ import annotations

import hashlib
import statistics
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import insert, select, update

from app.amendments.models import Amendment, AmendmentKind
from app.amendments.proposals import propose_amendment
from app.auth import Principal, hash_token
from app.config import Settings
from app.db import Database
from app.events.chain import canonical_json, event_digest, moment
from app.events.models import Event
from app.groups.models import Participant, Token
from app.reports.models import Report, Section, Version
from bench.seed import Seeded, seed, signed_answer


@dataclass
class Scaled:
    factor: int
    data: Seeded
    events: int
    middle_event: int  # an event id half-way through the log (a resume from there)
    built_s: float


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _participant(session: Any, token: str) -> Participant:
    participant_id = session.scalar(
        select(Token.participant_id).where(Token.token_hash == hash_token(token))
    )
    participant = session.get(Participant, participant_id)
    if participant is None:
        raise RuntimeError("a seeded token has no participant")
    return participant  # type: ignore[no-any-return]


def build(database: Database, factor: int, *, events_per_x: int = 100_000) -> Scaled:
    started = time.perf_counter()
    import sys

    data = seed(
        database,
        voters=40 * factor,
        observers=2,
        deep=10,
        sections=200 * factor,
        name=f"Growth x{factor}",
    )
    print(f"  {factor}x seeded: {time.perf_counter() - started:.1f}s", file=sys.stderr)
    _open_amendments(database, data, total=1_000 * factor)
    print(f"  {factor}x amendments: {time.perf_counter() - started:.1f}s", file=sys.stderr)
    events, middle = _event_log(database, data.report_id, events_per_x * factor)
    print(f"  {factor}x events: {time.perf_counter() - started:.1f}s", file=sys.stderr)
    return Scaled(factor, data, events, middle, time.perf_counter() - started)


def busy_sections(data: Seeded) -> list[int]:
    """The 200 sections spread over the report that carry its open amendments (every section
    at 1x, every tenth at 10x): the rows that touch a section take theirs from these, so
    that both scales' samples land where the amendments are."""
    return data.sections[:: max(1, len(data.sections) // 200)][:200]


def _open_amendments(database: Database, data: Seeded, total: int) -> None:
    """`total` open amendments: one proposed through plenary's own code on each of 200
    sections spread over the report (a transaction each, as the server makes them), each
    then copied (the same proposer's same wording on the same base) up to `total`. The 10x
    report's amendments sit 50 to a section, the 1x report's 5: busy sections get busier."""
    timeout = Settings().diff_timeout_seconds
    chosen = busy_sections(data)
    for n, section_id in enumerate(chosen):
        # One transaction each (a placed outline is kept after a writer's commit:
        # app/reports/outline.py).
        with database.session() as session:
            proposer = _participant(session, data.members[n % len(data.members)])
            head = session.scalar(
                select(Version.text)
                .join(Section, Section.id == Version.section_id)
                .where(Section.id == section_id, Version.number == Section.head_version)
            )
            propose_amendment(
                session,
                section_id=section_id,
                caller=Principal(token_id=None, participant=proposer),
                base_version=1,
                text=f"{head} Proposed in growth.",
                patch=None,
                rationale="",
                kind=AmendmentKind.substantive,
                alternative_to=None,
                consent_deadline=None,
                timeout=timeout,
            )
    copies = total // len(chosen) - 1
    table = Amendment.__table__
    with database.engine.begin() as connection:
        rows = [
            {k: v for k, v in row.items() if k != "id"}
            for row in connection.execute(
                select(table).where(table.c.report_id == data.report_id)
            ).mappings()
        ]
        for _ in range(copies):
            connection.execute(insert(table), rows)


def _event_log(database: Database, report_id: int, total: int) -> tuple[int, int]:
    """Brings the report's log to `total` events: copies of its own small events, each
    chained to the one before by plenary's hash rule, written with the driver's bulk path
    (executemany on SQLite, COPY on PostgreSQL). Returns (events, the middle one's id)."""
    table = Event.__table__
    columns = [c.name for c in table.columns if c.name != "id"]
    postgres = database.engine.dialect.name == "postgresql"
    with database.engine.begin() as connection:
        existing = list(
            connection.execute(
                select(table).where(table.c.report_id == report_id).order_by(table.c.seq)
            ).mappings()
        )
        last = existing[-1]
        # Every copy carries the time of the log's last event, in the form the column holds.
        stamp = connection.exec_driver_sql(
            f"SELECT created_at FROM event WHERE id = {int(last['id'])}"
        ).scalar()
        templates = [e for e in existing if len(canonical_json(e["payload"])) < 400]
        payloads = [canonical_json(t["payload"]) for t in templates]
        # plenary's hash rule (`event_digest`) in a tight loop: the hashed body is canonical
        # JSON with sorted keys, and of it only `seq` changes from one copy of a template to
        # the next, so each template's text around `seq` is made once (checked below against
        # `event_digest` itself for every template).
        when = moment(last["created_at"])
        parts = []
        for template in templates:
            head = canonical_json(
                {
                    "actor_commitment": template["actor_commitment"],
                    "created_at": when,
                    "payload": template["payload"],
                    "report_id": report_id,
                }
            )[:-1]
            tail = "," + canonical_json({"type": template["type"]})[1:]
            parts.append((head + ',"seq":', tail))
        seq, prev = last["seq"], last["hash"]
        rows: list[tuple[Any, ...]] = []
        sha256 = hashlib.sha256
        count = len(templates)
        positions = {c: i for i, c in enumerate(columns)}
        at_seq, at_prev, at_hash = positions["seq"], positions["prev_hash"], positions["hash"]
        shapes = []
        for k, template in enumerate(templates):
            shape = [template[c] for c in columns]
            shape[positions["created_at"]] = stamp
            shape[positions["payload"]] = payloads[k]
            shapes.append(shape)
        for n in range(total - len(existing)):
            k = n % count
            seq += 1
            head, tail = parts[k]
            digest = sha256(f"{prev}{head}{seq}{tail}".encode()).hexdigest()
            if n < count and digest != event_digest(
                prev_hash=prev,
                report_id=report_id,
                seq=seq,
                type=templates[k]["type"],
                actor_commitment=templates[k]["actor_commitment"],
                payload=templates[k]["payload"],
                created_at=last["created_at"],
            ):
                raise RuntimeError("the tight loop's hash is not plenary's")
            row = shapes[k].copy()
            row[at_seq], row[at_prev], row[at_hash] = seq, prev, digest
            rows.append(tuple(row))
            prev = digest
        driver = connection.connection.driver_connection
        names = ", ".join(columns)
        if postgres:
            # No trigger per row (the report's head is set once below) and no NOTIFY per row
            # to the running server: a million of them would load what is measured.
            connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
            with driver.cursor() as cursor, cursor.copy(f"COPY event ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" for _ in columns)
            driver.executemany(f"INSERT INTO event ({names}) VALUES ({marks})", rows)
        connection.execute(
            update(Report.__table__)
            .where(Report.__table__.c.id == report_id)
            .values(event_seq=seq, event_hash=prev)
        )
        if postgres:
            connection.exec_driver_sql("ANALYZE event")  # as autovacuum would after such a load
        middle = connection.execute(
            select(table.c.id).where(table.c.report_id == report_id, table.c.seq == seq // 2)
        ).scalar_one()
    return seq, int(middle)


# --- measurements -------------------------------------------------------------------------


def _timed(call: Callable[[], httpx.Response], expect: int = 200) -> float:
    start = time.perf_counter()
    response = call()
    took = (time.perf_counter() - start) * 1000
    if response.status_code != expect:
        raise RuntimeError(f"{response.request.url}: {response.status_code} {response.text[:300]}")
    return took


# The two scales' samples of each row come in blocks, alternating which scale goes first
# (1x, 10x; 10x, 1x; ...), each block after an untimed wake-up request on its own scale: a
# swing of the machine's load falls on both sides of the ratio. (Measured one scale after
# the other, minutes apart, the ratio followed the machine: 1.61-1.67x in one run, 0.74-1.07x
# in the rerun, for the same code.)
SAMPLES = {True: 6, False: 15}  # per scale and row, by --quick
BLOCK = {True: 2, False: 3}  # samples per block


@dataclass
class _Side:
    """One scale's clients, and what its rows hand on to the next (the proposals adopt)."""

    scaled: Scaled
    chair: httpx.Client
    writer: httpx.Client
    anyone: httpx.Client
    proposed: list[int] = field(default_factory=list)
    small: str = ""  # the consent row's small report (path) and its sections
    small_sections: list[int] = field(default_factory=list)

    @property
    def data(self) -> Seeded:
        return self.scaled.data

    @property
    def readers(self) -> list[str]:
        return [self.data.chair, *self.data.members]

    @property
    def path(self) -> str:
        return f"/v1/reports/{self.data.report_id}"

    def wake(self) -> None:
        """An untimed read on this scale's report, through the whole stack: the first
        request after the other scale's block meets colder caches than the next."""
        self.writer.get(f"/v1/sections/{self.data.sections[-1]}").raise_for_status()


Sample = Callable[[_Side, int], list[float]]  # the n-th sample: preconditions, then timed


def interleaved(
    sides: tuple[_Side, _Side],
    count: int,
    block: int,
    sample: Sample,
    wake: Callable[[_Side], object] = _Side.wake,
) -> list[tuple[list[float], list[float]]]:
    """`count` samples per scale in blocks of `block`, the scales alternating and the first
    of each pair of blocks alternating too, each block after `wake` on its own scale.
    Returns each pair of blocks' samples as (1x, 10x)."""
    pairs = []
    for number, start in enumerate(range(0, count, block)):
        got: dict[int, list[float]] = {}
        order = sides if number % 2 == 0 else (sides[1], sides[0])
        for side in order:
            wake(side)
            got[side.scaled.factor] = [
                took for n in range(start, min(count, start + block)) for took in sample(side, n)
            ]
        pairs.append((got[sides[0].scaled.factor], got[sides[1].scaled.factor]))
    return pairs


def _read(side: _Side, n: int) -> list[float]:
    """A section changed since its last read, read by four members in turn (the first read
    after a change also places the outline again)."""
    busy = busy_sections(side.data)
    section_id = busy[(n * 7) % len(busy)]
    read = side.writer.get(f"/v1/sections/{section_id}").json()
    side.writer.post(
        f"/v1/sections/{section_id}/versions",
        json={"base_version": read["head_version"], "text": read["head"]["text"] + "!"},
    ).raise_for_status()
    times = []
    for k in range(4):
        token = side.readers[(n * 4 + k) % len(side.readers)]

        def get(t: str = token) -> httpx.Response:
            return side.anyone.get(f"/v1/sections/{section_id}", headers=_auth(t))

        times.append(_timed(get))
    return times


def _propose(side: _Side, n: int) -> list[float]:
    """A one-word change proposed by a member; the amendment is kept for the adopt row."""
    data = side.data
    busy = busy_sections(data)
    section_id = busy[(n * 13 + 3) % len(busy)]
    read = side.writer.get(f"/v1/sections/{section_id}").json()
    words = read["head"]["text"].split(" ")
    words[len(words) // 2] = f"grown{n}"
    body = {"base_version": read["head_version"], "text": " ".join(words), "kind": "substantive"}
    answers: list[httpx.Response] = []

    def post() -> httpx.Response:
        answer = side.anyone.post(
            f"/v1/sections/{section_id}/amendments", json=body, headers=_auth(data.members[0])
        )
        answers.append(answer)
        return answer

    took = _timed(post, 201)
    side.proposed.append(int(answers[0].json()["id"]))
    return [took]


def _adopt(side: _Side, n: int) -> list[float]:
    """The chair adopts the n-th proposal, after calling it to the floor (drafting)."""
    amendment_id = side.proposed[n]
    tag = side.chair.get(f"/v1/amendments/{amendment_id}").headers["etag"]
    side.chair.post(
        f"/v1/amendments/{amendment_id}/floor", headers={"If-Match": tag}
    ).raise_for_status()
    tag = side.chair.get(f"/v1/amendments/{amendment_id}").headers["etag"]
    return [
        _timed(
            lambda: side.chair.post(
                f"/v1/amendments/{amendment_id}/adopt", headers={"If-Match": tag}
            )
        )
    ]


def _export_path(side: _Side) -> str:
    return f"{side.path}/export?format=html"


def _event_page_path(side: _Side) -> str:
    return f"{side.path}/events?after={side.scaled.middle_event}&limit=100"


def _get(where: Callable[[_Side], str]) -> Sample:
    return lambda side, _n: [_timed(lambda: side.chair.get(where(side)))]


def _untimed_get(where: Callable[[_Side], str]) -> Callable[[_Side], object]:
    """The same request as `_get`'s, untimed: the wake-up of a block of them."""
    return lambda side: side.chair.get(where(side)).raise_for_status()


def _small_report(side: _Side) -> None:
    """The consent row's report: small, of the same group, adopted first. Adopting the big
    report would open rounds for all its open amendments (untimed work that grows with them,
    not what this row measures)."""
    imported = side.writer.post(
        f"/v1/groups/{side.data.group_id}/reports/import",
        json={"markdown": "".join(f"# Part {k}\n\nText of part {k}.\n\n" for k in range(4))},
    ).json()
    side.small = f"/v1/reports/{imported['id']}"
    side.small_sections = [s["id"] for s in imported["outline"]]
    side.chair.post(f"{side.small}/meetings")
    tag = side.chair.get(side.small).headers["etag"]
    adopted = side.chair.post(f"{side.small}/adopt", json={}, headers={"If-Match": tag})
    if adopted.status_code != 200:
        raise RuntimeError(adopted.text[:300])


def _consent(side: _Side, n: int) -> list[float]:
    """The last of all the voters' signed consents on a new amendment (it applies)."""
    data = side.data
    section_id = side.small_sections[n]
    read = side.writer.get(f"/v1/sections/{section_id}").json()
    amendment = side.anyone.post(
        f"/v1/sections/{section_id}/amendments",
        json={
            "base_version": read["head_version"],
            "text": read["head"]["text"] + f" Consented {n}.",
            "kind": "substantive",
        },
        headers=_auth(data.members[0]),
    ).json()
    readers = side.readers
    bodies = [signed_answer(data.keys[t], amendment) for t in readers]
    consent = f"/v1/amendments/{amendment['id']}/consent"
    for token, body in zip(readers[:-1], bodies, strict=False):
        side.anyone.post(consent, json=body, headers=_auth(token)).raise_for_status()
    return [_timed(lambda: side.anyone.post(consent, json=bodies[-1], headers=_auth(readers[-1])))]


@dataclass
class Measured:
    """One row's samples, as pairs of blocks (1x, 10x)."""

    pairs: list[tuple[list[float], list[float]]]

    @property
    def one(self) -> float:
        return statistics.median([v for one, _ten in self.pairs for v in one])

    @property
    def ten(self) -> float:
        return statistics.median([v for _one, ten in self.pairs for v in ten])

    def interval(self) -> tuple[float, float]:
        """The 90% bootstrap interval of 10x / 1x, resampling whole pairs of blocks
        (bench/machinery.py's: with 1x as its "on" and 10x as its "off", what it calls
        "buys", off / on in ms, is this ratio)."""
        from bench.machinery import Figure, figured

        got = figured(Figure("growth"), [({"timed": o}, {"timed": t}) for o, t in self.pairs])
        return got.low, got.high


Connect = Callable[..., httpx.Client]


def measure(
    base: str,
    small: Scaled,
    large: Scaled,
    quick: bool,
    out: dict[str, Measured],
    connect: Connect = httpx.Client,
) -> None:
    """Each row's samples on both scales' reports, interleaved, into `out` as each row is
    measured. `connect(base_url=, headers=, timeout=)` makes the clients (a test records
    what they send)."""
    samples, block = SAMPLES[quick], BLOCK[quick]
    with ExitStack() as stack:

        def side(scaled: Scaled) -> _Side:
            def client(headers: dict[str, str], timeout: float) -> httpx.Client:
                return stack.enter_context(connect(base_url=base, headers=headers, timeout=timeout))

            data = scaled.data
            return _Side(
                scaled,
                client(_auth(data.chair), 300),
                client(_auth(data.secretariat), 60),
                client({}, 60),
            )

        sides = (side(small), side(large))
        out["read (missed)"] = Measured(interleaved(sides, samples, block, _read))
        out["propose"] = Measured(interleaved(sides, samples, block, _propose))
        for each in sides:  # the floor is the meeting's
            each.chair.post(f"{each.path}/meetings").raise_for_status()
        out["adopt"] = Measured(interleaved(sides, samples, block, _adopt))
        # The same request untimed wakes each block of these.
        exports = 3 if quick else 5
        out["export (HTML)"] = Measured(
            interleaved(sides, exports, 1, _get(_export_path), wake=_untimed_get(_export_path))
        )
        out["event page (100, from the middle)"] = Measured(
            interleaved(
                sides, samples, block, _get(_event_page_path), wake=_untimed_get(_event_page_path)
            )
        )
        for each in sides:
            _small_report(each)
        out["last consent (applies)"] = Measured(interleaved(sides, 2 if quick else 3, 1, _consent))
        # last: the one request that reads the whole log
        out["verify the chain"] = Measured(
            interleaved(sides, 1, 1, _get(lambda s: f"{s.path}/events/verify"))
        )


# Why a figure grows with the input by nature (no reason: it should not grow).
GROWS = {
    "export (HTML)": "the document is 10x longer: 10x the text to render",
    "verify the chain": "every event's hash is recomputed: 10x the events",
    # The answer is the amendment with its tally, which lists every voter's signed answer so
    # that any member can check it (10.8 KB at 40 voters, 106.5 KB at 400): read, checked
    # and sent once per voter. Everything else the request does is flat (consent41).
    "last consent (applies)": "the answer lists every voter's signed answer: 10x the voters",
}


def rows(
    base: str, small: Scaled, large: Scaled, quick: bool, connect: Connect = httpx.Client
) -> list[Any]:
    import sys

    from bench.__main__ import Row

    measured: dict[str, Measured] = {}
    try:
        measure(base, small, large, quick, measured, connect)
    except (RuntimeError, httpx.HTTPError) as error:  # the rows measured so far still count
        print(f"growth stopped after {len(measured)} rows: {error}", file=sys.stderr)
    out = []
    for name, got in measured.items():
        one, ten = got.one, got.ten
        low, high = got.interval()
        blocks = " ".join(
            f"{statistics.median(t) / statistics.median(o):.2f}" for o, t in got.pairs
        )
        print(
            f"growth {name}: 10x / 1x {ten / one:.2f}x, 90% interval {low:.2f}-{high:.2f}x "
            f"over {len(got.pairs)} pairs of blocks ({blocks})",
            file=sys.stderr,
        )
        reason = GROWS.get(name)
        out.append(
            Row(
                f"growth: {name}, 10x / 1x",
                ten,
                "ms",
                one,
                f"the same at 1x, interleaved (10x / 1x 90% interval {low:.2f}-{high:.2f}x)",
                f"(grows: {reason})" if reason else "<= 1.5x",
                True if reason else ten <= 1.5 * one,
            )
        )
    return out


def main() -> None:
    """`python -m bench.growth [--database URL] [--quick]`: the growth table alone."""
    import argparse
    import os
    import shutil
    import sys
    import tempfile
    from pathlib import Path

    from app.migrate import upgrade
    from app.wiring import open_database
    from bench.__main__ import ROOT, free_port, report, server

    parser = argparse.ArgumentParser(prog="python -m bench.growth")
    parser.add_argument("--database")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--events", type=int, default=100_000, help="events at 1x")
    parser.add_argument("--output", default=str(ROOT / "bench" / "results" / "growth.json"))
    options = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="plenary-growth-"))
    url = options.database or f"sqlite:///{workdir / 'growth.db'}"
    upgrade(Settings(database_url=url))
    database = open_database(url)
    scales = []
    for factor in (1, 10):
        scaled = build(database, factor, events_per_x=options.events)
        print(f"built {factor}x in {scaled.built_s:.1f}s", file=sys.stderr)
        scales.append(scaled)
    port = free_port()
    env = {**os.environ, "PLENARY_DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    command += ["--loop", "uvloop", "--http", "httptools"]
    with server(command, env, f"http://127.0.0.1:{port}/healthz"):
        started = time.perf_counter()
        table = rows(f"http://127.0.0.1:{port}", scales[0], scales[1], options.quick)
        print(f"measured in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    database.dispose()
    options.workers = 1
    report(table, options, url)
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
