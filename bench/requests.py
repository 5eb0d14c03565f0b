"""python -m bench.requests [--database URL]: what each hot request sends to the database.

Seeds the bench's report (200 sections, 40 voting members; `bench/seed.py`) and drives the
app in process (ASGI, no network, no load): a section read (kept answer), a proposal (one-word
edit of the 20 KB section), a signed consent, the last consent of 40 (applies the amendment),
the last voter's acceptance of an editorial notice (applies it), and the event page after an
event id (how a client without SSE resumes). For each: the statements and round trips
(`bench/statements.py`), the time inside the database driver and the whole request's time,
medians of a few runs. A profile of where a request's time goes, not a benchmark: `python -m
bench` measures throughput and latency against ceilings.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.config import Settings  # noqa: E402
from app.main import create_app  # noqa: E402
from app.migrate import upgrade  # noqa: E402
from app.reports.checked_reads import CheckedReadCache  # noqa: E402
from app.wiring import open_database  # noqa: E402
from bench.seed import Seeded, seed, signed_answer  # noqa: E402
from bench.statements import Counted, StatementCounter  # noqa: E402

RUNS = 7


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class Profiler:
    def __init__(self, client: TestClient) -> None:
        self.client = client
        state: Any = client.app.state  # type: ignore[attr-defined]
        self.counter = StatementCounter(state.database.engine)
        cache = state.read_cache
        self.loop_statements = cache.statements if isinstance(cache, CheckedReadCache) else None
        self.rows: list[tuple[str, int, int, float, float]] = []
        self.verbose = False

    def measure(self, name: str, calls: list[Callable[[], Any]]) -> None:
        """`calls`: one request each, of the same kind (a consent needs a fresh voter)."""
        counts: list[Counted] = []
        walls: list[float] = []
        for call in calls:
            with self.counter.counting(loop_statements=self.loop_statements) as counted:
                started = time.perf_counter()
                response = call()
                walls.append((time.perf_counter() - started) * 1000)
            assert response.status_code < 300, (name, response.status_code, response.text)
            counts.append(counted)
        last = counts[-1]
        if self.verbose:
            print(f"== {name}\n{last.describe()}")
        driver = statistics.median(c.seconds * 1000 for c in counts)
        self.rows.append((name, len(last), last.round_trips, driver, statistics.median(walls)))

    def print(self) -> None:
        print(f"{'request':<44} {'statements':>10} {'round trips':>11} {'driver ms':>9} {'ms':>7}")
        for name, statements, trips, driver, wall in self.rows:
            print(f"{name:<44} {statements:>10} {trips:>11} {driver:>9.2f} {wall:>7.2f}")


def profile(client: TestClient, data: Seeded, *, verbose: bool = False) -> Profiler:
    profiler = Profiler(client)
    profiler.verbose = verbose
    section = f"/v1/sections/{data.big_section}"
    client.get(section, headers=auth(data.chair))
    profiler.measure(
        "read a 20 KB section (kept answer)",
        [lambda: client.get(section, headers=auth(data.chair))] * RUNS,
    )
    text = client.get(section, headers=auth(data.chair)).json()["head"]["text"]

    def proposal(n: int, section_id: int, kind: str) -> Callable[[], Any]:
        """The request that proposes a one-word edit of the section's head (read now)."""
        head = client.get(f"/v1/sections/{section_id}", headers=auth(data.chair)).json()
        words = head["head"]["text"].split(" ")
        words[(n * 37) % len(words)] = f"amended{n}"
        body = {"base_version": head["head_version"], "text": " ".join(words), "kind": kind}
        return lambda: client.post(
            f"/v1/sections/{section_id}/amendments", json=body, headers=auth(data.members[0])
        )

    def propose(n: int, section_id: int = data.big_section, kind: str = "substantive") -> Any:
        return proposal(n, section_id, kind)()

    assert text
    profiler.measure(
        "propose (one-word edit, 20 KB)",
        [proposal(n, data.big_section, "substantive") for n in range(RUNS)],
    )
    # The group adopts in session: a meeting opens with its plenary (409: one is open).
    client.post(f"/v1/reports/{data.report_id}/meetings", headers=auth(data.chair))
    adopted = client.get(f"/v1/reports/{data.report_id}", headers=auth(data.chair))
    client.post(
        f"/v1/reports/{data.report_id}/adopt",
        json={},
        headers={**auth(data.chair), "If-Match": adopted.headers["etag"]},
    )
    voters = [data.chair, *data.members]

    def bodies(amendment: dict[str, Any]) -> list[dict[str, str]]:
        """Every voter's signed consent, made before anything is counted or timed: signing
        is the voter's work on its own device."""
        return [signed_answer(data.keys[token], amendment) for token in voters]

    def answer(amendment_id: int, token: str, body: dict[str, str]) -> Any:
        return client.post(f"/v1/amendments/{amendment_id}/consent", json=body, headers=auth(token))

    def last_of(amendment: dict[str, Any]) -> Callable[[], Any]:
        """Every voter but the last answers now; returns the last voter's answer, to make."""
        signed = bodies(amendment)
        for token, body in zip(voters[:-1], signed, strict=False):
            assert answer(amendment["id"], token, body).status_code == 200
        return lambda: answer(amendment["id"], voters[-1], signed[-1])

    amendment = propose(100, data.sections[1]).json()
    signed = bodies(amendment)
    for token, body in zip(voters[: -RUNS - 1], signed, strict=False):
        answer(amendment["id"], token, body)
    profiler.measure(
        "consent (signed)",
        [
            lambda t=t, b=b: answer(amendment["id"], t, b)
            for t, b in zip(voters[-RUNS - 1 : -1], signed[-RUNS - 1 : -1], strict=True)
        ],
    )
    # After adoption an editorial change is a notice, applied by the last voter's acceptance.
    for name, kind, at in (
        ("the last of 40 consents (applies)", "substantive", 2),
        ("the last acceptance of an editorial notice", "editorial", 20),
    ):
        rounds = [
            propose(100 * at + n, data.sections[at + n], kind=kind).json() for n in range(RUNS)
        ]
        profiler.measure(name, [last_of(amendment) for amendment in rounds])
        for amendment in rounds:
            read = client.get(f"/v1/amendments/{amendment['id']}", headers=auth(data.chair))
            assert read.json()["status"] == "adopted", (name, read.text)
    events = client.get(
        f"/v1/reports/{data.report_id}/events?limit=1000", headers=auth(data.chair)
    ).json()["items"]
    resume = f"/v1/reports/{data.report_id}/events?after={events[-20]['id']}"
    profiler.measure(
        "event page after an id (resume, no SSE)",
        [lambda: client.get(resume, headers=auth(data.chair))] * RUNS,
    )
    return profiler


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.requests")
    parser.add_argument("--database", help="database URL (default: a fresh SQLite file)")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every statement")
    options = parser.parse_args()
    url = options.database or f"sqlite:///{Path(tempfile.mkdtemp()) / 'requests.db'}"
    settings = Settings(
        database_url=url,
        write_rate_per_second=0,
        deadline_sweep_seconds=3600,  # background loops asleep: only requests are counted
        webhook_poll_seconds=3600,
    )
    upgrade(settings)
    database = open_database(url)
    data = seed(database, deep=50)
    database.dispose()
    app = create_app(settings)
    with TestClient(app) as client:
        profile(client, data, verbose=options.verbose).print()
    app.state.database.dispose()


if __name__ == "__main__":
    main()
