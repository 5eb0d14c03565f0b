"""The web client on the year's demo (issue 33): `plenary serve --demo` in a fresh directory,
as a newcomer starts it, then the chair and a member sign in with the tokens of
`plenary-demo.env` (each in their own browser context) at the final night at Bossey and read
the group's year on the timeline page: every stage of the WGIG's year is there, by month, in
the reader's time zone. axe-core checks the page; screenshots at 1280x800 go to
`test-artifacts/`."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.live.test_webclient_browser import WAIT, Person, check_accessibility
from tests.server import free_port

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    """`plenary serve --demo` in a fresh directory: its address and `plenary-demo.env`."""
    directory = tmp_path_factory.mktemp("demo-web")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLENARY_")}
    env["PYTHONPATH"] = str(ROOT)
    port = free_port()
    log = (directory / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--demo", "--port", str(port)],
        cwd=directory,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 300  # the first start on a machine builds the year
        while True:
            assert process.poll() is None, (directory / "serve.log").read_text()
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the demo server did not start"
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}", _exports(directory / "plenary-demo.env")
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def _exports(path: Path) -> dict[str, str]:
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("export "):
            name, _, value = line.removeprefix("export ").partition("=")
            found[name] = value
    return found


# What the year left on its timeline, one phrase per stage (app/demo_year/, app/events/timeline.py).
STAGES = {
    "the inventory begun": "Inventory of Public Policy Issues and Priorities",
    "the pre-meeting questionnaire": "Questionnaire: Pre-meeting questionnaire",
    "its replies closing": "Replies close:",
    "the draft working papers": "Draft Working Papers on Internet Governance Issues",
    "their comment period": "Comment period opens: Comments on the draft working papers",
    "its close, with the comments counted": "Comment period closed (",
    "the Preliminary Report": "Preliminary Report of the Working Group on Internet Governance",
    "the assessment papers": "Assessment Papers on Internet Governance",
    "the process-functions questionnaire": "Questionnaire: Questionnaire on process functions",
    "a meeting": " opens",
    "a milestone": "Milestone: ",
    "a decision in session": ": the group ",
    "the Background Report": "Background Report",
    "the Final Report": "Report of the Working Group on Internet Governance (WGIG/2005/FINAL)",
}


def test_the_chair_and_a_member_read_the_year_on_the_demo_timeline(
    demo: tuple[str, dict[str, str]], browser: Any, axe: str
) -> None:
    url, exports = demo
    people: list[Person] = []
    try:
        for label, token in (("chair", exports["CHAIR"]), ("member", exports["MEMBER"])):
            # The address the demo prints, with the report to open: the Final Report.
            address = f"{url}/app/?report={exports['DEMO_REPORT']}"
            someone = Person(browser, address, url, label, "demo")
            people.append(someone)
            someone.page.set_viewport_size({"width": 1280, "height": 800})
            someone.sign_in(token)
            someone.see("#report-title", "WGIG/2005/FINAL")  # the final night's room
            someone.page.click("#group-nav a:has-text('Timeline')")
            someone.see("#group-page-title", "Timeline")
            body = someone.page.locator(".timeline").first
            body.wait_for(timeout=WAIT)
            text = someone.page.inner_text("#group-page-body")
            missing = [stage for stage, words in STAGES.items() if words not in text]
            assert missing == [], (label, missing)
            months = someone.page.locator(".month h3").all_inner_texts()
            for month in ("November 2004", "February 2005", "April 2005", "June 2005"):
                assert month in months, (label, months)
            assert months.index("November 2004") < months.index("June 2005")
            someone.no_problem()
            ARTIFACTS.mkdir(exist_ok=True)
            someone.page.screenshot(path=str(ARTIFACTS / f"pages-demo-{label}-timeline.png"))
            check_accessibility(someone, axe, f"the demo's timeline for the {label}")
            # An entry of the room's report leads back into the room.
            someone.page.click(".timeline a:has-text('(WGIG/2005/FINAL) begun')")
            someone.page.wait_for_function("document.body.dataset.page === 'room'", timeout=WAIT)
        for someone in people:
            assert someone.errors == [], (someone.label, someone.errors)
    finally:
        for someone in people:
            someone.close()
