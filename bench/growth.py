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
from dataclasses import dataclass
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


def _open_amendments(database: Database, data: Seeded, total: int) -> None:
    """`total` open amendments: one proposed through plenary's own code on each of 200
    sections spread over the report (a transaction each, as the server makes them), each
    then copied (the same proposer's same wording on the same base) up to `total`. The 10x
    report's amendments sit 50 to a section, the 1x report's 5: busy sections get busier."""
    timeout = Settings().diff_timeout_seconds
    step = max(1, len(data.sections) // 200)
    chosen = data.sections[::step][:200]
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
                principal=Principal(token_id=None, participant=proposer),
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


def measure(base: str, scaled: Scaled, quick: bool, out: dict[str, float]) -> None:
    """p50 of each request on one scale's report, in ms, into `out` as they are measured."""
    data = scaled.data
    samples = 6 if quick else 15
    readers = [data.chair, *data.members]
    with (
        httpx.Client(base_url=base, headers=_auth(data.chair), timeout=300) as chair,
        httpx.Client(base_url=base, headers=_auth(data.secretariat), timeout=60) as writer,
        httpx.Client(base_url=base, timeout=60) as anyone,
    ):
        # read: a section changed since its last read, read by four members in turn (the
        # first read after a change also places the outline again)
        times = []
        for n in range(samples):
            section_id = data.sections[(n * 7) % len(data.sections)]
            read = writer.get(f"/v1/sections/{section_id}").json()
            writer.post(
                f"/v1/sections/{section_id}/versions",
                json={"base_version": read["head_version"], "text": read["head"]["text"] + "!"},
            ).raise_for_status()
            for k in range(4):
                token = readers[(n * 4 + k) % len(readers)]
                times.append(
                    _timed(
                        lambda s=section_id, t=token: anyone.get(
                            f"/v1/sections/{s}", headers=_auth(t)
                        )
                    )
                )
        out["read (missed)"] = statistics.median(times)
        # propose, then adopt what was proposed (drafting: the chair adopts)
        proposed: list[int] = []
        times = []
        for n in range(samples):
            section_id = data.sections[(n * 13 + 3) % len(data.sections)]
            read = writer.get(f"/v1/sections/{section_id}").json()
            words = read["head"]["text"].split(" ")
            words[len(words) // 2] = f"grown{n}"
            response: list[httpx.Response] = []

            def post(
                s: int = section_id,
                text: str = " ".join(words),
                v: int = read["head_version"],
                out_: list[httpx.Response] = response,
            ) -> httpx.Response:
                answer = anyone.post(
                    f"/v1/sections/{s}/amendments",
                    json={"base_version": v, "text": text, "kind": "substantive"},
                    headers=_auth(data.members[0]),
                )
                out_.append(answer)
                return answer

            times.append(_timed(post, 201))
            proposed.append(int(response[0].json()["id"]))
        out["propose"] = statistics.median(times)
        times = []
        path = f"/v1/reports/{data.report_id}"
        chair.post(f"{path}/meetings")  # the floor is the meeting's
        for amendment_id in proposed:
            tag = chair.get(f"/v1/amendments/{amendment_id}").headers["etag"]
            chair.post(
                f"/v1/amendments/{amendment_id}/floor", headers={"If-Match": tag}
            ).raise_for_status()
            tag = chair.get(f"/v1/amendments/{amendment_id}").headers["etag"]
            times.append(
                _timed(
                    lambda a=amendment_id, t=tag: chair.post(
                        f"/v1/amendments/{a}/adopt", headers={"If-Match": t}
                    )
                )
            )
        out["adopt"] = statistics.median(times)
        exports = 3 if quick else 5
        out["export (HTML)"] = statistics.median(
            [_timed(lambda: chair.get(f"{path}/export?format=html")) for _ in range(exports)]
        )
        out["event page (100, from the middle)"] = statistics.median(
            [
                _timed(lambda: chair.get(f"{path}/events?after={scaled.middle_event}&limit=100"))
                for _ in range(samples)
            ]
        )
        # consent: the last of all the voters' signed consents. On a small report of the
        # same group, adopted first: adopting the big report would open rounds for all its
        # open amendments (untimed work that grows with them, not what this row measures).
        imported = writer.post(
            f"/v1/groups/{data.group_id}/reports/import",
            json={"markdown": "".join(f"# Part {k}\n\nText of part {k}.\n\n" for k in range(4))},
        ).json()
        small = f"/v1/reports/{imported['id']}"
        small_sections = [s["id"] for s in imported["outline"]]
        chair.post(f"{small}/meetings")
        tag = chair.get(small).headers["etag"]
        adopted = chair.post(f"{small}/adopt", json={}, headers={"If-Match": tag})
        if adopted.status_code != 200:
            raise RuntimeError(adopted.text[:300])
        times = []
        for n in range(2 if quick else 3):
            section_id = small_sections[n]
            read = writer.get(f"/v1/sections/{section_id}").json()
            amendment = anyone.post(
                f"/v1/sections/{section_id}/amendments",
                json={
                    "base_version": read["head_version"],
                    "text": read["head"]["text"] + f" Consented {n}.",
                    "kind": "substantive",
                },
                headers=_auth(data.members[0]),
            ).json()
            bodies = [signed_answer(data.keys[t], amendment) for t in readers]
            consent = f"/v1/amendments/{amendment['id']}/consent"
            for token, body in zip(readers[:-1], bodies, strict=False):
                anyone.post(consent, json=body, headers=_auth(token)).raise_for_status()
            times.append(
                _timed(
                    lambda c=consent, b=bodies[-1]: anyone.post(
                        c, json=b, headers=_auth(readers[-1])
                    )
                )
            )
        out["last consent (applies)"] = statistics.median(times)
        # last: the one request that reads the whole log
        out["verify the chain"] = _timed(lambda: chair.get(f"{path}/events/verify"))


# Why a figure grows with the input by nature (no reason: it should not grow).
GROWS = {
    "export (HTML)": "the document is 10x longer: 10x the text to render",
    "verify the chain": "every event's hash is recomputed: 10x the events",
    # The answer is the amendment with its tally, which lists every voter's signed answer so
    # that any member can check it (10.8 KB at 40 voters, 106.5 KB at 400): read, checked
    # and sent once per voter. Everything else the request does is flat (consent41).
    "last consent (applies)": "the answer lists every voter's signed answer: 10x the voters",
}


def rows(base: str, small: Scaled, large: Scaled, quick: bool) -> list[Any]:
    import sys

    from bench.__main__ import Row

    ones: dict[str, float] = {}
    tens: dict[str, float] = {}
    for scaled, into in ((small, ones), (large, tens)):
        try:
            measure(base, scaled, quick, into)
        except (RuntimeError, httpx.HTTPError) as error:  # the rows measured so far still count
            print(f"growth {scaled.factor}x stopped: {error}", file=sys.stderr)
    out = []
    for name, one in ones.items():
        ten = tens.get(name, float("inf"))
        reason = GROWS.get(name)
        out.append(
            Row(
                f"growth: {name}, 10x / 1x",
                ten,
                "ms",
                one,
                "the same at 1x",
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
