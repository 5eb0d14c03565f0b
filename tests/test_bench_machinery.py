"""The machinery rows of `python -m bench` compare like with like (never timed).

Each row runs plenary twice at once, with a piece of machinery on and off, each on a fresh copy
of one seeded database, and sends both runs one plan made before either (bench/machinery.py).
Here every plan is replayed in process through the app with the setting on and with it off,
each on its own copy: both must send the same requests (paths, tokens, bytes), get the
statuses the plan expects, and read the same texts. A plan that depended on what an earlier
run left behind, or a switch whose plain path answered otherwise, would fail here.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.text import offload
from bench import machinery
from bench.seed import Seeded


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[machinery.Copies, Seeded]:
    copies = machinery.Copies(None, tmp_path_factory.mktemp("machinery"))
    return copies, copies.seed(voters=8, observers=4, sections=40)


# What a plan's replay saw, by the plan's requests and the settings it ran with. A replay is
# a function of those two and the seeded copy it starts from (the control rows check exactly
# that, replaying twice for real), and rows share sides: the long rewording's plan runs with
# every setting at its default in four rows, and with only the text worker off in two.
# Each distinct side is replayed once; every row still compares its own two sides.
Replayed = dict[tuple[str, str], list[Any]]


@pytest.fixture(scope="module")
def replayed() -> Replayed:
    return {}


def _settings(url: str, switch: machinery.Switch, on: bool) -> Settings:
    side: dict[str, Any] = {name: value == "true" for name, value in switch.extra}
    if switch.setting != machinery.CONTROL:
        side[switch.setting] = on
    if switch.plan is machinery.reads_during_a_long_diff:
        # Its texts are unrelated random letters: every diff of them (a version's, the diff
        # read's) runs to the bound at any bound, which is the worst case the row is about,
        # so a shorter bound takes the same path as the default one, only sooner.
        side["diff_timeout_seconds"] = 0.2
    return Settings(
        database_url=url,
        write_rate_per_second=100_000,
        write_burst=100_000,
        deadline_sweep_seconds=3600.0,
        webhook_poll_seconds=3600.0,
        **side,
    )


def _replay(settings: Settings, plan: machinery.Plan) -> list[Any]:
    application = create_app(settings)
    seen: list[Any] = []
    try:
        with TestClient(application, raise_server_exceptions=False) as client:
            for step in plan.steps:
                response = machinery._send(client, step)
                read = None
                if step.method == "GET" and response.status_code == 200:
                    read = response.json().get("head", {}).get("text")
                seen.append((machinery._log(step, response.status_code), read))
    finally:
        application.state.database.dispose()
        offload.enabled = True
    return seen


@pytest.mark.parametrize(
    "switch", machinery.SWITCHES, ids=[f"{s.setting}-{n}" for n, s in enumerate(machinery.SWITCHES)]
)
def test_each_machinery_row_sends_the_same_requests_and_gets_the_same_answers(
    seeded: tuple[machinery.Copies, Seeded], replayed: Replayed, switch: machinery.Switch
) -> None:
    copies, data = seeded
    template = machinery.open_database(copies.template)
    try:
        plan = switch.plan(template, data)
    finally:
        template.dispose()
    assert any(step.timed for step in plan.steps)
    # Every block of a plan is made alike: the set-up and the first two timed blocks (the
    # second runs on what the first left) stand for the rest, at a fraction of the time.
    timed_blocks = 0
    kept = []
    for block in plan.blocks():
        if any(step.timed for step in block):
            timed_blocks += 1
        if timed_blocks <= 2:
            kept += block
    plan = machinery.Plan(kept, plan.drive, plan.params, plan.figures)
    runs = []
    for on in (True, False):
        side = _settings("sqlite://", switch, on).model_dump_json(exclude={"database_url"})
        key = (repr(plan.steps), side)
        if key not in replayed or switch.setting == machinery.CONTROL:
            replayed[key] = _replay(_settings(copies.fresh(), switch, on), plan)
        runs.append(replayed[key])
    assert runs[0] == runs[1]
    statuses = [logged[3] for logged, _read in runs[0]]
    assert statuses == [step.expect for step in plan.steps]


def test_a_piece_buys_only_when_the_interval_over_the_blocks_lies_above_one() -> None:
    """A row's verdict reads the blocks alternated between the two servers: a gain seen in
    every block buys; ratios that swing either side of 1 from block to block are noise."""
    faster = machinery.Figure("p50")
    clear = [({"timed": [10.0, 11.0]}, {"timed": [20.0, 21.0]}) for _ in range(6)]
    gain = machinery.figured(faster, clear)
    assert (gain.on, gain.off, gain.verdict) == (10.5, 20.5, "buys")
    assert gain.low > 1.0 and len(gain.blocks) == 6

    swinging = [({"timed": [10.0]}, {"timed": [20.0 if n % 2 else 5.0]}) for n in range(6)]
    assert machinery.figured(faster, swinging).verdict == "noise"

    slower = [({"timed": [20.0]}, {"timed": [10.0]}) for _ in range(4)]
    assert machinery.figured(faster, slower).verdict == "costs"

    rate = machinery.Figure("rate", stat="mean", unit="req/s")
    more = [({"timed": [900.0]}, {"timed": [300.0]}) for _ in range(4)]
    assert machinery.figured(rate, more).buys == 3.0


def test_each_block_goes_to_both_servers_the_first_of_each_pair_alternating() -> None:
    """Interleaving: the set-up reaches both servers, then every block with timed steps runs
    on one and then the other, on first, then off first, and so on, so that the load of the
    moment falls on both sides alike; each side is sent the same requests."""
    sent: list[tuple[str, str]] = []

    class Server:
        def __init__(self, name: str) -> None:
            self.name = name

        def request(self, method: str, path: str, **_: Any) -> Any:
            sent.append((self.name, path))
            return SimpleNamespace(status_code=200)

    plan = machinery.Plan(
        [machinery.Step("GET", "/set-up", "token", timed=False)]
        + [machinery.Step("GET", f"/block{n}", "token", block=1 + n) for n in range(4)]
    )
    on = machinery.Side("true", "", 0, Server("on"))  # type: ignore[arg-type]
    off = machinery.Side("false", "", 0, Server("off"))  # type: ignore[arg-type]
    pairs = machinery.interleave(plan, on, off)
    assert sent == [
        ("on", "/set-up"),
        ("off", "/set-up"),
        ("on", "/block0"),
        ("off", "/block0"),
        ("off", "/block1"),
        ("on", "/block1"),
        ("on", "/block2"),
        ("off", "/block2"),
        ("off", "/block3"),
        ("on", "/block3"),
    ]
    assert len(pairs) == 4 and all(len(a["timed"]) == len(b["timed"]) == 1 for a, b in pairs)
    assert on.log == off.log
