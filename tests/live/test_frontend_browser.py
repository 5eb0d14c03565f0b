"""A web frontend on another origin, in a real headless Chromium: it reads a report, writes
with If-Match and Idempotency-Key, and follows the stream live with a ticket."""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from app.client import PlenaryClient
from tests.browser import FLAGS, chromium_or_skip
from tests.conftest import ADMIN_TOKEN
from tests.factories import enrol
from tests.server import LiveServer, free_port, live_server

PAGE = Path(__file__).resolve().parent / "frontend"
TEXT = "The forum should be open to all stakeholders.\n\nIt should meet once a year."
FOLLOWED = "version.created,amendment.proposed,report.updated,section.updated"


@pytest.fixture(scope="module")
def page_origin() -> Iterator[str]:
    """The static page, served on another port of 127.0.0.1: another origin."""
    handler = functools.partial(_QuietHandler, directory=str(PAGE))
    httpd = ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def server(page_origin: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    path = tmp_path_factory.mktemp("frontend") / "frontend.db"
    with live_server(
        f"sqlite:///{path}", extra_env={"PLENARY_CORS_ORIGINS": page_origin}
    ) as running:
        yield running


def test_a_page_on_another_origin_reads_writes_and_follows_live(
    server: LiveServer, page_origin: str
) -> None:
    chromium = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with PlenaryClient(server.url, ADMIN_TOKEN) as admin:
        group = admin.create_group("WGIG")
        chair = enrol(admin, group.id, name="Chair", role="chair")
        secretariat = enrol(admin, group.id, name="Sec", role="secretariat")
    with PlenaryClient(server.url, secretariat) as sec:
        report = sec.import_report(group.id, f"# I. Forum\n\n{TEXT}", title="Report of the WGIG")
    section_id = report.outline[0].id
    settings = {
        "api": server.url,
        "token": chair,
        "report": report.id,
        "section": section_id,
        "types": FOLLOWED,
        "proposed": TEXT.replace("all stakeholders", "all stakeholders on an equal footing"),
    }
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=FLAGS)
        try:
            page = browser.new_page()
            problems: list[str] = []
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.goto(f"{page_origin}/index.html#{urlencode(settings)}")
            page.wait_for_function(
                "document.body.dataset.ready === 'yes' || document.body.dataset.failed",
                timeout=20_000,
            )
            assert page.evaluate("document.body.dataset.failed") is None, problems
            assert page.url == f"{page_origin}/index.html"  # the token left the address bar
            results = page.evaluate("window.results")

            # Read: the body and the exposed ETag.
            assert results["read"]["status"] == 200 and results["read"]["etag"]
            assert page.locator("#title").inner_text() == "Report of the WGIG"
            # Write with If-Match: 200 and a new ETag; the same stale tag again: 412.
            assert results["renamed"]["status"] == 200, results["renamed"]
            assert results["renamed"]["etag"] not in (None, results["read"]["etag"])
            assert results["stale"]["status"] == 412
            assert results["stale"]["body"]["status"] == 412  # the page reads the problem
            # POST with Idempotency-Key: one amendment, the retry is a replay.
            proposed, retried = results["proposed"], results["retried"]
            assert proposed["status"] == retried["status"] == 201, proposed
            assert proposed["location"] == f"/v1/amendments/{proposed['body']['id']}"
            assert retried["replayed"] == "true" and retried["body"]["id"] == proposed["body"]["id"]
            assert retried["location"] == proposed["location"]
            # Pages: the Link header is readable cross-origin.
            assert results["page"]["link"].endswith('rel="next"')
            assert len(results["page"]["body"]["items"]) == 2

            # The stream with a ticket: the history first, then what happens now, live.
            page.wait_for_function(
                "window.events.some(e => e.type === 'amendment.proposed')", timeout=10_000
            )
            before = page.evaluate("window.events.length")
            with PlenaryClient(server.url, secretariat) as sec:
                sec.write_version(section_id, base_version=1, text=TEXT + " (live)")
            page.wait_for_function(
                "window.events.some(e => e.type === 'version.created')", timeout=10_000
            )
            live = page.evaluate("window.events")[before:]
            assert [e["type"] for e in live] == ["version.created"]
            assert live[0]["actor_id"] is not None  # the chair's ticket sees names

            # Reconnect with a fresh ticket after a break: exactly what was missed follows.
            page.evaluate("source.close()")
            with PlenaryClient(server.url, secretariat) as sec:
                sec.write_version(section_id, base_version=2, text=TEXT + " (missed)")
            page.evaluate("window.reconnect()")
            page.wait_for_function(
                "window.events.filter(e => e.type === 'version.created').length === 2",
                timeout=10_000,
            )
            events = page.evaluate("window.events")
            ids = [e["id"] for e in events]
            assert ids == sorted(set(ids)), "no event twice, none out of order"
            assert page.evaluate("window.streams") == 2
            page.screenshot(path=str(_artifacts() / "frontend-other-origin.png"))
            (_artifacts() / "frontend-other-origin.json").write_text(
                json.dumps({"results": results, "events": events}, indent=2, default=str)
            )
        finally:
            browser.close()


def _artifacts() -> Path:
    path = Path(__file__).resolve().parents[2] / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path
