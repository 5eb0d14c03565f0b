"""Structural amendments in real headless Chromium (issue 32): a member proposes moving a
paragraph to another section from the room's web client, by the section's "Restructure"
form; the list shows it by its instruction and its preview marks the moved text as moved;
the chair puts it on the floor and the projection screen shows the run leaving one section
and landing in the other (marked as moved, not as deleted and inserted). axe-core checks the
room with the form open and with the amendment on the floor."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.client import PlenaryClient
from tests.conftest import ADMIN_TOKEN
from tests.factories import enrolled
from tests.live.test_webclient_browser import (
    MARKDOWN,
    WAIT,
    Person,
    check_accessibility,
)
from tests.server import LiveServer, live_server

RUN = "The forum should be open to all stakeholders."


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    path = tmp_path_factory.mktemp("structural") / "structural.db"
    with live_server(f"sqlite:///{path}") as running:
        yield running


def test_a_member_proposes_a_move_and_the_screen_shows_it_moved(
    server: LiveServer, browser: Any, axe: str, tmp_path: Path
) -> None:
    with PlenaryClient(server.url, ADMIN_TOKEN) as admin:
        group = admin.create_group("Restructure in the room")
        chair = enrolled(admin, group.id, make_key=False, name="Chair", role="chair")
        member = enrolled(admin, group.id, make_key=False, name="Member", role="member")
    with PlenaryClient(server.url, chair.token) as api:
        report = api.import_report(group.id, MARKDOWN, title="Report")
        api.open_meeting(report.id)
    first, second = report.outline[0], report.outline[1]

    person = Person(browser, f"{server.url}/app/", server.url, "member", "structural")
    try:
        person.sign_in(member.token)
        page = person.page
        # Live, and the refresh going live asks for has run: it would redraw the form being
        # filled in.
        page.wait_for_function(
            "document.body.dataset.stream === 'live' && document.body.dataset.settled === 'yes'",
            timeout=30_000,
        )
        page.click(f"[data-key='restructure-open-{first.id}']")
        page.select_option(f"#restructure-operation-{first.id}", "move_paragraphs")
        page.fill(f"#restructure-first-{first.id}", "2")
        page.fill(f"#restructure-last-{first.id}", "2")
        page.select_option(f"#restructure-to-{first.id}", str(second.id))
        check_accessibility(person, axe, "the restructure form")
        page.click(f"[data-key='restructure-file-{first.id}']")
        instruction = "Move paragraph 2 to the end of"
        person.see("#amendment-list", instruction)
        person.see("#status", instruction)
        card = page.locator("#amendment-list article.amendment").first
        card.locator("summary").click()
        moved_from = card.locator(".structure-changes .move-from")
        moved_from.first.wait_for(timeout=WAIT)
        assert RUN in moved_from.first.inner_text()
        assert RUN in card.locator(".structure-changes .move-to").first.inner_text()
        assert card.locator(".structure-changes del, .structure-changes ins").count() == 0
        person.no_problem()

        with PlenaryClient(server.url, chair.token) as api:
            (proposed,) = api.list_amendments(report.id)
            assert proposed.structure is not None
            assert proposed.structure.operation.value == "move_paragraphs"
            api.put_on_floor(proposed.id)
        # The room's floor shows it too, live: the instruction and the run marked as moved;
        # no drafting box (its operands are not a wording to type over).
        person.see("#floor-instruction", instruction)
        landed = page.locator("#on-floor .structure-changes .move-to")
        landed.first.wait_for(timeout=WAIT)
        assert RUN in landed.first.inner_text()
        assert page.locator("#on-floor .drafting").count() == 0
        check_accessibility(person, axe, "a structural amendment on the floor")
        assert person.errors == []
    finally:
        person.close()

    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    try:
        page.goto(f"{server.url}/reports/{report.id}/screen#token={chair.token}")
        page.wait_for_function(f"document.body.dataset.floor === '{proposed.id}'", timeout=WAIT)
        assert proposed.instruction in page.locator("#instruction").inner_text()
        leaving = page.locator(f"#s{first.id} .move-from")
        landing = page.locator(f"#s{second.id} .move-to")
        assert RUN in leaving.inner_text() and RUN in landing.inner_text()
        assert page.locator("#doc del, #doc ins").count() == 0  # moved, not deleted/inserted
        # The run leaving takes no number in the text it would leave; where it lands does.
        assert page.locator(f"#s{first.id} .para").last.get_attribute("data-n") == ""
        page.screenshot(path=str(tmp_path / "screen-structural.png"))
    finally:
        page.close()
