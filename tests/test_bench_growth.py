"""The growth table of `python -m bench` measures its two scales interleaved (never timed).

Each row's ratio divides a 10x figure by a 1x figure. Measured one scale after the other,
minutes apart on a shared machine, that ratio followed the machine's load, not the input
(bench/growth.py). Here the whole table runs in process on two small reports of the app under
test, with clients that record what they send: every row must get the statuses it expects and
time both scales' requests in alternating blocks, each block after an untimed request on its
own scale.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from bench import growth
from bench.seed import seed

# Which row a timed request belongs to, by method and path.
ROWS = [
    ("read (missed)", "GET", r"/v1/sections/\d+"),
    ("propose", "POST", r"/v1/sections/\d+/amendments"),
    ("adopt", "POST", r"/v1/amendments/\d+/adopt"),
    ("export (HTML)", "GET", r"/v1/reports/\d+/export"),
    ("event page (100, from the middle)", "GET", r"/v1/reports/\d+/events"),
    ("last consent (applies)", "POST", r"/v1/amendments/\d+/consent"),
    ("verify the chain", "GET", r"/v1/reports/\d+/events/verify"),
]


def _row(method: str, path: str) -> str:
    for name, row_method, pattern in ROWS:
        if method == row_method and re.fullmatch(pattern, path):
            return name
    raise AssertionError(f"a timed request of no row: {method} {path}")


def _scale(client: TestClient, factor: int) -> growth.Scaled:
    database = client.app.state.database  # type: ignore[attr-defined]
    data = seed(database, voters=4, observers=2, deep=10, sections=6, name=f"Growth test x{factor}")
    growth._open_amendments(database, data, total=6 * factor)
    events, middle = growth._event_log(database, data.report_id, 300 * factor)
    return growth.Scaled(factor, data, events, middle, 0.0)


def test_each_growth_row_times_both_scales_in_alternating_blocks(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    small, large = _scale(client, 1), _scale(client, 10)
    scale_of = {}
    for scaled in (small, large):
        data = scaled.data
        for token in (data.chair, data.secretariat, *data.members):
            scale_of[token] = scaled.factor

    sent: list[tuple[str, str, int]] = []  # (method, path, scale) of every request

    def record(request: httpx.Request) -> None:
        token = request.headers["authorization"].removeprefix("Bearer ")
        sent.append((request.method, request.url.path, scale_of[token]))

    def connect(*, base_url: str, headers: dict[str, str], timeout: float) -> httpx.Client:
        # Through the app under test (the `client` fixture's transport), as the bench's
        # clients go through a server.
        return httpx.Client(
            transport=client._transport,
            base_url="http://testserver",
            headers=headers,
            timeout=timeout,
            event_hooks={"request": [record]},
        )

    timed: dict[str, list[int]] = {}  # each row's timed requests' scales, in order
    untimed_before: list[tuple[int, int]] = []  # at each change of scale: (scale, the last untimed)
    real = growth._timed

    def timed_call(call: Any, expect: int = 200) -> float:
        first = len(sent)
        took = real(call, expect)
        ((method, path, scale),) = sent[first:]  # one request per timed call
        name = _row(method, path)
        if not timed.get(name) or timed[name][-1] != scale:
            untimed_before.append((scale, sent[first - 1][2]))
        timed.setdefault(name, []).append(scale)
        return took

    monkeypatch.setattr(growth, "_timed", timed_call)
    table = growth.rows("http://testserver", small, large, quick=True, connect=connect)

    # Every row measured (a status other than expected stops the table), names as before.
    assert [row.metric for row in table] == [f"growth: {name}, 10x / 1x" for name, *_ in ROWS]
    assert list(timed) == [name for name, *_ in ROWS]
    for name, scales in timed.items():
        assert scales.count(1) == scales.count(10) > 0, name
        if scales.count(1) == 1:
            continue  # verify: one sample each
        # Alternating blocks: 1x, 10x, then 10x first, ... Sequentially (all 1x, then all
        # 10x) the scale would change once.
        changes = sum(1 for a, b in itertools.pairwise(scales) if a != b)
        assert changes >= 2, (name, scales)
        assert scales[0] == 1
    # Each block starts after an untimed request on its own scale (the wake-up).
    assert all(scale == last for scale, last in untimed_before), untimed_before
