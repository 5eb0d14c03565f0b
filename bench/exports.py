"""python -m bench.exports: the 200-section report exported in every format.

Seeds the benchmark's 65-page report (bench.seed: 200 sections, ~200 KB, 3 annexes added)
and 40 amendments (over HTTP) in a temporary SQLite database, then asks the app in this
process (httpx's ASGI transport: the route, the snapshot read and the rendering, no sockets)
for each format in turn and prints the median and the slowest of the runs. Markdown and
HTML are today's text exports, for scale. Targets (issue 22): PDF under 2 s, others under
200 ms.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.migrate import upgrade
from bench.seed import seed

TARGETS_MS = {"pdf": 2000.0}
DEFAULT_TARGET_MS = 200.0
CASES = (
    ("markdown", "/v1/reports/{rid}/export?format=markdown"),
    ("html", "/v1/reports/{rid}/export?format=html"),
    ("akn", "/v1/reports/{rid}/export?format=akn"),
    ("docx", "/v1/reports/{rid}/export?format=docx"),
    ("pdf", "/v1/reports/{rid}/export?format=pdf"),
    ("pdf, line numbers", "/v1/reports/{rid}/export?format=pdf&line_numbers=true"),
    ("amendments akn", "/v1/reports/{rid}/amendments/export?format=akn"),
    ("amendments docx", "/v1/reports/{rid}/amendments/export?format=docx"),
)


def _amend(client: TestClient, members: list[str], section_ids: list[int], count: int) -> None:
    """`count` amendments, one word added each, proposed by the members over HTTP."""
    for n in range(count):
        headers = {"Authorization": f"Bearer {members[n % len(members)]}"}
        section = client.get(f"/v1/sections/{section_ids[n % len(section_ids)]}", headers=headers)
        head = section.json()["head"]
        body = {
            "base_version": head["number"],
            "text": head["text"].replace(" the ", " the whole ", 1),
            "kind": "substantive",
            "rationale": f"Reason {n}.",
        }
        path = f"/v1/sections/{section.json()['id']}/amendments"
        answer = client.post(path, json=body, headers=headers)
        assert answer.status_code == 201, answer.text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10, help="runs per format")
    parser.add_argument("--amendments", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            database_url=f"sqlite:///{Path(folder) / 'exports.db'}",
            admin_token="plen_bench-admin-token-0123456789abcdefghijklmnopqrstu",
            write_rate_per_second=100_000,
            write_burst=100_000,
        )
        upgrade(settings)
        app = create_app(settings)
        seeded = seed(app.state.database, voters=5, deep=10)
        headers = {"Authorization": f"Bearer {seeded.chair}"}
        rows = []
        with TestClient(app) as client:
            _amend(client, seeded.members, seeded.sections, args.amendments)
            for name, path in CASES:
                url = path.format(rid=seeded.report_id)
                first = client.get(url, headers=headers)  # warm: fonts, schema caches
                assert first.status_code == 200, first.text
                times = []
                for _ in range(args.runs):
                    start = time.perf_counter()
                    response = client.get(url, headers=headers)
                    times.append((time.perf_counter() - start) * 1000)
                    assert response.status_code == 200
                target = TARGETS_MS.get(name.split(",")[0], DEFAULT_TARGET_MS)
                median = statistics.median(times)
                rows.append((name, len(first.content), median, max(times), target))
    print(f"{'format':<20} {'bytes':>10} {'median ms':>10} {'max ms':>10} {'target ms':>10}  ok")
    for name, size, median, slowest, target in rows:
        verdict = "yes" if median <= target else "NO"
        print(f"{name:<20} {size:>10} {median:>10.1f} {slowest:>10.1f} {target:>10.0f}  {verdict}")


if __name__ == "__main__":
    main()
