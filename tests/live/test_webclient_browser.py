"""The room's web client (issue 23) in real headless Chromium, several people at once, each in
their own browser context, against a live `plenary serve`: served by plenary at /app, and the
same files served from a second origin with CORS configured.

The scenario: the secretariat imports the report; the member (signed in with an invitation
code, by keyboard) proposes by editing a paragraph; the chair puts it on the floor; the
secretariat revises it live while the chair's own stale revision is refused and shown beside
the secretariat's wording; the member sees the revision appear; the chair adopts and everyone
sees the new version. After the report is adopted, a substantive amendment gets consents from
several members in their own browsers and one objection blocks it. An observer sees the same
record without a name. axe-core checks every page for serious or critical violations.

Screenshots go to `test-artifacts/`.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from app import signatures
from app.client import PlenaryClient
from app.webclient import client_directory
from tests.conftest import ADMIN_TOKEN
from tests.factories import enrolled
from tests.server import LiveServer, free_port, live_server

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
AXE = ROOT / ".ci" / "node" / "node_modules" / "axe-core" / "axe.min.js"
WAIT = 30_000  # ms; generous for 2 cores shared with a second xdist worker, never a measured time

MARKDOWN = """# I. Introduction

The Working Group on Internet Governance met four times in Geneva.

The forum should be open to all stakeholders.

# II. Follow-up

