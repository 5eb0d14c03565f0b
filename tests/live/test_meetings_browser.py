"""The web client's Meetings page (issue 30) in real headless Chromium: the chair, the
secretariat, a member, an observer and a public viewer, each in their own browser context,
against a live `plenary serve`.

The scenario: the chair opens a meeting and a plenary session, builds the agenda, moves an
item up, moves through the agenda and projects the list of speakers; the public screen
(screen.html, no token) follows the projection and the current item; the member asks for the
floor by keyboard, the chair sees the request arrive live and gives the floor; the observer
cannot ask in a plenary and is told why; the secretariat checks the member in and the chair
sees the room fill; a caption line reaches the member's page and the public screen. axe-core
checks each person's page for serious or critical violations.

Screenshots of the page at 1280x800 go to `test-artifacts/meetings-*.png`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.client import PlenaryClient
from app.config import Settings
from app.migrate import upgrade
from tests.conftest import ADMIN_TOKEN
from tests.factories import enrolled
from tests.live.test_webclient_browser import MARKDOWN
from tests.server import LiveServer, live_server

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
AXE = ROOT / ".ci" / "node" / "node_modules" / "axe-core" / "axe.min.js"
WAIT = 30_000  # ms; generous for 2 shared cores, never a measured time
VIEWPORT = {"width": 1280, "height": 800}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    path = tmp_path_factory.mktemp("meetings") / "meetings.db"
    # Migrated here, so the server's start-up (bounded by live_server) has only to start.
    upgrade(Settings(database_url=f"sqlite:///{path}"))
    with live_server(f"sqlite:///{path}") as running:
        yield running


class Person:
    """One participant in their own browser context, on the Meetings page."""

    def __init__(
        self, browser: Any, server: LiveServer, label: str, token: str, *, by_address: bool = False
    ) -> None:
        """`by_address`: open `/app/#/meetings` before signing in (the page comes up before
        the report opens), instead of following the link after."""
        self.context = browser.new_context(viewport=VIEWPORT)
        self.page = self.context.new_page()
        self.label = label
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on(
            "console",
            lambda m: (
                self.errors.append(m.text)
                if m.type == "error" and not m.text.startswith("Failed to load resource")
                else None
            ),
        )
        self.page.goto(f"{server.url}/app/" + ("#/meetings" if by_address else ""))
        self.page.wait_for_function("document.body.dataset.booted === 'yes'", timeout=WAIT)
        self.page.fill("#api-base", server.url)
        self.page.fill("#token", token)
        self.page.click("button[type=submit]:has-text('Sign in')")
        self.page.wait_for_function("document.body.dataset.ready === 'yes'", timeout=WAIT)
        self.page.wait_for_function("document.body.dataset.stream === 'live'", timeout=WAIT)
        if not by_address:
            self.page.click("#group-nav a:has-text('Meetings')")
        self.page.wait_for_function("document.body.dataset.page === 'meetings'", timeout=WAIT)
        self.page.wait_for_function("Boolean(document.body.dataset.meetingsReady)", timeout=WAIT)

    def see(self, selector: str, text: str) -> None:
        try:
            self.page.locator(selector, has_text=text).first.wait_for(timeout=WAIT)
        except Exception as error:
            self.shot("failure")
            problem = self.page.inner_text("#problem") if self.page.is_visible("#problem") else ""
            raise AssertionError(
                f"{self.label} never saw {text!r} in {selector}; problem shown: {problem!r}; "
                f"errors: {self.errors}"
            ) from error

    def click(self, name: str) -> None:
        self.page.get_by_role("button", name=name, exact=True).click()

    def no_problem(self) -> None:
        assert self.page.locator("#problem").is_hidden(), self.page.inner_text("#problem")

    def shot(self, step: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"meetings-{self.label}-{step}.png"))

    def close(self) -> None:
        self.context.close()


def check_accessibility(person: Person, axe_source: str, where: str) -> None:
    """axe-core in the page: no serious or critical violation."""
    if not person.page.evaluate("typeof window.axe !== 'undefined'"):
        person.page.add_script_tag(content=axe_source)
    violations = person.page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => ['serious', 'critical'].includes(v.impact))"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"
    )
    assert violations == [], (where, violations)


def texts(person: Person, selector: str) -> list[str]:
    return [t.strip() for t in person.page.locator(selector).all_inner_texts()]


def test_a_plenary_session_run_from_the_meetings_page(
    server: LiveServer, browser: Any, axe: str
) -> None:
    with PlenaryClient(server.url, ADMIN_TOKEN) as admin:
        group = admin.create_group("WGIG meetings")
        chair = enrolled(admin, group.id, make_key=False, name="Nitin Desai", role="chair")
        secretariat = enrolled(
            admin, group.id, make_key=False, name="Markus Kummer", role="secretariat"
        )
        member = enrolled(admin, group.id, make_key=False, name="Ayesha Hassan", role="member")
        observer = enrolled(admin, group.id, make_key=False, name="Olga Observer", role="observer")
        captioner = enrolled(admin, group.id, name="Caption Desk", role="observer")
    with PlenaryClient(server.url, chair.token) as api:
        report = api.import_report(group.id, MARKDOWN, title="Report of the WGIG")
        api.set_public(report.id)
    people: list[Person] = []
    public = None
    try:
        # The chair opens a meeting and a plenary session from the console.
        chair_page = Person(browser, server, "chair", chair.token)
        people.append(chair_page)
        chair_page.see("#group-page-body", "No meeting has been opened on this report.")
        chair_page.page.fill("#meeting-title", "Fourth meeting")
        chair_page.page.fill("#meeting-venue", "Château de Bossey")
        chair_page.click("Open a meeting")
        chair_page.see("#meetings-list-title + ul", "Château de Bossey")
        chair_page.page.select_option("#session-kind", "plenary")
        chair_page.page.fill("#session-title", "Morning")
        chair_page.click("Open the session")
        chair_page.see("#session-title-now", "Plenary session: Morning — in progress")

        # The agenda: three items, the last moved up, then the chair moves through it.
        for title, target in (
            ("Opening", "text"),
            ("Chapter I", f"part:{report.outline[0].id}"),
            ("Any other business", "text"),
        ):
            chair_page.page.fill("#agenda-new-title", title)
            chair_page.page.select_option("#agenda-new-target", target)
            chair_page.click("Add to the agenda")
            chair_page.see("#agenda-items", title)
        chair_page.click("Move up “Any other business”")
        chair_page.page.wait_for_function(
            "() => [...document.querySelectorAll('#agenda-items > li > span:first-child')]"
            ".map(e => e.textContent).join('|') === 'Opening|Any other business|Chapter I'",
            timeout=WAIT,
        )
        chair_page.click("Take up “Opening”")
        chair_page.see("#session-current", "item 1, Opening")
        chair_page.click("Next item")
        chair_page.see("#session-current", "item 2, Any other business")

        # The public follows on the screen, without a token.
        public = browser.new_page(viewport=VIEWPORT)
        public.goto(f"{server.url}/reports/{report.id}/screen")
        public.wait_for_function("document.body.dataset.lastEvent !== ''", timeout=WAIT)

        def shows(selector: str, text: str) -> None:
            public.wait_for_function(
                "([sel, want]) => ((document.querySelector(sel) || {}).textContent || '')"
                ".includes(want)",
                arg=[selector, text],
                timeout=WAIT,
            )

        shows("#session", "item 2: Any other business")
        chair_page.click("Project the list of speakers")
        chair_page.see("#projection-now", "the list of speakers")
        public.wait_for_function("document.body.dataset.projection === 'speakers'", timeout=WAIT)
        shows("#projected", "Nobody has asked for the floor")
        check_accessibility(chair_page, axe, "chair's console")
        chair_page.shot("console")

        # The member asks for the floor by keyboard; the chair sees it live and gives it.
        member_page = Person(browser, server, "member", member.token)
        people.append(member_page)
        member_page.see("#session-current", "Any other business")
        member_page.page.focus("#group-page-title")
        for _ in range(200):  # bounded: Tab through the page to the control
            if member_page.page.evaluate("document.activeElement.id") == "ask-for-floor":
                break
            member_page.page.keyboard.press("Tab")
        assert member_page.page.evaluate("document.activeElement.id") == "ask-for-floor"
        member_page.page.keyboard.press("Enter")
        member_page.see("#ask-floor", "Withdraw my request")
        member_page.see("#status", "You are on the list of speakers.")
        member_page.no_problem()
        check_accessibility(member_page, axe, "member's page on the list")
        member_page.shot("on-the-list")

        chair_page.see("#speaker-list", "Ayesha Hassan")
        shows("#projected", "a participant")  # the public wall names nobody in a plenary
        assert "Ayesha" not in public.locator("#projected").inner_text()
        chair_page.click("Give the floor to Ayesha Hassan")
        chair_page.see("#speaker-list li.current", "speaking")
        member_page.see("#speaker-list li.current", "Ayesha Hassan — speaking")
        # The speaking time is shown and counts on the page between reads.
        start = chair_page.page.inner_text("#speaker-list li.current [role=timer]")
        chair_page.page.wait_for_function(
            "(was) => document.querySelector('#speaker-list li.current [role=timer]')"
            ".textContent !== was",
            arg=start,
            timeout=WAIT,
        )

        # The observer attends a plenary without the right to speak.
        observer_page = Person(browser, server, "observer", observer.token, by_address=True)
        people.append(observer_page)
        observer_page.see("#ask-why", "observers attend without the right to speak")
        assert observer_page.page.locator("#ask-for-floor").count() == 0
        assert observer_page.page.locator("#point-of-order").count() == 0
        observer_page.see("#speaker-list", "speaking")
        check_accessibility(observer_page, axe, "observer's page")
        observer_page.shot("plenary")

        # The secretariat checks the member in; the chair sees the room fill.
        sec_page = Person(browser, server, "secretariat", secretariat.token)
        people.append(sec_page)
        sec_page.click("Check in Ayesha Hassan")
        sec_page.see("#attendance-list", "Ayesha Hassan — in the room")
        chair_page.see("#group-page-body", "1 in the room.")
        sec_page.page.fill("#summary-editor", "The Chair opened the session.")
        sec_page.click("Save the summary")
        sec_page.see("#status", "The summary is saved.")
        with sec_page.page.expect_download(timeout=WAIT) as downloaded:
            sec_page.click("Download the summary")
        document = Path(downloaded.value.path()).read_text(encoding="utf-8")
        assert "The Chair opened the session." in document and "Ayesha Hassan" in document
        check_accessibility(sec_page, axe, "secretariat's page")
        sec_page.shot("attendance")

        # The screen follows the chair to the report at a paragraph; a caption line reaches
        # the member's page and the public screen.
        chair_page.page.fill("#project-paragraph", "2")
        chair_page.click("Project the report")
        public.wait_for_function(
            "() => document.body.dataset.projection === 'report'"
            " && (document.querySelector('.para.projected') || {dataset: {}}).dataset.n === '2'",
            timeout=WAIT,
        )
        with PlenaryClient(server.url, chair.token) as api:
            meeting = api.list_meetings(report.id)[0]
            api.name_captioner(meeting.id, captioner.id)
            sitting = api.list_sessions(meeting.id)[0]
        with PlenaryClient(server.url, captioner.token) as cap:
            cap.caption(sitting.id, "The Chair gives the floor to a participant.")
        member_page.see("#caption-lines", "The Chair gives the floor to a participant.")
        shows("#captions", "The Chair gives the floor to a participant.")
        ARTIFACTS.mkdir(exist_ok=True)
        public.screenshot(path=str(ARTIFACTS / "meetings-public-screen.png"))

        # The floor queue: two amendments queued, called, one deferred and one taken off,
        # each with its reason shown to the member live.
        section = report.outline[0].id
        with PlenaryClient(server.url, member.token) as api:
            text = api.get_section(section).head.text  # type: ignore[union-attr]
            first = api.propose(
                section,
                base_version=1,
                kind="substantive",
                text=text.replace("four times", "three times"),
            )
            second = api.propose(
                section,
                base_version=1,
                kind="substantive",
                text=text.replace("open to all", "open to every one of the"),
            )
        for amendment in (first, second):
            chair_page.page.wait_for_selector(
                f"#queue-pick option[value='{amendment.id}']", state="attached", timeout=WAIT
            )
            chair_page.page.select_option("#queue-pick", str(amendment.id))
            chair_page.click("Queue it")
            chair_page.see("#floor-queue", f"Amendment {amendment.id}")
        chair_page.click("Next from the queue")
        chair_page.see("#floor-now", f"On the floor: Amendment {first.id}")
        member_page.see("#floor-now", f"On the floor: Amendment {first.id}")
        chair_page.page.fill("#floor-reason", "Consultations continue")
        chair_page.click("Defer it")
        member_page.see("#floor-note", f"Amendment {first.id} was deferred: Consultations continue")
        chair_page.see("#floor-queue li:last-child", f"Amendment {first.id}")
        chair_page.see("#floor-queue li:last-child", "(deferred)")
        chair_page.click("Next from the queue")
        chair_page.see("#floor-now", f"On the floor: Amendment {second.id}")
        chair_page.click("Project the amendment on the floor")
        public.wait_for_function("document.body.dataset.projection === 'floor'", timeout=WAIT)
        chair_page.click("Take it off the floor")
        member_page.see("#floor-note", f"Amendment {second.id} was taken off the floor")
        chair_page.see("#floor-now", "No amendment is on the floor.")
        chair_page.no_problem()

        # The chair ends the session; the member can no longer ask.
        chair_page.click("End Plenary session: Morning")
        member_page.see("#ask-why", "The session has ended.")
        chair_page.shot("ended")
        for person in people:
            assert person.errors == [], (person.label, person.errors)
    finally:
        if public is not None:
            public.close()
        for person in people:
            person.close()
