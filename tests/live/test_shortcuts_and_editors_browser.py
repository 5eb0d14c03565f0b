"""Keyboard shortcuts, the questionnaire's question editor and lineage between reports in the
web client (issue 34), in headless Chromium against a live `plenary serve`, each role in its
own browser context:

- a member, by keyboard only, opens the shortcuts' help (`?`: a dialog that keeps the focus
  and gives it back when Escape closes it), jumps to a paragraph with a pending amendment
  (`n`) and consents to it through the consent form `c` opens (nothing is sent by the key);
- the chair adopts the amendment on the floor by `a` with its confirmation (Escape first:
  nothing adopted), calls the next on the queue (`q`), rejects by `r` and takes one off by `t`;
- the secretariat adds, reorders and removes questions, then, once a member has submitted a
  reply, sees the refused reorder explained beside the form and fixes a typo instead;
- lineage: a derived report names its source, the source lists it, each section says where
  its text came from, and the links go there.

axe-core finds no serious or critical violation on each new page and dialog; screenshots at
1280x800 go to `test-artifacts/shortcuts-*.png`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from app.client import PlenaryClient
from tests.conftest import ADMIN_TOKEN
from tests.factories import enrolled
from tests.live.test_webclient_browser import MARKDOWN, WAIT, Person, check_accessibility
from tests.server import LiveServer, module_server, unique

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"

server = module_server("shortcuts")


class Someone(Person):
    """A person at 1280x800, the size the screenshots are kept at."""

    def __init__(self, browser: Any, server: LiveServer, label: str) -> None:
        super().__init__(browser, f"{server.url}/app/", server.url, label, "shortcuts")
        self.page.set_viewport_size({"width": 1280, "height": 800})

    def shot(self, step: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"shortcuts-{self.label}-{step}.png"))

    def focused(self) -> str:
        """What has the focus: its id, else its data-key, else its tag."""
        return str(
            self.page.evaluate(
                "() => { const e = document.activeElement;"
                " return e.id || (e.dataset && e.dataset.key) || e.tagName; }"
            )
        )

    def press(self, *keys: str) -> None:
        for key in keys:
            self.page.keyboard.press(key)


@pytest.fixture
def people(browser: Any, server: LiveServer) -> Iterator[dict[str, Any]]:
    """A group (chair, secretariat, two members) and the browsers opened in the test, each
    closed at the end; none may have met a script error."""
    with PlenaryClient(server.url, ADMIN_TOKEN) as admin:
        group = admin.create_group(unique("Shortcuts"))
        found: dict[str, Any] = {
            "group": group.id,
            "chair": enrolled(admin, group.id, make_key=False, name="Chair Desai", role="chair"),
            "sec": enrolled(admin, group.id, make_key=False, name="Sec Moreau", role="secretariat"),
            "ana": enrolled(admin, group.id, make_key=False, name="Ana Member", role="member"),
            "ben": enrolled(admin, group.id, make_key=False, name="Ben Member", role="member"),
        }
    opened: list[Someone] = []

    def sign_in(label: str, token: str) -> Someone:
        someone = Someone(browser, server, label)
        opened.append(someone)
        someone.sign_in(token)
        return someone

    found["sign_in"] = sign_in
    try:
        yield found
        for someone in opened:
            assert someone.errors == [], (someone.label, someone.errors)
    finally:
        for someone in opened:
            someone.close()


def test_a_member_consents_by_keyboard_through_the_shortcut_and_the_form(
    server: LiveServer, people: dict[str, Any], axe: str
) -> None:
    with PlenaryClient(server.url, people["sec"].token) as api:
        report = api.import_report(people["group"], MARKDOWN, title="Report")
    with PlenaryClient(server.url, people["chair"].token) as api:
        api.open_meeting(report.id)
        api.adopt_report(report.id)
    section = report.outline[0].id
    with PlenaryClient(server.url, people["ana"].token) as api:
        text = api.get_section(section).head.text  # type: ignore[union-attr]
        amendment = api.propose(
            section,
            base_version=1,
            kind="substantive",
            text=text.replace("open to all stakeholders", "open to all stakeholders equally"),
            consent_deadline=datetime.now(UTC) + timedelta(days=3),
        )
    ben = people["sign_in"]("member", people["ben"].token)
    ben.see("#amendment-list", "consent round open")
    assert ben.focused() == "workspace-title"

    # `?`: the help, a modal dialog with the focus inside; Tab stays in it; Escape closes it
    # and the focus is back where it was.
    ben.press("?")
    ben.see("#shortcuts-help", "Keyboard shortcuts")
    assert ben.page.evaluate("document.getElementById('shortcuts-help').open")
    assert ben.page.evaluate(
        "document.getElementById('shortcuts-help').contains(document.activeElement)"
    )
    for _ in range(3):
        ben.press("Tab")
        assert ben.page.evaluate(
            "document.getElementById('shortcuts-help').contains(document.activeElement)"
        )
    ben.see("#shortcuts-help", "Answer a consent round")
    assert "Adopt the amendment on the floor" not in ben.page.inner_text("#shortcuts-help")
    check_accessibility(ben, axe, "the shortcuts' help")
    ben.shot("help")
    ben.press("Escape")
    ben.page.wait_for_function("!document.getElementById('shortcuts-help')", timeout=WAIT)
    assert ben.focused() == "workspace-title"
    # The same help from its visible button, closed by its Close button.
    ben.page.click("#shortcuts-button")
    ben.see("#shortcuts-help", "Keyboard shortcuts")
    ben.page.click("#shortcuts-help button:has-text('Close')")
    ben.page.wait_for_function("!document.getElementById('shortcuts-help')", timeout=WAIT)

    # Typing in a field, or with a modifier held, is never a shortcut.
    ben.page.focus("#filter-status")
    ben.press("c", "Alt+c")
    ben.page.select_option("#filter-status", "")  # the letter chose a status, as selects do
    ben.page.focus("#workspace-title")
    ben.press("Alt+c", "Control+Shift+/")
    assert ben.page.locator("dialog").count() == 0

    # `g a` goes to the amendments, `n` to the paragraph the amendment changes.
    ben.press("g", "a")
    assert ben.focused() == "amendments-title"
    ben.press("g", "t")
    assert ben.focused() == "report-title"
    ben.press("n")
    ben.page.wait_for_function(
        "document.activeElement.classList.contains('has-pending')", timeout=WAIT
    )
    assert ben.focused() == "paragraph-2"
    ben.see("#status", "Paragraph 2")

    # `c`: the consent form for the amendment on this paragraph; nothing is sent by the key.
    ben.press("c")
    ben.see("#consent-form", f"Your answer on amendment {amendment.id}")
    ben.see("#consent-form .instruction", "equally")
    assert ben.page.evaluate("document.activeElement.dataset.answer") == "consent"
    check_accessibility(ben, axe, "the consent form")
    ben.shot("consent-form")
    with PlenaryClient(server.url, people["ben"].token) as api:
        tally = api.get_amendment(amendment.id).tally
        assert tally is not None and tally.consented == 0
    # Escape leaves it unanswered, the focus back on the paragraph; `c` again, then Enter.
    ben.press("Escape")
    ben.page.wait_for_function("!document.getElementById('consent-form')", timeout=WAIT)
    assert ben.focused() == "paragraph-2"
    ben.press("c")
    ben.see("#consent-form", f"Your answer on amendment {amendment.id}")
    ben.press("Enter")
    ben.see("#status", f"Your answer on amendment {amendment.id} was recorded: consent.")
    ben.see(f"#amendment-{amendment.id}", "Your answer: consent.")
    ben.no_problem()
    ben.shot("consented")
    with PlenaryClient(server.url, people["ben"].token) as api:
        tally = api.get_amendment(amendment.id).tally
    assert tally is not None and tally.consented == 1
    assert tally.answers[0].participant_id == people["ben"].id and tally.answers[0].signature


def test_the_chair_decides_the_floor_by_shortcut_with_confirmation(
    server: LiveServer, people: dict[str, Any], axe: str
) -> None:
    with PlenaryClient(server.url, people["sec"].token) as api:
        report = api.import_report(people["group"], MARKDOWN, title="Report")
    section = report.outline[0].id
    with PlenaryClient(server.url, people["chair"].token) as api:
        api.open_meeting(report.id)  # its plenary session starts with it: decisions are taken
    with PlenaryClient(server.url, people["ana"].token) as api:
        text = api.get_section(section).head.text  # type: ignore[union-attr]
        first, second, third = (
            api.propose(section, base_version=1, kind="substantive", text=text.replace(old, new))
            for old, new in (
                ("four times", "five times"),
                ("open to all", "open to every one of the"),
                ("in Geneva", "in Geneva and Tunis"),
            )
        )
    with PlenaryClient(server.url, people["chair"].token) as api:
        api.put_on_floor(first.id)
        api.queue_for_floor(second.id)
        api.queue_for_floor(third.id)
    chair = people["sign_in"]("chair", people["chair"].token)
    ana = people["sign_in"]("watcher", people["ana"].token)
    chair.see("#on-floor", f"On the floor: amendment {first.id}")

    # `a`: the confirmation, never the adoption itself; Escape cancels, focus back.
    chair.press("a")
    chair.see("#confirm-adopt", f"Adopt amendment {first.id}?")
    chair.see("#confirm-adopt .instruction", "five")
    assert chair.page.evaluate("document.activeElement.dataset.confirm") == "yes"
    check_accessibility(chair, axe, "the adoption's confirmation")
    chair.shot("confirm-adopt")
    chair.press("Escape")
    chair.page.wait_for_function("!document.getElementById('confirm-adopt')", timeout=WAIT)
    assert chair.focused() == "workspace-title"
    with PlenaryClient(server.url, people["chair"].token) as api:
        assert api.get_amendment(first.id).status.value == "on_floor"
    chair.press("a")
    chair.see("#confirm-adopt", f"Adopt amendment {first.id}?")
    chair.press("Enter")
    chair.see(".decisions", f"Amendment {first.id}, adopted")
    ana.see(".decisions", f"Amendment {first.id}, adopted")
    chair.no_problem()

    # `q`: the next on the queue comes to the floor (the button says how many are queued).
    chair.see("#floor-body", "Call the next on the queue (2 queued)")
    chair.press("q")
    chair.see("#on-floor", f"On the floor: amendment {second.id}")
    # `r`: the rejection's confirmation, with the reason typed beside the button.
    chair.page.fill("#reject-reason", "The text says all stakeholders already.")
    chair.page.focus("#workspace-title")
    chair.press("r")
    chair.see("#confirm-reject", "The text says all stakeholders already.")
    check_accessibility(chair, axe, "the rejection's confirmation")
    chair.press("Enter")
    chair.see(".decisions", f"Amendment {second.id}, rejected")
    chair.press("q")
    chair.see("#on-floor", f"On the floor: amendment {third.id}")
    # `t`: off the floor, undecided.
    chair.press("t")
    chair.see("#status", f"Amendment {third.id} is off the floor, undecided.")
    chair.see("#floor-body", "Nothing is on the floor.")
    chair.no_problem()
    chair.shot("floor-after-shortcuts")
    with PlenaryClient(server.url, people["chair"].token) as api:
        statuses = [api.get_amendment(a.id).status.value for a in (first, second, third)]
        assert statuses == ["adopted", "rejected", "proposed"]
        assert (
            api.get_amendment(second.id).outcome_note == "The text says all stakeholders already."
        )


def test_the_secretariat_edits_questions_then_only_fixes_a_wording(
    server: LiveServer, people: dict[str, Any], axe: str
) -> None:
    with PlenaryClient(server.url, people["sec"].token) as api:
        report = api.import_report(people["group"], MARKDOWN, title="Report")
        questionnaire = api.create_questionnaire(
            people["group"],
            {
                "title": "Forum functions",
                "report_id": report.id,
                "internal_chapeau": "Members are asked for their views.",
                "deadline": (datetime.now(UTC) + timedelta(days=7)).isoformat(),
                "questions": [
                    {"kind": "text", "prompt": "Anything else?"},
                    {
                        "kind": "single",
                        "prompt": "Shuold a forum be created?",
                        "options": ["yes", "no"],
                    },
                    {
                        "kind": "scale",
                        "prompt": "How urgent is it?",
                        "scale_min": 1,
                        "scale_max": 5,
                    },
                ],
            },
        )
    sec = people["sign_in"]("secretariat", people["sec"].token)
    sec.page.click("#group-nav a:has-text('Questionnaires')")
    sec.page.click("button:has-text('Forum functions')")
    sec.see("#q-title", "Forum functions")
    sec.page.click("#q-edit summary")
    sec.see("#q-edit", "Until the first reply is submitted")
    # Add a ranking question at the end.
    sec.page.click("#q-edit button:has-text('Add a question')")
    new = sec.page.locator("#q-edit .question-editor").nth(3)
    new.locator("select").select_option("ranking")
    new.locator("input[id$='-prompt']").fill("Rank the functions.")
    new.locator("textarea[id$='-options']").fill("forum\noversight\ncoordination")
    # By keyboard: the scale question moves up twice (to the top), its Move up button keeping
    # the focus until it is first, then its Move down.
    scale = sec.page.locator("#q-edit .question-editor").nth(2)
    scale.locator("button:has-text('Move up')").focus()
    sec.press("Enter")
    sec.see("#status", "“How urgent is it?” is now question 2 of 4.")
    sec.press("Enter")
    sec.see("#status", "“How urgent is it?” is now question 1 of 4.")
    assert sec.page.evaluate("document.activeElement.textContent").startswith("Move down")
    # Remove "Anything else?" (now question 2).
    sec.page.click("#q-edit button:has-text('Remove question 2')")
    sec.see("#status", "“Anything else?” was removed")
    check_accessibility(sec, axe, "the question editor")
    sec.shot("questions-edited")
    sec.page.click("#q-edit button:has-text('Save the questions')")
    sec.see("#status", "The questions of “Forum functions” are saved: 3 question(s).")
    sec.no_problem()
    with PlenaryClient(server.url, people["sec"].token) as api:
        now = api.get_questionnaire(questionnaire.id)
    assert [(q.kind.value, q.prompt) for q in now.questions] == [
        ("scale", "How urgent is it?"),
        ("single", "Shuold a forum be created?"),
        ("ranking", "Rank the functions."),
    ]
    assert now.questions[2].options == ["forum", "oversight", "coordination"]

    # A member submits a reply; the secretariat's form, drawn before, tries a reorder.
    with PlenaryClient(server.url, people["ana"].token) as api:
        api.answer_questionnaire(questionnaire.id, {str(now.questions[0].id): 4}, submit=True)
    sec.page.click("#q-edit summary")
    sec.page.click("#q-edit button:has-text('Move down')")
    sec.page.click("#q-edit button:has-text('Save the questions')")
    sec.see("#q-edit-refused", "1 replies have been submitted")
    sec.see("#q-edit-rule", "can no longer be added, removed, reordered or changed")
    sec.see("#problem", "Saving the questions did not succeed.")
    assert sec.page.locator("#q-edit .question-editor").count() == 0
    assert sec.focused() == "q-edit-refused"
    check_accessibility(sec, axe, "the wording fix after a reply")
    sec.shot("wording-only")
    # The typo is fixed, its reason on the record; the order stays.
    fix = next(q for q in now.questions if q.prompt.startswith("Shuold"))
    sec.page.fill(f"#q-fix-{fix.id}-prompt", "Should a forum be created?")
    sec.page.fill(f"#q-fix-{fix.id}-note", "A typo in “Should”.")
    sec.page.click(f"button:has-text('Correct question {fix.number}')")
    sec.see("#status", f"Question {fix.number} now reads: “Should a forum be created?”.")
    sec.no_problem()
    with PlenaryClient(server.url, people["sec"].token) as api:
        after = api.get_questionnaire(questionnaire.id)
    assert [q.prompt for q in after.questions] == [
        "How urgent is it?",
        "Should a forum be created?",
        "Rank the functions.",
    ]
    assert after.questions[1].answered_prompt == "Shuold a forum be created?"


def test_lineage_between_reports_links_both_ways(
    server: LiveServer, people: dict[str, Any], axe: str
) -> None:
    with PlenaryClient(server.url, people["sec"].token) as api:
        paper = api.import_report(people["group"], MARKDOWN, title="Working paper", symbol="WP/1")
        background = api.derive_report(
            paper.id,
            title="Background report",
            symbol="BR/1",
            section_ids=[paper.outline[1].id],
        )
    ana = people["sign_in"]("member", people["ana"].token)
    ana.page.evaluate("(h) => { location.hash = h; }", f"#/lineage?report={background.id}")
    ana.see("#lineage-source", "Working paper (WP/1)")
    ana.see("#lineage-derived", "None yet.")
    row = f"#lineage-sections tr[data-section='{background.outline[0].id}']"
    ana.see(row, "Working paper (WP/1), II Follow-up")
    ana.see(row, "version 1")
    check_accessibility(ana, axe, "a derived report's lineage")
    ana.shot("lineage-derived")
    # Its source lists it, and its own lineage is its own.
    ana.page.click("#lineage-source a:has-text('Working paper')")
    ana.see("#lineage-derived", "Background report (BR/1)")
    ana.see("#lineage-source", "No other report")
    assert ana.page.evaluate("window.plenary.reportId") == paper.id
    ana.shot("lineage-source")
    ana.page.click("#lineage-derived a:has-text('Background report')")
    ana.see(row, "Working paper (WP/1), II Follow-up")
    # A source section's link opens the source report in the room, at that section.
    ana.page.click(f"{row} td a")
    ana.page.wait_for_function(
        f"document.activeElement && document.activeElement.id === 'section-{paper.outline[1].id}'",
        timeout=WAIT,
    )
    assert ana.page.evaluate("window.plenary.reportId") == paper.id
    ana.no_problem()


def test_the_chair_names_a_captioner_who_captions_from_the_meetings_page(
    server: LiveServer, people: dict[str, Any], axe: str
) -> None:
    with PlenaryClient(server.url, people["sec"].token) as api:
        report = api.import_report(people["group"], MARKDOWN, title="Report")
    with PlenaryClient(server.url, people["chair"].token) as api:
        meeting = api.open_meeting(report.id, title="Second meeting")  # a plenary starts
    chair = people["sign_in"]("chair", people["chair"].token)
    ben = people["sign_in"]("captioner", people["ben"].token)
    for someone in (chair, ben):
        someone.page.click("#group-nav a:has-text('Meetings')")
        someone.see("#captions-title", "Captions")
    assert ben.page.locator("#caption-line").count() == 0
    chair.see("#captioners", "Nobody is named to caption this meeting.")
    chair.page.select_option("#captioner-choice", label="Ben Member")
    chair.page.click("button:has-text('Name as captioner')")
    chair.see("#captioners", "Ben Member")
    chair.no_problem()
    # The captioner's page offers the field live; a line typed there is on every screen.
    ben.see("label[for='caption-line']", "you caption this meeting")
    ben.page.focus("#caption-line")
    ben.page.keyboard.type("The Chair opens the second meeting.")
    ben.press("Enter")
    ben.see("#caption-lines", "The Chair opens the second meeting.")
    assert ben.page.input_value("#caption-line") == ""
    assert ben.focused() == "caption-line"
    ben.no_problem()
    check_accessibility(ben, axe, "the captioner's meetings page")
    ben.shot("captioning")
    chair.see("#caption-lines", "The Chair opens the second meeting.")
    check_accessibility(chair, axe, "the chair's captioners")
    chair.shot("captioners")
    with PlenaryClient(server.url, people["chair"].token) as api:
        assert [c.name for c in api.captioners(meeting.id)] == ["Ben Member"]
    # Un-named: the field goes away.
    chair.page.click("button:has-text('Stop')")
    chair.see("#captioners", "Nobody is named")
    ben.page.locator("#caption-line").wait_for(state="detached", timeout=WAIT)