The group invites the Summit to consider the proposals in this report.
"""


@pytest.fixture(scope="module")
def other_origin() -> Iterator[str]:
    """The client's files, as they are, from a second tiny server: another origin."""
    handler = functools.partial(_QuietHandler, directory=str(client_directory()))
    httpd = ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    # Module scripts need a JavaScript type, whatever the machine's mime.types says.
    extensions_map: ClassVar[dict[str, str]] = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
    }

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def server(other_origin: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    path = tmp_path_factory.mktemp("webclient") / "webclient.db"
    with live_server(
        f"sqlite:///{path}", extra_env={"PLENARY_CORS_ORIGINS": other_origin}
    ) as running:
        yield running


class Person:
    """One participant in their own browser context (own session storage, own stream)."""

    def __init__(self, browser: Any, app_url: str, api: str, label: str, shots: str) -> None:
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.page = self.context.new_page()
        self.label = label
        self.shots = shots
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        # Refused requests the scenario provokes (409, 412) are logged by Chromium as
        # "Failed to load resource"; any other console error is a defect.
        self.page.on(
            "console",
            lambda m: (
                self.errors.append(m.text)
                if m.type == "error" and not m.text.startswith("Failed to load resource")
                else None
            ),
        )
        self.page.goto(app_url)
        self.page.wait_for_function("document.body.dataset.booted === 'yes'", timeout=WAIT)
        self.page.fill("#api-base", api)

    def sign_in(self, token: str) -> None:
        self.page.fill("#token", token)
        self.page.click("button[type=submit]:has-text('Sign in')")
        self.ready()

    def use_key_file(self, path: Path) -> None:
        """Import the member's key file (a browser that does not hold the member's key)."""
        self.page.set_input_files("#key-file", str(path))
        self.page.click("button:has-text('Use this key file')")
        self.see("#status", "This browser now holds your signing key")

    def ready(self) -> None:
        try:
            self.page.wait_for_function("document.body.dataset.ready === 'yes'", timeout=WAIT)
        except Exception as error:
            raise AssertionError(self.diagnosis("the signed-in page")) from error

    def see(self, selector: str, text: str) -> None:
        try:
            self.page.locator(selector, has_text=text).first.wait_for(timeout=WAIT)
        except Exception as error:
            raise AssertionError(self.diagnosis(f"{text!r} in {selector}")) from error

    def diagnosis(self, awaited: str) -> str:
        self.shot("failure")
        problem = self.page.inner_text("#problem") if self.page.is_visible("#problem") else ""
        return (
            f"{self.label} never saw {awaited}; problem shown: {problem!r}; errors: {self.errors}"
        )

    def no_problem(self) -> None:
        assert self.page.locator("#problem").is_hidden(), self.page.inner_text("#problem")

    def shot(self, step: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(
            path=str(ARTIFACTS / f"webclient-{self.shots}-{self.label}-{step}.png")
        )

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


@pytest.mark.parametrize("origin", ["same-origin", "other-origin"])
def test_the_room_drafts_adopts_and_consents_in_browsers(
    origin: str, server: LiveServer, other_origin: str, browser: Any, axe: str, tmp_path: Path
) -> None:
    app_url = f"{server.url}/app/" if origin == "same-origin" else f"{other_origin}/index.html"
    with PlenaryClient(server.url, ADMIN_TOKEN) as admin:
        group = admin.create_group(f"WGIG ({origin})")
        chair = enrolled(admin, group.id, make_key=False, name="Chair Desai", role="chair")
        secretariat = enrolled(
            admin, group.id, make_key=False, name="Sec Moreau", role="secretariat"
        )
        member_invitation = admin.add_participant(
            group.id, name="Nitin Member", role="member", stakeholder="civil_society"
        ).invitation.code
        others = [
            enrolled(admin, group.id, make_key=False, name=f"Member {n}", role="member")
            for n in (2, 3, 4)
        ]
        observer = enrolled(admin, group.id, make_key=False, name="Olga Observer", role="observer")
    people: list[Person] = []

    def person(label: str) -> Person:
        people.append(Person(browser, app_url, server.url, label, origin))
        return people[-1]

    def voter_signs_in(someone: Person, token: str) -> None:
        # The browser makes its key and registers it (PUT /v1/me/signing-key, through CORS
        # from another origin); a redeemed code carries the browser's own key.
        someone.sign_in(token)

    try:
        # The secretariat signs in and imports the report from Markdown.
        sec = person("secretariat")
        check_accessibility(sec, axe, "sign-in page")
        sec.sign_in(secretariat.token)
        sec.page.click("summary:has-text('Import a report')")
        sec.page.fill("#import-title", "Report of the WGIG")
        sec.page.fill("#import-markdown", MARKDOWN)
        sec.page.click("button:has-text('Import as a new report')")
        sec.see("#report-title", "Report of the WGIG")
        sec.see("#paragraph-2", "open to all stakeholders")
        assert sec.page.url.split("#")[0] == app_url  # no token in the address bar
        check_accessibility(sec, axe, "secretariat's report")

        # The member signs in with the invitation code, by keyboard only.
        member = person("member")
        keyboard = member.page.keyboard
        assert member.page.evaluate("document.activeElement.id") == "api-base"  # as filled
        keyboard.press("Tab")  # the token
        keyboard.press("Tab")
        assert member.page.evaluate("document.activeElement.id") == "invitation"
        keyboard.type(member_invitation)
        keyboard.press("Enter")
        member.ready()
        member.see("#who", "Nitin Member")
        assert "plenary.token" in member.page.evaluate("Object.keys(sessionStorage)")

        chair_page = person("chair")
        voter_signs_in(chair_page, chair.token)
        chair_page.page.click("button:has-text('Open a meeting')")
        member.see("#meeting-state", "A meeting is open")

        # The member proposes by editing paragraph 2 in place, sees the tracked change, the
        # instruction and the suggested kind, then files.
        _propose(member, 2)
        assert member.page.evaluate("document.activeElement.id") == "edit-2"
        keyboard.press("End")
        keyboard.press("Backspace")  # the full stop
        keyboard.type(", on an equal footing.")
        member.page.click("button:has-text('Show the change')")
        member.see(".sketch .instruction", 'insert ", on an equal footing"')
        assert member.page.inner_text(".sketch ins") == ", on an equal footing"
        member.see(".sketch", "Suggested kind: substantive")
        member.page.select_option("#kind-2", "substantive")
        member.page.fill("#rationale-2", "Equal footing is the point.")
        member.page.locator("button:has-text('File the amendment')").focus()
        keyboard.press("Enter")
        member.see("#amendment-list", "proposed by Nitin Member")
        member.no_problem()
        member.shot("proposed")
        check_accessibility(member, axe, "member's report with an amendment")

        # The chair sees it arrive live and puts it on the floor.
        chair_page.see("#amendment-list", 'insert ", on an equal footing"')
        chair_page.page.click("button[aria-label^='Put amendment'][aria-label$='on the floor']")
        for someone in (member, sec):
            someone.see("#on-floor", "On the floor: amendment")
        check_accessibility(chair_page, axe, "chair's floor")

        # The chair starts typing a revision; the secretariat sends one first.
        # Live drafting edits only the paragraph the amendment changes.
        assert (
            _draft(chair_page)
            == "The forum should be open to all stakeholders, on an equal footing."
        )
        chair_page.page.fill("#draft-text", _draft(chair_page).replace("forum", "forum (chair)"))
        member.page.evaluate("window.plenary.stream.interrupt()")  # a break in the member's line
        revised = _draft(sec).replace("on an equal footing", "on an equal and open footing")
        sec.page.fill("#draft-text", revised)
        sec.page.click("button:has-text('Send this revision')")
        sec.no_problem()
        member.see("#on-floor .tracked", "on an equal and open footing")
        member.see("#on-floor", "wording revision 2")
        assert member.page.evaluate("window.plenary.stream.connections") >= 2
        # The chair's stale revision is refused: the secretariat's wording stands and shows.
        chair_page.page.click("button:has-text('Send this revision')")
        chair_page.see("#problem", "The wording changed since you read it")
        chair_page.see("#stale-revision", "Someone else revised the wording first")
        assert "equal and open footing" in chair_page.page.input_value("#draft-text")
        chair_page.see("#on-floor .tracked", "on an equal and open footing")
        chair_page.shot("stale-revision")
        member.shot("revised-live")

        # The chair adopts the wording on the wall; everyone sees the new version.
        # Adopting is confirmed in a dialog that reads the wording once more.
        chair_page.page.click("button:has-text('Adopt this wording (revision 2)')")
        chair_page.see("#confirm-adopt", "The group adopts this wording (revision 2)")
        chair_page.page.click("#confirm-adopt button:has-text('Adopt revision 2')")
        for someone in (chair_page, member, sec):
            someone.see("#paragraph-2", "on an equal and open footing.")
            someone.see(".decisions", "adopted")
            someone.no_problem()
        sec.shot("adopted")
        # Versions and diffs: the member compares version 1 and 2 of section I.
        member.page.click("summary:text-is('Versions and changes of I')")
        member.page.click(".history[open] button:has-text('Show the changes')")
        member.see(".history[open] .tracked ins", "equal and open footing")
        # Export: the secretariat downloads the Markdown (the token goes in a header, so the
        # download is fetched by the page, never by a URL carrying the token).
        with sec.page.expect_download() as download:
            sec.page.click("button:has-text('Download')")
        exported = Path(download.value.path()).read_text(encoding="utf-8")
        assert "on an equal and open footing." in exported

        # The secretariat's direct write on a stale base shows both sides, keeps its text.
        sec.page.click("summary:has-text('Write II')")
        with PlenaryClient(server.url, secretariat.token) as api:
            report_id = api.list_reports(group.id)[0].id
            section_ii = api.get_report(report_id).outline[1].id
            api.write_version(
                section_ii, base_version=1, text="The group invites the Summit to act."
            )
        sec.see("#paragraph-3", "invites the Summit to act")  # live, into the open page
        writer = sec.page.locator("details.writer[open] textarea")
        writer.fill("The group invites the Summit to consider these proposals.")
        sec.page.click("details.writer[open] button:has-text('Save as a new version')")
        sec.see(".writer .stale", "Version 2 was saved while you edited version 1")
        sec.see(".writer .stale", "Version 2 has: act")  # where the two wordings part
        sec.see(".writer .stale", "You have: consider these proposals")
        sec.see("#problem", "did not succeed")
        assert "409" not in sec.page.inner_text("#problem")  # sentences, never a status
        assert "consider these proposals" in writer.input_value()

        # After adoption: a substantive amendment, consents in several browsers, one objection.
        # (the group adopts in session: the meeting's plenary session is in progress)
        chair_page.page.click("button:has-text('Adopt the report…')")
        chair_page.page.click("button:has-text('Yes, adopt the report now')")
        chair_page.see("#report-status", "adopted")
        chair_page.no_problem()
        member.see("#report-status", "adopted")
        _propose(member, 1)
        member.page.fill("#edit-1", "The Working Group on Internet Governance met five times.")
        member.page.click("button:has-text('Show the change')")
        member.see(".sketch", "Suggested kind: substantive")
        member.page.select_option("#kind-1", "substantive")
        member.page.click("button:has-text('File the amendment')")
        member.see("#amendment-list", "consent round open")
        voters = [person(f"member-{n}") for n in (2, 3)]
        for voter, who in zip(voters, others, strict=False):
            voter_signs_in(voter, who.token)
        for voter in [member, chair_page, voters[0]]:
            voter.page.click("button[aria-label^='Consent to amendment']")
            voter.no_problem()
        # "can live with it": no objection, counted apart from the consents
        voters[1].page.click("button:has-text('Can live with it')")
        voters[1].no_problem()
        member.see(".tally", "3 of 5 consented, 0 objected, 1 yet to answer. 1 can live with it.")
        # Every answer was signed in its member's browser; the server checked and kept it.
        with PlenaryClient(server.url, chair.token) as api:
            report_id = api.list_reports(group.id)[0].id
            (open_round,) = api.list_amendments(report_id, status="consent_open")
            assert open_round.tally is not None and len(open_round.tally.answers) == 4
            assert all(given.signature for given in open_round.tally.answers)
            consents = [e for e in api.all_events(report_id) if e.type == "consent.consent"]
            assert len(consents) == 3 and all(e.signature for e in consents)
        objector = person("member-4")
        voter_signs_in(objector, others[2].token)
        objector.page.click("button[aria-label^='Object to amendment']")
        objector.page.click("button:has-text('Send the objection')")  # no reason yet
        objector.see("#problem", "An objection needs a reason the group can read.")
        objector.page.fill("textarea[id^='reason-']", "Four meetings, not five.")
        objector.page.click("button:has-text('Send the objection')")
        for someone in (member, chair_page, *voters, objector):
            someone.see("#amendment-list", "blocked by an objection")
        member.see("#amendment-list", "Objection by Member 4: Four meetings, not five.")
        # Not adopted: the text still says "four"; "five" is a suggestion drawn in it.
        member.see("#paragraph-1 .text del", "four")
        member.see("#paragraph-1 .text ins", "five")
        member.shot("blocked")
        check_accessibility(objector, axe, "member after an objection")

        # The observer sees the same record, with no one named (Chatham House).
        watcher = person("observer")
        watcher.sign_in(observer.token)
        watcher.see("#amendment-list", "Objection by a participant: Four meetings, not five.")
        watcher.see("#amendment-list", "proposed by a participant")
        text = watcher.page.inner_text("#workspace")
        for name in ("Nitin", "Chair Desai", "Sec Moreau", "Member 4"):
            assert name not in text
        check_accessibility(watcher, axe, "observer")

        # The objector withdraws: the round goes on, the consents kept, the objector pending.
        objector.page.click("button:has-text('Withdraw my objection')")
        objector.no_problem()
        for someone in (member, objector):
            someone.see("#amendment-list", "consent round open")
        member.see(".tally", "1 objection(s) withdrawn")

        # The chair transmits: the report is frozen for everyone, nothing more to propose.
        chair_page.page.click("button:has-text('Transmit the report…')")
        chair_page.page.click("button:has-text('Yes, transmit and freeze the report')")
        for someone in (member, watcher):
            someone.see("#report-status", "transmitted")
        assert member.page.locator("button:has-text('Propose a change')").count() == 0

        # Readable at 200% zoom: a 1400 px screen at 200% is 700 CSS px; nothing scrolls sideways.
        member.page.set_viewport_size({"width": 700, "height": 1000})
        assert member.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        member.shot("zoom-200")

        for someone in people:
            assert someone.errors == [], (someone.label, someone.errors)
    finally:
        for someone in people:
            someone.close()


def _propose(person: Person, number: int) -> None:
    """The one "Propose a change" action follows the pointer (and the focus) to a paragraph."""
    person.page.hover(f"#paragraph-{number} .text")
    person.page.click(f"button[aria-label='Propose a change to paragraph {number}']")


def _draft(person: Person) -> str:
    person.page.wait_for_selector("#draft-text", timeout=WAIT)
    return str(person.page.input_value("#draft-text"))


def test_can_live_with_it_appears_when_the_server_offers_it(
    server: LiveServer, browser: Any, tmp_path: Path
) -> None:
    """The client reads the consent answers from /openapi.json: the server's Answer enum
    offers `stand_aside`, so a "Can live with it" button posts there; a server without it
    (rewritten here) gets no such button. The member's key was made by the Python side (a
    PEM key file): a browser that does not hold it says so, and answers once it is imported."""
    with PlenaryClient(server.url, ADMIN_TOKEN) as admin:
        group = admin.create_group("Stand aside")
        chair = enrolled(admin, group.id, make_key=False, name="Chair", role="chair")
        member = enrolled(admin, group.id, make_key=False, name="Member", role="member")
    key = signatures.new_private_key()
    key_file = tmp_path / "plenary-key.pem"
    key_file.write_bytes(signatures.private_key_pem(key))
    wrong_file = tmp_path / "other-key.pem"
    wrong_file.write_bytes(signatures.private_key_pem(signatures.new_private_key()))
    with PlenaryClient(server.url, member.token) as api:
        api.request(
            "PUT", "/v1/me/signing-key", json={"public_key": signatures.public_key_text(key)}
        )
    with PlenaryClient(server.url, chair.token) as api:
        report = api.import_report(group.id, MARKDOWN, title="Report")
        api.open_meeting(report.id)  # the group adopts in session
        api.adopt_report(report.id)
        amendment = api.propose(
            report.outline[0].id,
            base_version=1,
            kind="substantive",
            text=MARKDOWN.split("\n\n", 2)[1] + " It met five times.",
        )

    def without_stand_aside(route: Any) -> None:
        contract = route.fetch().json()
        contract["components"]["schemas"]["Answer"]["enum"].remove("stand_aside")
        route.fulfill(json=contract)

    older = Person(browser, f"{server.url}/app/", server.url, "no-stand-aside", "same-origin")
    try:
        older.page.route("**/openapi.json", without_stand_aside)
        older.sign_in(member.token)
        older.see("#amendment-list", "consent round open")
        assert older.page.locator("button:has-text('Can live with it')").count() == 0
    finally:
        older.close()
    voter = Person(browser, f"{server.url}/app/", server.url, "stand-aside", "same-origin")
    try:
        voter.sign_in(member.token)
        voter.see("#amendment-list", "consent round open")
        voter.see("#key-state", "This browser does not hold your signing key.")
        voter.page.click("button:has-text('Can live with it')")  # nothing to sign with yet
        voter.see("#problem", "this browser does not hold your signing key")
        voter.page.set_input_files("#key-file", str(wrong_file))
        voter.page.click("button:has-text('Use this key file')")
        voter.see("#problem", "does not hold the signing key the server has for you")
        voter.page.set_input_files("#key-file", str(key_file))
        voter.page.click("button:has-text('Use this key file')")
        voter.see("#status", "This browser now holds your signing key")
        assert voter.page.locator("#key-state").is_hidden()
        voter.page.click("button:has-text('Can live with it')")
        voter.see("#status", "can live with it")
        voter.see(".tally", "1 can live with it")
        with PlenaryClient(server.url, chair.token) as api:
            tally = api.get_amendment(amendment.id).tally
        assert tally is not None and tally.stood_aside == 1
        assert tally.answers[0].signature  # signed in the browser with the imported key
        assert voter.errors == []
    finally:
        voter.close()


def test_a_member_comments_on_an_open_consultation(
    server: LiveServer, browser: Any, axe: str
) -> None:
    with PlenaryClient(server.url, ADMIN_TOKEN) as admin:
        group = admin.create_group("Consultation")
        secretariat = enrolled(admin, group.id, make_key=False, name="Sec", role="secretariat")
        member = enrolled(admin, group.id, make_key=False, name="Mia Member", role="member")
    with PlenaryClient(server.url, secretariat.token) as api:
        report = api.import_report(group.id, MARKDOWN, title="Report")
    reader = Person(browser, f"{server.url}/app/", server.url, "commenter", "same-origin")
    try:
        reader.sign_in(member.token)
        assert reader.page.locator("#consultations").is_hidden()
        with PlenaryClient(server.url, secretariat.token) as api:
            api.request(
                "POST",
                f"/v1/reports/{report.id}/consultations",
                json={
                    "title": "Public review of the draft",
                    "closes_at": "2999-01-01T00:00:00Z",
                    "audiences": ["members"],
                },
            )
        reader.see("#consultations", "open for comments")  # live, from the stream
        # The room lists the round; it is read and commented on its Comment rounds page.
        reader.page.click("#consultations a:has-text('Read and comment on')")
        reader.see("#group-page-title", "Comment rounds")
        reader.page.fill("input[id$='-paragraph']", "2")
        reader.page.fill("textarea[id$='-body']", "Say who the stakeholders are.")
        reader.page.click("button:has-text('Send the comment')")
        reader.see(".comment", "Say who the stakeholders are.")
        reader.see(".comment", "paragraph 2 as posted")
        reader.no_problem()
        check_accessibility(reader, axe, "consultation")
        reader.shot("consultation")
        # Back in the room, the notice links to the round again; no second list of comments.
        reader.page.go_back()
        reader.see("#consultations", "Read and comment on")
        assert reader.page.locator("#consultations .comment-form").count() == 0
        assert reader.errors == []
    finally:
        reader.close()


def test_a_proposal_that_clashes_with_a_newer_version_shows_both_sides(
    server: LiveServer, browser: Any
) -> None:
    """The member edits paragraph 1 while the secretariat rewrites the same words: filing
    answers 409, and the page says so in sentences, with both changes side by side."""
    with PlenaryClient(server.url, ADMIN_TOKEN) as admin:
        group = admin.create_group("Clash")
        secretariat = enrolled(admin, group.id, make_key=False, name="Sec", role="secretariat")
        member = enrolled(admin, group.id, make_key=False, name="Member", role="member")
    with PlenaryClient(server.url, secretariat.token) as api:
        report = api.import_report(group.id, MARKDOWN, title="Report")
    section = report.outline[0].id
    writer = Person(browser, f"{server.url}/app/", server.url, "clash", "same-origin")
    try:
        writer.sign_in(member.token)
        _propose(writer, 1)
        writer.page.fill("#edit-1", "The Working Group on Internet Governance met often in Geneva.")
        writer.page.click("button:has-text('Show the change')")
        writer.see(".sketch", "Suggested kind")
        with PlenaryClient(server.url, secretariat.token) as api:
            text = api.get_section(section).head.text  # type: ignore[union-attr]
            api.write_version(
                section, base_version=1, text=text.replace("four times", "three times")
            )
        writer.page.click("button:has-text('File the amendment')")
        writer.see("#problem", "Filing the amendment did not succeed.")
        writer.see("#problem", "overlaps")
        writer.see("#problem .conflicts", "This amendment: replace")
        writer.see("#problem .conflicts", "Version 2 already: replaced “four” with “three”")
        assert "409" not in writer.page.inner_text("#problem")
        writer.shot("conflict")
        assert writer.errors == []
    finally:
        writer.close()


def test_an_editorial_notice_is_accepted_or_called_substance_and_key_changes_show(
    server: LiveServer, browser: Any, axe: str
) -> None:
    """After adoption an editorial change waits out its notice: members accept it now (a
    signed consent; when every voter has, it applies at once) or call it substance, never
    object; the chair may reject it, nobody adopts it. A proposal the server reads as
    substantive is marked disputed. A member's key replaced through a new invitation shows
    to the chair, by name, and loudly to the member in a browser that does not hold it."""
    with PlenaryClient(server.url, ADMIN_TOKEN) as admin:
        group = admin.create_group("Editorial notice")
        chair = enrolled(admin, group.id, make_key=False, name="Chair Desai", role="chair")
        secretariat = enrolled(
            admin, group.id, make_key=False, name="Sec Moreau", role="secretariat"
        )
        created = admin.add_participant(group.id, name="Nitin Member", role="member")
    with PlenaryClient(server.url, secretariat.token) as api:
        report = api.import_report(group.id, MARKDOWN, title="Report")
    with PlenaryClient(server.url, chair.token) as api:
        api.open_meeting(report.id)  # the group adopts in session
        api.adopt_report(report.id)
    people: list[Person] = []

    def person(label: str) -> Person:
        people.append(Person(browser, f"{server.url}/app/", server.url, label, "notice"))
        return people[-1]

    try:
        member = person("member")
        member.page.fill("#invitation", created.invitation.code)
        member.page.click("button[type=submit]:has-text('Sign in')")
        member.ready()
        chair_page = person("chair")
        chair_page.sign_in(chair.token)
        assert member.page.evaluate("document.body.dataset.signing") == "ready"
        assert member.page.locator("#key-state").is_hidden()  # nothing to say: all is well

        section = report.outline[0].id
        with PlenaryClient(server.url, secretariat.token) as api:
            text = api.get_section(section).head.text  # type: ignore[union-attr]
            tidy = api.propose(
                section,
                base_version=1,
                kind="editorial",
                text=text.replace("met four times in Geneva", "met four times, in Geneva"),
            )
            sly = api.propose(
                section,
                base_version=1,
                kind="editorial",
                text=text.replace("open to all stakeholders", "closed to all stakeholders"),
            )
        assert tidy.notice and tidy.status == "consent_open"
        card = f"#amendment-{tidy.id}"
        member.see(card, "Editorial change: applies on")
        member.see(card, "unless a member calls it substance")
        assert member.page.locator(f"{card} button:has-text('Accept now')").count() == 1
        assert member.page.locator(f"{card} button:has-text('Call it substance…')").count() == 1
        assert member.page.locator(f"{card} button:has-text('Object')").count() == 0
        chair_page.see(f"{card} button", "Reject")
        assert chair_page.page.locator("#amendment-list button:has-text('Adopt')").count() == 0
        assert sly.kind_disputed  # a negation: the server's reading says substantive
        member.see(f"#amendment-{sly.id} .badge", "disputed: the server reads this as substantive")
        check_accessibility(member, axe, "member's editorial notice")
        member.shot("notice")

        # Accepted by every voter (the chair and the member): it applies at once.
        member.page.click(f"{card} button:has-text('Accept now')")
        member.see(f"{card} .tally", "1 of 2 accepted it")
        member.no_problem()
        chair_page.page.click(f"{card} button:has-text('Accept now')")
        for someone in (member, chair_page):
            someone.see("#paragraph-1", "met four times, in Geneva")
            someone.no_problem()

        # Called substance, with a reason: a substantive consent round, objections allowed.
        other = f"#amendment-{sly.id}"
        member.page.click(f"{other} button:has-text('Call it substance…')")
        member.page.fill(f"#escalate-reason-{sly.id}", "Closing the forum is substance.")
        member.page.click(f"{other} button[type=submit]:has-text('Call it substance')")
        member.see(other, "consent round open")
        member.see(other, "Substantive")
        assert member.page.locator(f"{other} button:has-text('Object…')").count() == 1
        member.no_problem()

        with PlenaryClient(server.url, chair.token) as api:
            accepted = [
                e
                for e in api.all_events(report.id)
                if e.type == "consent.consent" and e.payload["amendment_id"] == tidy.id
            ]
            assert len(accepted) == 2 and all(e.signature for e in accepted)
            assert api.get_amendment(tidy.id).status == "adopted"
            again = api.invite(created.id)  # the member's tokens die, on the record

        # The member redeems the new code in another browser: a new key, replacing the old.
        elsewhere = person("member-elsewhere")
        elsewhere.page.fill("#invitation", again.code)
        elsewhere.page.click("button[type=submit]:has-text('Sign in')")
        elsewhere.ready()
        chair_page.see("#key-state", "The signing key of Nitin Member was replaced")
        elsewhere.see("#key-state", "Your signing key was replaced on")
        elsewhere.see("#key-state", "(this browser holds it)")
        assert elsewhere.page.locator("#key-state [role=alert]").count() == 0
        # A third browser signed in with a token of the member, without the new key: loudly.
        new_token = elsewhere.page.evaluate("sessionStorage.getItem('plenary.token')")
        with PlenaryClient(server.url, new_token) as api:
            third_token = api.create_token(created.id, label="third").token
        third = person("member-third")
        third.sign_in(third_token)
        third.see(
            "#key-state [role=alert]",
            "Your signing key was replaced through a new invitation. If this was not you, "
            "tell the chair and the group.",
        )
        third.see("#key-state", "Import the key file")
        check_accessibility(third, axe, "member warned of a replaced key")
        third.shot("key-replaced")
        for someone in (chair_page, elsewhere, third):
            assert someone.errors == [], (someone.label, someone.errors)
    finally:
        for someone in people:
            someone.close()


def _tab_to(person: Person, test: str, most: int, *, back: bool = False) -> int:
    """Press Tab (Shift+Tab) until `test` (a JS expression on `el`, the focused element)
    holds; the number of presses, at most `most`."""
    for presses in range(1, most + 1):
        person.page.keyboard.press("Shift+Tab" if back else "Tab")
        if person.page.evaluate(
            f"(() => {{ const el = document.activeElement; return {test}; }})()"
        ):
            return presses
    raise AssertionError(
        f"{person.label}: {test} not reached in {most} presses; at "
        + person.page.evaluate("document.activeElement.outerHTML.slice(0, 200)")
    )


def test_keyboard_proposal_live_markers_withdrawal_and_consent(
    server: LiveServer, browser: Any, axe: str
) -> None:
    """Issue 34. A member proposes by keyboard only (Tab to the text, arrows to the
    paragraph, Enter; Escape closes the editor and returns focus); another member sees the
    paragraph marked live; the proposer withdraws (If-Match: never a 428); after adoption a
    voter reaches Consent by keyboard in a few presses through a skip link, the card names
    who is yet to answer and the round's deadline, and the chair reminds them."""
    with PlenaryClient(server.url, ADMIN_TOKEN) as admin:
        group = admin.create_group("Findability")
        chair = enrolled(admin, group.id, make_key=False, name="Chair Desai", role="chair")
        secretariat = enrolled(admin, group.id, make_key=False, name="Sec", role="secretariat")
        proposer = enrolled(admin, group.id, make_key=False, name="Pia Proposer", role="member")
        other = enrolled(admin, group.id, make_key=False, name="Otto Other", role="member")
    with PlenaryClient(server.url, secretariat.token) as api:
        report = api.import_report(group.id, MARKDOWN, title="Report")
    people: list[Person] = []

    def person(label: str, token: str) -> Person:
        people.append(Person(browser, f"{server.url}/app/", server.url, label, "issue34"))
        people[-1].sign_in(token)
        return people[-1]

    try:
        pia = person("proposer", proposer.token)
        otto = person("other", other.token)
        keyboard = pia.page.keyboard
        # One tab stop for the whole text, and one "Propose a change" beside it: not one
        # button per paragraph.
        assert pia.page.locator("button:has-text('Propose a change')").count() == 1
        # The group's pages each add one stop to the row above the room (pages.js): the
        # budget below counts them, and holds the rest of the way to the text at ten.
        pages = pia.page.locator("#group-nav a").count()
        presses = _tab_to(pia, "el.classList.contains('paragraph')", 15 + pages)
        assert pia.page.evaluate("document.activeElement.id") == "paragraph-1"
        keyboard.press("ArrowDown")
        assert pia.page.evaluate("document.activeElement.id") == "paragraph-2"
        pia.see("#paragraph-2 button", "Propose a change")
        keyboard.press("Enter")
        assert pia.page.evaluate("document.activeElement.id") == "edit-2"
        keyboard.press("Escape")  # closes the editor, focus back on the paragraph
        assert pia.page.locator("#edit-2").count() == 0
        assert pia.page.evaluate("document.activeElement.id") == "paragraph-2"
        keyboard.press("Enter")
        keyboard.press("End")
        keyboard.press("Backspace")
        keyboard.type(", on an equal footing.")
        _tab_to(pia, "el.textContent === 'Show the change'", 5)
        keyboard.press("Enter")
        pia.see(".sketch .change-where", "Paragraph 2:")  # only the changed paragraph
        assert "Geneva" not in pia.page.inner_text(".sketch .changes")
        check_accessibility(pia, axe, "proposer's editor with a tracked change")
        _tab_to(pia, "el.textContent === 'File the amendment'", 8)
        keyboard.press("Enter")
        pia.see("#amendment-list", "proposed by Pia Proposer")
        pia.see("#status", "filed")
        pia.see(".local-note", "filed")  # said beside where she acted, too
        pia.no_problem()
        assert presses <= 10 + pages, (presses, pages)

        # The other member sees the paragraph marked, live, with a link to the card.
        otto.see("#paragraph-2 .marks", "Pending: amendment")
        assert otto.page.locator("#paragraph-2.has-pending").count() == 1
        assert otto.page.locator("#paragraph-1.has-pending").count() == 0
        otto.shot("pending-marker")
        check_accessibility(otto, axe, "member's text with a pending marker")

        # The proposer withdraws: If-Match is sent, the marker goes for everyone.
        pia.page.click("button[aria-label^='Withdraw amendment']")
        pia.see("#amendment-list", "withdrawn")
        pia.no_problem()
        otto.see("#amendment-list", "withdrawn")
        otto.page.wait_for_selector("#paragraph-2.has-pending", state="detached", timeout=WAIT)

        # After adoption (in session), a substantive change opens a consent round.
        with PlenaryClient(server.url, chair.token) as api:
            api.open_meeting(report.id)
            api.adopt_report(report.id)
        with PlenaryClient(server.url, proposer.token) as api:
            section = report.outline[0].id
            text = api.get_section(section).head.text  # type: ignore[union-attr]
            api.propose(
                section,
                base_version=1,
                kind="substantive",
                text=text.replace("four times", "five times"),
                consent_deadline=datetime.now(UTC) + timedelta(days=3, hours=2),
            )
        otto.see("#report-status", "The editorial window ends on")
        otto.see("#amendment-list", "consent round open")
        otto.see(".pending-voters", "Yet to answer:")
        for name in ("Chair Desai", "Pia Proposer", "you"):
            otto.see(".pending-voters", name)
        otto.see(".deadline", "The round ends on")
        otto.see(".deadline .countdown", "in 3 days")
        otto.see("#paragraph-1 .marks", "consent round")
        # Keyboard only: back to the skip links, to the amendments, to Consent.
        otto.page.focus("#workspace-title")
        _tab_to(otto, "el.textContent === 'Skip to the amendments'", 6, back=True)
        otto.page.keyboard.press("Enter")
        assert otto.page.evaluate("document.activeElement.id") == "amendments-title"
        presses = _tab_to(
            otto, "(el.getAttribute('aria-label') || '').startsWith('Consent to')", 10
        )
        otto.page.keyboard.press("Enter")
        otto.see("#status", "was recorded: consent")
        otto.no_problem()
        assert presses <= 7, presses  # the list's "Show" filter is one stop (a radio group)
        check_accessibility(otto, axe, "member's consent card")
        otto.shot("consented")

        chair_page = person("chair", chair.token)
        chair_page.see(".pending-voters", "Pia Proposer")
        # Live, and the refresh that going live asks for has run: a click is never split
        # between a card and the same card drawn again.
        chair_page.page.wait_for_function(
            "document.body.dataset.stream === 'live' && document.body.dataset.settled === 'yes'",
            timeout=WAIT,
        )
        chair_page.page.click("button:has-text('Remind those yet to answer')")
        chair_page.see("#status", "A reminder went to the 2 voter(s)")
        chair_page.no_problem()
        for someone in people:
            assert someone.errors == [], (someone.label, someone.errors)
    finally:
        for someone in people:
            someone.close()
