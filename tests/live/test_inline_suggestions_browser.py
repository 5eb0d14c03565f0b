"""Suggestions in the text (issue 34) in real headless Chromium, each person in their own
browser context against a live `plenary serve`: an open amendment is drawn at its place as a
tracked change (struck and underlined words, a space between them) with a card in the
margin, live for the other members; the proposer withdraws from the card (by mouse, and by
keyboard only) and the card goes for everyone; the "Mine" filter, an open form, what was
typed in it and the focus survive the refresh a live event causes, and a click pressed
before a redraw that changes nothing and released after it still lands; the paragraph on
the floor is highlighted and said in words, in the room and on the public screen; a bracket
and a reservation are drawn in the text (with the reserving member's name for members, "a
reservation" for an observer). axe-core finds no serious or critical violation with the
cards shown.

Screenshots go to `test-artifacts/` (`inline-*.png`, 1280x800).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from app.client import PlenaryClient
from tests.conftest import ADMIN_TOKEN
from tests.factories import enrolled
from tests.live.test_webclient_browser import (
    ARTIFACTS,
    MARKDOWN,
    WAIT,
    Person,
    check_accessibility,
)
from tests.server import LiveServer, live_server

PARAGRAPH_2 = "The forum should be open to all stakeholders."
SETTLED = "document.body.dataset.stream === 'live' && document.body.dataset.settled === 'yes'"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    path = tmp_path_factory.mktemp("inline") / "inline.db"
    with live_server(f"sqlite:///{path}") as running:
        yield running


class Room:
    def __init__(self, server: LiveServer, name: str) -> None:
        with PlenaryClient(server.url, ADMIN_TOKEN) as admin:
            self.group = admin.create_group(name)
            self.chair = enrolled(admin, self.group.id, make_key=False, name="Chair", role="chair")
            self.ana = enrolled(
                admin, self.group.id, make_key=False, name="Ana Member", role="member"
            )
            self.bo = enrolled(
                admin, self.group.id, make_key=False, name="Bo Member", role="member"
            )
            self.olga = enrolled(
                admin, self.group.id, make_key=False, name="Olga Observer", role="observer"
            )
        with PlenaryClient(server.url, self.chair.token) as api:
            self.report = api.import_report(self.group.id, MARKDOWN, title="Report")
            api.open_meeting(self.report.id)
        self.first, self.second = self.report.outline[0], self.report.outline[1]
        with PlenaryClient(server.url, self.chair.token) as api:
            self.text = api.get_section(self.first.id).head.text  # type: ignore[union-attr]


def settled(person: Person) -> None:
    """Live, and every refresh asked for has run."""
    person.page.wait_for_function(SETTLED, timeout=WAIT)


def sign_in(browser: Any, server: LiveServer, token: str, label: str) -> Person:
    person = Person(browser, f"{server.url}/app/", server.url, label, "inline")
    person.sign_in(token)
    settled(person)
    return person


def knows(person: Person, amendment_id: int) -> None:
    """The page has read the amendment (whatever its filter shows) and drawn what follows."""
    person.page.wait_for_function(
        f"(window.plenary.pending || []).some((a) => a.id === {amendment_id})"
        " && document.body.dataset.settled === 'yes'",
        timeout=WAIT,
    )


def shot(person: Person, name: str, selector: str) -> None:
    person.page.set_viewport_size({"width": 1280, "height": 800})
    person.page.locator(selector).scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    person.page.screenshot(path=str(ARTIFACTS / f"inline-{name}.png"))


def box(person: Person, selector: str) -> dict[str, float]:
    found = person.page.locator(selector).first.bounding_box()
    assert found is not None, f"{selector} is not rendered"
    return dict(found)


def test_a_proposal_shows_inline_for_another_member_live_and_withdrawing_takes_its_card(
    server: LiveServer, browser: Any, axe: str
) -> None:
    room = Room(server, "Inline suggestions")
    people: list[Person] = []
    try:
        ana = sign_in(browser, server, room.ana.token, "ana")
        bo = sign_in(browser, server, room.bo.token, "bo")
        people += [ana, bo]

        # Ana proposes where she reads: edits paragraph 2 in place and files.
        ana.page.hover("#paragraph-2 .text")
        ana.page.click("button[aria-label='Propose a change to paragraph 2']")
        ana.page.fill("#edit-2", PARAGRAPH_2.replace("all stakeholders", "every stakeholder"))
        ana.page.click("button:has-text('Show the change')")
        ana.see(".sketch .instruction", "every stakeholder")
        ana.page.click("button:has-text('File the amendment')")
        ana.see("#status", "filed")
        with PlenaryClient(server.url, room.ana.token) as api:
            (proposed,) = api.list_amendments(room.report.id)
        card = f"#card-{proposed.id}"

        # Bo sees it arrive live, at its place: struck and underlined words, never glued.
        bo.see(f"#paragraph-2 {card}", 'replace "all stakeholders" with "every stakeholder"')
        bo.see("#paragraph-2 .text del", "all stakeholders")
        bo.see("#paragraph-2 .text ins", "every stakeholder")
        words = bo.page.locator("#paragraph-2 .text").text_content() or ""
        assert "all stakeholders. every stakeholder." in words  # a space between
        bo.see(card, "proposed by Ana Member")
        bo.see(card, "Substantive")
        bo.see(card, "proposed")
        assert bo.page.locator(f"[data-key='card-withdraw-{proposed.id}']").count() == 0
        assert ana.page.locator(f"[data-key='card-withdraw-{proposed.id}']").count() == 1
        check_accessibility(bo, axe, "the room with a margin card")

        # The card beside the paragraph on a wide text column, under it at 200% zoom.
        bo.page.set_viewport_size({"width": 1920, "height": 1000})
        text, beside = box(bo, "#paragraph-2 .text"), box(bo, card)
        assert beside["x"] >= text["x"] + text["width"]
        bo.page.set_viewport_size({"width": 700, "height": 1000})  # 1400 px at 200%
        text, under = box(bo, "#paragraph-2 .text"), box(bo, card)
        assert under["y"] >= text["y"] + text["height"]
        assert bo.page.evaluate("document.documentElement.scrollWidth <= innerWidth + 1")
        shot(bo, "member-card", "#paragraph-2")

        # Ana withdraws from the card; it goes for Bo too, live.
        ana.page.click(f"[data-key='card-withdraw-{proposed.id}']")
        ana.see("#status", f"Amendment {proposed.id} withdrawn")
        bo.page.locator(card).wait_for(state="detached", timeout=WAIT)
        bo.page.locator("#paragraph-2 .text del").wait_for(state="detached", timeout=WAIT)
        assert PARAGRAPH_2 in bo.page.inner_text("#paragraph-2 .text")
        for someone in people:
            someone.no_problem()
            assert someone.errors == [], (someone.label, someone.errors)
    finally:
        for someone in people:
            someone.close()


def test_mine_an_open_form_and_the_focus_survive_a_live_event_and_a_card_withdraws_by_keyboard(
    server: LiveServer, browser: Any, axe: str
) -> None:
    room = Room(server, "Mine and forms")
    text = room.text
    with PlenaryClient(server.url, room.ana.token) as api:
        mine = api.propose(
            room.first.id,
            base_version=1,
            kind="substantive",
            text=text.replace("all stakeholders", "every stakeholder"),
        )
    with PlenaryClient(server.url, room.bo.token) as api:
        theirs = api.propose(
            room.first.id,
            base_version=1,
            kind="substantive",
            text=text.replace("four times", "five times"),
        )
    people: list[Person] = []
    try:
        ana = sign_in(browser, server, room.ana.token, "ana")
        people.append(ana)
        page = ana.page
        ana.see(f"#card-{theirs.id}", "proposed by Bo Member")
        ana.see(f"#card-{mine.id}", "proposed by you")

        # Only mine, in the margin and in the list.
        page.click("label[for='show-mine']")
        page.locator(f"#card-{theirs.id}").wait_for(state="detached", timeout=WAIT)
        assert page.locator(f"#amendment-{theirs.id}").count() == 0
        assert page.locator(f"#amendment-{mine.id}").count() == 1

        # A form open and half typed in section I, the one the next event redraws.
        page.click(f"[data-key='restructure-open-{room.first.id}']")
        page.select_option(f"#restructure-operation-{room.first.id}", "insert")
        page.click(f"#restructure-text-{room.first.id}")
        page.keyboard.type("A new section")

        # Bo proposes on paragraph 2: a live event that redraws section I and the lists.
        with PlenaryClient(server.url, room.bo.token) as api:
            later = api.propose(
                room.first.id,
                base_version=1,
                kind="editorial",
                text=text.replace("The forum", "This forum"),
            )
        knows(ana, later.id)
        assert page.is_checked("#show-mine")
        assert page.evaluate("document.body.dataset.show") == "mine"
        assert page.locator(f"#card-{later.id}, #amendment-{later.id}").count() == 0
        assert page.locator(f"#card-{theirs.id}, #amendment-{theirs.id}").count() == 0
        assert page.locator(f"#card-{mine.id}").count() == 1
        assert page.evaluate(
            f"document.querySelector('[data-key=\"restructure-open-{room.first.id}\"]')"
            ".parentElement.open"
        )
        assert page.input_value(f"#restructure-operation-{room.first.id}") == "insert"
        # The focus stayed in the field: the typing goes on where it was.
        assert page.evaluate("document.activeElement.id") == f"restructure-text-{room.first.id}"
        page.keyboard.type(" on stakeholders")
        assert (
            page.input_value(f"#restructure-text-{room.first.id}")
            == "A new section on stakeholders"
        )

        # A click pressed before a redraw that changes nothing, released after it, lands.
        switch = "[data-key='inline-2-0']"  # paragraph 2's "Text as it stands"
        page.hover(switch)
        page.mouse.down()
        page.evaluate("window.plenary.refresh()")
        settled(ana)
        page.mouse.up()
        page.wait_for_function(
            f"document.querySelector(\"{switch}\").getAttribute('aria-pressed') === 'true'",
            timeout=WAIT,
        )
        assert page.locator("#paragraph-2 .text del").count() == 0

        # Back to all: every card again; then keyboard only, from the paragraph to the
        # card's Withdraw.
        page.click("label[for='show-all']")
        ana.see(f"#card-{theirs.id}", "proposed by Bo Member")
        check_accessibility(ana, axe, "cards with the Mine filter and a form open")
        page.focus("#paragraph-2")
        withdraw = f"card-withdraw-{mine.id}"
        for _ in range(20):
            if page.evaluate("document.activeElement.dataset.key") == withdraw:
                break
            page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.dataset.key") == withdraw
        page.keyboard.press("Enter")
        ana.see("#status", f"Amendment {mine.id} withdrawn")
        page.locator(f"#card-{mine.id}").wait_for(state="detached", timeout=WAIT)
        ana.no_problem()
        assert ana.errors == []
    finally:
        for someone in people:
            someone.close()


def test_the_floor_a_bracket_and_a_reservation_are_drawn_in_the_text(
    server: LiveServer, browser: Any, axe: str
) -> None:
    room = Room(server, "Floor, brackets, reservations")
    text = room.text
    with PlenaryClient(server.url, room.ana.token) as ana_api:
        first = ana_api.propose(
            room.first.id,
            base_version=1,
            kind="substantive",
            text=text.replace("all stakeholders", "all governments"),
        )
    with PlenaryClient(server.url, room.bo.token) as bo_api:
        second = bo_api.propose(
            room.first.id,
            base_version=1,
            kind="substantive",
            text=text.replace("all stakeholders", "all States"),
            alternative_to=first.id,
        )
    with PlenaryClient(server.url, room.chair.token) as chair_api:
        point = chair_api.adopt_as_brackets(room.first.id, [first.id, second.id])
        chair_api.set_public(room.report.id)
    assert point.text == "[governments / States]"
    with PlenaryClient(server.url, room.bo.token) as bo_api:
        bo_api.record_reservation(room.first.id, paragraph=1, text="We met five times.")
        section_ii = bo_api.get_section(room.second.id).head.text  # type: ignore[union-attr]
        floored = bo_api.propose(
            room.second.id,
            base_version=1,
            kind="substantive",
            text=section_ii.replace("to consider", "to adopt"),
        )
    people: list[Person] = []
    try:
        ana = sign_in(browser, server, room.ana.token, "ana")
        olga = sign_in(browser, server, room.olga.token, "olga")
        people += [ana, olga]
        # The bracket, in its brackets, with a label that says what it is.
        for someone in (ana, olga):
            someone.see("#paragraph-2 .bracket", "[governments / States]")
            someone.see("#paragraph-2 .bracket", "open point, not agreed")
        # The reservation as a footnote: by name for a member, "a reservation" for others.
        ana.see("#reservations-1", "Reservation by Bo Member")
        ana.see("#reservations-1", "We met five times.")
        olga.see("#reservations-1", "A reservation")
        assert "Bo Member" not in olga.page.inner_text("#report-body")

        # The chair puts Bo's amendment on the floor: the paragraph is highlighted for
        # everyone, said in words (not colour alone), in the room and on the public screen.
        wall = browser.new_page(viewport={"width": 1920, "height": 1080})
        try:
            wall.goto(f"{server.url}/reports/{room.report.id}/screen")
            with PlenaryClient(server.url, room.chair.token) as chair_api:
                chair_api.put_on_floor(floored.id)
            for someone in (ana, olga):
                someone.see("#paragraph-3.floor-target .floor-label", f"amendment {floored.id}")
                label = someone.page.locator("#paragraph-3 .text .visually-hidden").first
                assert "on the floor" in (label.text_content() or "")
            wall.wait_for_function(f"document.body.dataset.floor === '{floored.id}'", timeout=WAIT)
            changed = wall.locator(".para.changed")
            assert changed.count() == 1 and changed.get_attribute("data-n") == "3"
            assert "on the floor" in (changed.locator(".sr").text_content() or "")
        finally:
            wall.close()
        check_accessibility(ana, axe, "the floor, a bracket and a reservation")
        check_accessibility(olga, axe, "an observer's room with cards")
        shot(ana, "floor-bracket-reservation", "#paragraph-2")
        for someone in people:
            someone.no_problem()
            assert someone.errors == [], (someone.label, someone.errors)
    finally:
        for someone in people:
            someone.close()


def test_a_form_filled_before_the_room_goes_live_keeps_its_typing_through_the_redraw(
    server: LiveServer, browser: Any
) -> None:
    """What CI caught (tests/live/test_structural_browser.py): the Restructure form filled
    before the stream is live, and the refresh going live brings a change to the same
    section (an amendment filed meanwhile), so the section is drawn again: the open form,
    every field typed in, and the focus are all still there afterwards."""
    room = Room(server, "Going live")
    held: list[Any] = []
    person = Person(browser, f"{server.url}/app/", server.url, "ana", "inline")
    try:
        page = person.page
        # The stream's ticket waits until the form is filled: the room is not live yet.
        page.route("**/stream-tickets", lambda route: held.append(route))
        person.sign_in(room.ana.token)
        page.wait_for_function("document.body.dataset.stream === 'connecting'", timeout=WAIT)
        section = room.first.id
        page.click(f"[data-key='restructure-open-{section}']")
        page.select_option(f"#restructure-operation-{section}", "insert")
        page.fill(f"#restructure-label-{section}", "III")
        page.fill(f"#restructure-heading-{section}", "Outcomes")
        page.fill(f"#restructure-rationale-{section}", "A chapter for what we agreed")
        page.click(f"#restructure-text-{section}")
        page.keyboard.type("The group agreed")
        with PlenaryClient(server.url, room.bo.token) as api:
            filed = api.propose(
                section,
                base_version=1,
                kind="substantive",
                text=room.text.replace("four times", "five times"),
            )
        assert held, "the client asked for a stream ticket"
        for route in held:
            route.continue_()
        knows(person, filed.id)
        person.see(f"#card-{filed.id}", "proposed by Bo Member")  # section I was drawn again
        assert page.evaluate(
            f"document.querySelector('[data-key=\"restructure-open-{section}\"]').parentElement.open"
        )
        assert page.input_value(f"#restructure-operation-{section}") == "insert"
        assert page.input_value(f"#restructure-label-{section}") == "III"
        assert page.input_value(f"#restructure-heading-{section}") == "Outcomes"
        assert page.input_value(f"#restructure-rationale-{section}") == (
            "A chapter for what we agreed"
        )
        assert page.evaluate("document.activeElement.id") == f"restructure-text-{section}"
        page.keyboard.type(" on five points.")
        assert page.input_value(f"#restructure-text-{section}") == (
            "The group agreed on five points."
        )
        page.click(f"[data-key='restructure-file-{section}']")
        person.see("#amendment-list", "Outcomes")
        person.no_problem()
        assert person.errors == []
    finally:
        person.close()
