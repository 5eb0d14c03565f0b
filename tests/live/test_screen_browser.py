"""The projection screen in a real headless Chromium, updating live from the stream."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.client import PlenaryClient
from tests.conftest import ADMIN_TOKEN
from tests.factories import enrol
from tests.server import LiveServer, live_server

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]
TEXT = (
    "The group agreed that it would be useful to have a global Internet governance forum where "
    "all stakeholders could meet on an equal footing.\n\n"
    "There was not yet a common view on the action that should be taken."
)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    with live_server(f"sqlite:///{tmp_path / 'screen.db'}") as running:
        yield running


def test_screen_shows_the_floor_and_adoption_live(server: LiveServer) -> None:
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="Playwright is installed by .ci/run"
    )
    assert shutil.which(CHROMIUM), "Debian's chromium is installed by .ci/run"
    with PlenaryClient(server.url, ADMIN_TOKEN) as admin:
        group = admin.create_group("WGIG")
        chair = enrol(admin, group.id, name="Chair", role="chair")
        member = enrol(admin, group.id, name="Member", role="member")
        observer = enrol(admin, group.id, name="Observer", role="observer")
    with PlenaryClient(server.url, chair) as c:
        report = c.import_report(group.id, f"# IV. Forum function\n\n{TEXT}", symbol="WGIG/2005/1")
        c.open_meeting(report.id)
    section_id = report.outline[0].id

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1600, "height": 900})
        page.goto(f"{server.url}/reports/{report.id}/screen#token={observer}")
        page.wait_for_function("document.body.dataset.lastEvent !== ''", timeout=15_000)
        assert "#token" not in page.url  # the token left the address bar
        page.evaluate("window.__sameDocument = true")
        assert page.locator(".num").first.inner_text() == "1."

        with PlenaryClient(server.url, member) as m, PlenaryClient(server.url, chair) as c:
            proposal = m.propose(
                section_id,
                base_version=1,
                kind="substantive",
                text=TEXT.replace(
                    "global Internet governance forum",
                    "global multistakeholder Internet Governance Forum",
                ),
            )
            c.put_on_floor(proposal.id)
        page.wait_for_function(f"document.body.dataset.floor === '{proposal.id}'", timeout=10_000)
        page.wait_for_selector("#floor-text ins", timeout=10_000)
        assert "multistakeholder" in page.locator("#floor-text ins").all_inner_texts()[0]
        assert page.locator("#floor-text del").count() >= 1
        assert proposal.instruction in page.locator(".instruction").first.inner_text()
        page.screenshot(path=str(ARTIFACTS / "screen-floor.png"), full_page=True)

        # the secretariat types on the floor: the wall follows within a second, no reload
        with PlenaryClient(server.url, chair) as c:
            typed = TEXT.replace(
                "global Internet governance forum",
                "global multistakeholder Internet Governance Forum (IGF)",
            )
            sent = time.monotonic()
            c.revise_draft(proposal.id, text=typed)
        page.wait_for_function("document.body.dataset.revision === '2'", timeout=1_000)
        page.wait_for_function(
            "document.querySelector('#floor-text').innerText.includes('(IGF)')", timeout=1_000
        )
        assert time.monotonic() - sent < 1.0
        page.screenshot(path=str(ARTIFACTS / "screen-revised.png"), full_page=True)

        with PlenaryClient(server.url, chair) as c:
            c.adopt(proposal.id)
        page.wait_for_function("document.body.dataset.floor === ''", timeout=10_000)
        page.wait_for_function(
            "document.querySelector('#text').innerText.includes('multistakeholder Internet Governance Forum')",
            timeout=10_000,
        )
        assert page.evaluate("window.__sameDocument") is True  # no reload happened
        assert "adopted" in page.locator("#decisions").inner_text()
        page.screenshot(path=str(ARTIFACTS / "screen-adopted.png"), full_page=True)
        browser.close()
