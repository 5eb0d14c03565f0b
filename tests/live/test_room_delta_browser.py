"""A member's page after an event reads what changed (issue 35), in headless Chromium against
a live `plenary serve`: after an adoption the other member's page shows the new text, read
through the floor's delta (`texts_after`), and a page that missed events (its stream
stopped, then back) catches up with a whole read."""

from __future__ import annotations

from typing import Any

from app.client import PlenaryClient
from tests.conftest import ADMIN_TOKEN
from tests.factories import enrolled
from tests.live.test_webclient_browser import MARKDOWN, WAIT, Person, check_accessibility
from tests.server import LiveServer, module_server, unique

server = module_server("room-delta")


def _floor_reads(person: Person) -> list[str]:
    """The floor reads the page has made, in order (recorded by `page.on('request')`)."""
    return [url for url in person.page.floor_reads if "/floor" in url]  # type: ignore[attr-defined]


def _watch_floor_reads(person: Person) -> None:
    person.page.floor_reads = []  # type: ignore[attr-defined]
    person.page.on(
        "request",
        lambda request: (
            person.page.floor_reads.append(request.url)  # type: ignore[attr-defined]
            if request.url.split("?")[0].endswith("/floor")
            else None
        ),
    )


def test_the_other_members_page_shows_an_adoption_through_the_delta_and_catches_up(
    server: LiveServer, browser: Any, axe: str
) -> None:
    with PlenaryClient(server.url, ADMIN_TOKEN) as admin:
        group = admin.create_group(unique("Room delta"))
        chair = enrolled(admin, group.id, name="Chair Desai", role="chair")
        proposer = enrolled(admin, group.id, name="Pia Proposer", role="member")
        reader = enrolled(admin, group.id, make_key=False, name="Rita Reader", role="member")
    with (
        PlenaryClient(server.url, chair.token) as chairing,
        PlenaryClient(server.url, proposer.token) as proposing,
    ):
        report = chairing.import_report(group.id, MARKDOWN, title="Report of the WGIG")
        first, second = report.outline[0].id, report.outline[1].id
        chairing.open_meeting(report.id)
        page = Person(browser, f"{server.url}/app/", server.url, "reader", "room-delta")
        try:
            _watch_floor_reads(page)
            page.sign_in(reader.token)
            page.page.wait_for_function("document.body.dataset.stream === 'live'", timeout=WAIT)
            page.see("#paragraph-2", "open to all stakeholders")
            opened = len(_floor_reads(page))
            assert opened >= 1 and "texts_after" not in _floor_reads(page)[0]

            # An adoption: the page reads the delta and shows the new text.
            head = proposing.get_section(first).head
            wording = head.text.replace("all stakeholders", "all stakeholders, on an equal footing")
            amendment = proposing.propose(first, base_version=1, kind="substantive", text=wording)
            chairing.put_on_floor(amendment.id)
            chairing.adopt(amendment.id)
            page.see("#paragraph-2", "on an equal footing")
            page.page.wait_for_function("document.body.dataset.settled === 'yes'", timeout=WAIT)
            after = _floor_reads(page)[opened:]
            assert after and all("texts_after=" in url for url in after), after
            # The text the page holds is every section's, the untouched one included.
            held = page.page.evaluate("window.plenary.floor.sections.map((s) => [s.id, s.text])")
            assert dict(held)[second].startswith("The group invites the Summit")
            page.no_problem()
            check_accessibility(page, axe, "a member's page after a delta")

            # The page misses events: its stream stops while the chair adopts another.
            page.page.evaluate("window.plenary.stream.stop()")
            missed_from = len(_floor_reads(page))
            head = proposing.get_section(second).head
            later = proposing.propose(
                second,
                base_version=head.number,
                kind="substantive",
                text=head.text.replace("the Summit", "the World Summit"),
            )
            chairing.put_on_floor(later.id)
            chairing.adopt(later.id)
            page.page.evaluate(
                "(() => { const s = window.plenary.stream; s.stopped = false; s.start(); })()"
            )
            page.see("#paragraph-3", "the World Summit")
            page.page.wait_for_function(
                "document.body.dataset.stream === 'live' && document.body.dataset.settled === 'yes'",
                timeout=WAIT,
            )
            back = _floor_reads(page)[missed_from:]
            # Back from a break the page reads the whole floor, not a delta.
            assert any("texts_after" not in url for url in back), back
            page.see("#paragraph-2", "on an equal footing")
            page.no_problem()
        finally:
            page.close()
