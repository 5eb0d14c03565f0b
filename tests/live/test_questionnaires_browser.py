"""The questionnaires page (issue 31) in real headless Chromium against a live `plenary
serve`: the secretariat, two members and a public respondent, each in their own browser
context.

The secretariat creates a questionnaire (one question of each kind, both chapeaux) tied to
the report it has open and issues an open public link; one member answers with the mouse,
the other by keyboard only (ranking with the "Move" buttons); a public respondent answers
through the link with no account and gets its reply's own link; the secretariat sees the
reply arrive live, publishes it and opens members' replies; each member then reads the
other's reply, named; the results' bars show the counts. axe-core checks each page for
serious or critical violations. Screenshots (1280x800) go to `test-artifacts/`.
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
from tests.server import LiveServer, live_server

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
AXE = ROOT / ".ci" / "node" / "node_modules" / "axe-core" / "axe.min.js"
WAIT = 30_000  # ms; generous for 2 cores shared with a second xdist worker, never a measured time
VIEWPORT = {"width": 1280, "height": 800}
MARKDOWN = "# I. Process functions\n\nThe group discussed the four process functions.\n"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    url = f"sqlite:///{tmp_path_factory.mktemp('questionnaires') / 'questionnaires.db'}"
    # Migrated here first: the server then starts without migrating (a loaded machine).
    upgrade(Settings(database_url=url, admin_token=ADMIN_TOKEN))
    with live_server(url) as running:
        yield running


class Browser:
    """One person in their own browser context (own session storage, own stream)."""

    def __init__(self, browser: Any, url: str, label: str) -> None:
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
        self.page.goto(url)
        self.page.wait_for_function("document.body.dataset.booted === 'yes'", timeout=WAIT)

    def sign_in(self, api: str, token: str) -> None:
        self.page.fill("#api-base", api)
        self.page.fill("#token", token)
        self.page.click("button[type=submit]:has-text('Sign in')")
        self.page.wait_for_function("document.body.dataset.ready === 'yes'", timeout=WAIT)

    def open_questionnaires(self) -> None:
        self.page.click("#group-nav a:has-text('Questionnaires')")
        self.see("#q-list-title", "The group's questionnaires")

    def see(self, selector: str, text: str) -> None:
        try:
            self.page.locator(selector, has_text=text).first.wait_for(timeout=WAIT)
        except Exception as error:
            self.shot("failure")
            problem = self.page.inner_text("#problem") if self.page.is_visible("#problem") else ""
            raise AssertionError(
                f"{self.label} never saw {text!r} in {selector}; problem: {problem!r}; "
                f"errors: {self.errors}"
            ) from error

    def no_problem(self) -> None:
        assert self.page.locator("#problem").is_hidden(), self.page.inner_text("#problem")

    def shot(self, step: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"questionnaires-{self.label}-{step}.png"))

    def tab_to(self, selector: str, *, backwards: bool = False) -> None:
        """Press Tab until the focus is on `selector` (the keyboard's way there)."""
        for _ in range(300):
            if self.page.evaluate(
                "(s) => document.activeElement && document.activeElement.matches(s)", selector
            ):
                return
            self.page.keyboard.press("Shift+Tab" if backwards else "Tab")
        raise AssertionError(f"{self.label}: Tab never reached {selector}")


def accessible(person: Browser, axe_source: str, where: str) -> None:
    if not person.page.evaluate("typeof window.axe !== 'undefined'"):
        person.page.add_script_tag(content=axe_source)
    violations = person.page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => ['serious', 'critical'].includes(v.impact))"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"
    )
    assert violations == [], (where, violations)


QUESTIONS: list[dict[str, Any]] = [
    {"kind": "single", "prompt": "Should a new forum be created?", "options": "yes\nno\nundecided"},
    {
        "kind": "multiple",
        "prompt": "Which functions need improvement?",
        "options": "forum\noversight",
    },
    {"kind": "scale", "prompt": "How adequate is oversight today?"},
    {"kind": "ranking", "prompt": "Rank by urgency.", "options": "forum\noversight\ncoordination"},
    {"kind": "text", "prompt": "What action is needed?"},
]


def _create(sec: Browser) -> None:
    page = sec.page
    page.click("#q-create summary")
    page.fill("#q-create-title", "Process functions")
    page.fill("#q-create-internal", "Members are asked for their views on the process functions.")
    page.fill("#q-create-public", "The Working Group invites stakeholders to say what is needed.")
    for index, question in enumerate(QUESTIONS):
        if index:
            page.click("button:has-text('Add a question')")
        page.select_option(f"#q-new-{index}-kind", question["kind"])
        page.fill(f"#q-new-{index}-prompt", question["prompt"])
        if "options" in question:
            page.fill(f"#q-new-{index}-options", question["options"])
    page.check("#q-new-0-required")
    page.click("button:has-text('Create the questionnaire')")
    sec.see("#q-title", "Process functions")
    sec.no_problem()


