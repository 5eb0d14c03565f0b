"""More concurrent writers than the server has threads: every one is answered, none with a 5xx.

Regression: each waiting writer used to sit in a threadpool thread blocked on the database
lock, while the writer holding the lock needed a free thread to commit; past 40 writers
(anyio's thread limit) they all waited out the busy timeout and answered 500."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx

from app.client import PlenaryClient
from tests.conftest import ADMIN_TOKEN
from tests.factories import enrol
from tests.server import live_server

WRITERS = 80


def test_eighty_concurrent_writers_on_one_report_get_no_5xx(database_url: str) -> None:
    with live_server(
        database_url,
        extra_env={"PLENARY_SQLITE_BUSY_TIMEOUT_MS": "3000", "PLENARY_WRITE_BURST": "1000"},
    ) as server:
        with PlenaryClient(server.url, ADMIN_TOKEN) as admin:
            group = admin.create_group("Crowded room")
            tokens = [
                enrol(admin, group.id, name=f"Member {n}", role="member") for n in range(WRITERS)
            ]
            chair = enrol(admin, group.id, name="Chair", role="chair")
        with PlenaryClient(server.url, chair) as c:
            report = c.import_report(group.id, "# I. Forum\n\nThe forum should be open.")
        section_id = report.outline[0].id

        def propose(n: int) -> int:
            response = httpx.post(
                f"{server.url}/v1/sections/{section_id}/amendments",
                json={
                    "base_version": 1,
                    "kind": "substantive",
                    "text": f"The forum should be open to group {n}.",
                },
                headers={"Authorization": f"Bearer {tokens[n]}"},
                timeout=60,
            )
            return response.status_code

        with ThreadPoolExecutor(max_workers=WRITERS) as pool:
            codes = list(pool.map(propose, range(WRITERS)))
        assert codes == [201] * WRITERS, sorted(set(codes))
        with PlenaryClient(server.url, chair) as c:
            assert len(c.list_amendments(report.id)) == WRITERS