def test_a_questionnaire_answered_moderated_and_shared_in_browsers(
    server: LiveServer,
    browser: Any,
    axe: str,
) -> None:
    # long: one scenario across four browsers, read top to bottom
    with PlenaryClient(server.url, ADMIN_TOKEN) as admin:
        group = admin.create_group("WGIG questionnaires")
        secretariat = enrolled(
            admin, group.id, make_key=False, name="Markus Kummer", role="secretariat"
        )
        alice = enrolled(
            admin,
            group.id,
            make_key=False,
            name="Alice Member",
            role="member",
            stakeholder="civil_society",
        )
        bruno = enrolled(admin, group.id, make_key=False, name="Bruno Member", role="member")
        olga = enrolled(admin, group.id, make_key=False, name="Olga Observer", role="observer")
    with PlenaryClient(server.url, secretariat.token) as api:
        api.import_report(group.id, MARKDOWN, title="Report of the WGIG")
    app_url = f"{server.url}/app/"
    people: list[Browser] = []

    def person(label: str, url: str = app_url) -> Browser:
        people.append(Browser(browser, url, label))
        return people[-1]

    try:
        # The secretariat creates the questionnaire and issues an open public link.
        sec = person("secretariat")
        sec.sign_in(server.url, secretariat.token)
        sec.open_questionnaires()
        accessible(sec, axe, "secretariat's questionnaires page")
        _create(sec)
        sec.page.click("button:has-text('Issue an open link')")
        sec.see("#q-issued", "shown only once")
        public_page = sec.page.get_attribute("#q-issued-page", "href")
        assert public_page and "/app/answer.html#code=qopen_" in public_page
        sec.shot("created")
        accessible(sec, axe, "secretariat's questionnaire with a link shown once")

        # Alice answers with the mouse: a draft first, then submitted.
        a = person("alice")
        a.sign_in(server.url, alice.token)
        a.open_questionnaires()
        a.page.click("#q-list button:has-text('Process functions')")
        a.see("#q-answer-title", "Your reply")
        a.page.locator("#q-answer-form fieldset[data-question='1'] label:text-is('yes')").click()
        a.page.click("button:has-text('Save as a draft')")
        a.see("#q-own-status", "A draft")
        a.page.locator(
            "#q-answer-form fieldset[data-question='2'] label:text-is('oversight')"
        ).click()
        a.page.locator("#q-answer-form fieldset[data-question='3'] label:text-is('4')").click()
        a.page.fill("#q-answer-form textarea", "Strengthen oversight.")
        a.page.click("button:has-text('Submit my reply')")
        a.see("#q-own-status", "Submitted")
        a.no_problem()
        accessible(a, axe, "member's answer form")
        a.shot("submitted")

        # Bruno answers by keyboard only.
        b = person("bruno")
        b.sign_in(server.url, bruno.token)
        keys = b.page.keyboard
        b.tab_to("#group-nav a[href='#/questionnaires']")
        keys.press("Enter")
        b.see("#q-list-title", "The group's questionnaires")
        b.tab_to("#q-list button")
        keys.press("Enter")
        b.see("#q-answer-title", "Your reply")
        b.tab_to("#q-answer-form fieldset[data-question='1'] input[value='yes']")
        keys.press("ArrowDown")  # a radio group: the arrow moves the choice to "no"
        assert b.page.is_checked("fieldset[data-question='1'] input[value='no']")
        b.tab_to("#q-answer-form fieldset[data-question='2'] input[value='forum']")
        keys.press("Space")
        b.tab_to("#q-answer-form fieldset[data-question='3'] input[type=radio]")
        keys.press("ArrowRight")
        keys.press("ArrowRight")  # 1 -> 3
        b.tab_to("fieldset[data-question='4'] button[data-key$='-up-coordination']")
        keys.press("Enter")
        keys.press("Enter")  # coordination is first now; the focus stays on its button
        b.see("#status", "“coordination” is now 1 of 3.")
        order = b.page.locator("fieldset[data-question='4'] .rank-option").all_inner_texts()
        assert order == ["coordination", "forum", "oversight"]
        b.tab_to("#q-answer-form textarea")
        keys.type("A forum for all stakeholders.")
        b.tab_to("button[data-key='q-submit']")
        keys.press("Enter")
        b.see("#q-own-status", "Submitted")
        b.no_problem()
        b.shot("keyboard-submitted")
        # The secretariat's results followed, live (no reload, no click).
        sec.see("#q-counts", "2 member replies and 0 published public replies")
        sec.see("#q-results .result[data-question='1'] tr[data-option='no'][data-count='1']", "no")

        # A public respondent, with no account, answers through the open link.
        pub = person("public", public_page)
        pub.page.wait_for_function("document.body.dataset.ready === 'yes'", timeout=WAIT)
        pub.see("#answer-title", "Process functions")
        pub.see("#answer-body", "The Working Group invites stakeholders")
        accessible(pub, axe, "public answering page")
        pub.page.fill("#a-name", "Ana Respondent")
        pub.page.fill("#a-organisation", "APC")
        pub.page.select_option("#a-category", "civil_society")
        pub.page.locator("fieldset[data-question='1'] label:text-is('yes')").click()
        pub.page.click("button:has-text('Submit my reply')")
        pub.see("#answer-secret", "Keep this link")
        pub.see("#answer-status", "the secretariat reads it before it is published")
        secret_link = pub.page.get_attribute("#answer-secret-link", "href")
        assert secret_link and "#code=qreply_" in secret_link
        pub.no_problem()
        pub.shot("submitted")
        accessible(pub, axe, "public page after replying")

        # The secretariat sees it arrive live, publishes it and opens members' replies.
        sec.see("#q-reply-list", "Ana Respondent")
        sec.see("#q-reply-list", "moderation: pending")
        sec.page.click("button:has-text('Publish the reply of Ana Respondent')")
        sec.see("#q-reply-list", "moderation: published")
        sec.page.click("button[data-key='q-share']")
        sec.see("#q-state", "Members read each other's replies.")
        sec.no_problem()

        # Each member reads the other's reply, named, as the API gives it (live).
        a.see("#q-reply-list", "Bruno Member")
        b.see("#q-reply-list", "Alice Member")
        a.see("#q-reply-list", "A forum for all stakeholders.")
        a.page.locator("#q-replies-title").evaluate("e => e.scrollIntoView()")
        a.shot("colleagues-replies")
        accessible(b, axe, "member reading colleagues' replies")

        # The results: yes twice (Alice, the published public reply), no once (Bruno).
        results = "#q-results .result[data-question='1'] tr"
        sec.see(f"{results}[data-option='yes'][data-count='2']", "yes")
        sec.see(f"{results}[data-option='no'][data-count='1']", "no")
        # Drawn from the data as SVG: the most frequent answer fills the bar, one half of it
        # half the bar.
        widths = [
            sec.page.locator(f"{results}[data-option='{o}'] svg.bar rect").get_attribute("width")
            for o in ("yes", "no")
        ]
        assert widths == ["256", "128"]
        sec.see("#q-counts", "2 member replies and 1 published public replies")
        sec.page.locator("#q-results-title").evaluate("e => e.scrollIntoView()")
        sec.shot("results")
        accessible(sec, axe, "secretariat's results")
        with sec.page.expect_download() as download:
            sec.page.click("button:has-text('Export the replies as CSV')")
        exported = Path(download.value.path()).read_text(encoding="utf-8")
        assert "A forum for all stakeholders." in exported and "Ana Respondent" in exported
        with sec.page.expect_download() as download:
            sec.page.click("button:has-text('Export the summary')")
        summary = Path(download.value.path()).read_text(encoding="utf-8")
        assert "Process functions" in summary

        # Alice changes her reply before the deadline, then withdraws it; the results follow.
        a.page.locator(
            "#q-answer-form fieldset[data-question='1'] label:text-is('undecided')"
        ).click()
        a.page.click("button:has-text('Submit the changes')")
        a.no_problem()
        one = "#q-results .result[data-question='1'] tr"
        sec.see(f"{one}[data-option='undecided'][data-count='1']", "undecided")
        sec.see(f"{one}[data-option='yes'][data-count='1']", "yes")
        a.page.click("button:has-text('Withdraw my reply')")
        a.see("#q-own-status", "Withdrawn")
        sec.see("#q-counts", "1 member replies and 1 published public replies")
        sec.see(f"{one}[data-option='undecided'][data-count='0']", "undecided")

        # An observer reads the same replies with no member named, and answers nothing.
        o = person("observer")
        o.sign_in(server.url, olga.token)
        o.open_questionnaires()
        o.page.click("#q-list button:has-text('Process functions')")
        o.see("#q-reply-list", "a member of the group")
        o.see("#q-reply-list", "A forum for all stakeholders.")
        assert o.page.locator("#q-answer, #q-staff").count() == 0
        text = o.page.inner_text("#q-detail")
        assert "Alice Member" not in text and "Bruno Member" not in text
        accessible(o, axe, "observer's questionnaire")

        # The respondent changes its reply with its own link until the deadline.
        pub.page.goto(secret_link)
        pub.page.reload()
        pub.page.wait_for_function("document.body.dataset.ready === 'yes'", timeout=WAIT)
        pub.see("#answer-status", "is published")
        for someone in people:
            assert someone.errors == [], (someone.label, someone.errors)
    finally:
        for someone in people:
            someone.context.close()
