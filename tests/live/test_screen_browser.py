"""The projection screen in a real headless Chromium at 1920x1080, updating live from the
stream, looked at as the room sees it: the amendment on the floor scrolled into view with its
instruction beside it, tracked changes that keep their word spacing, large high-contrast text,
and the pen shown by role only on the observers' and the public's wall.

Screenshots go to `test-artifacts/`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.client import PlenaryClient
from tests.conftest import ADMIN_TOKEN
from tests.factories import enrol, enrolled
from tests.server import LiveServer, live_server

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
WIDTH, HEIGHT = 1920, 1080
WAIT = 15_000  # ms; generous for 2 shared cores, never a measured time

FILLER = [
    "The Working Group held {n} meetings in Geneva, open to all stakeholders, and consulted "
    "widely through its website and regional events before it drew its conclusions here.",
    "Participants stressed that any new arrangement should build on existing institutions and "
    "avoid duplication, while filling the gaps identified in paragraph {n} of the background.",
    "Several speakers recalled that capacity building for developing countries remains a "
    "precondition for meaningful participation in every forum discussed in this chapter.",
]
CHANGED = (
    "The group agreed that it would be useful to have a global Internet governance forum where "
    "a relatively large number of stakeholders could meet on an equal footing."
)


def long_section() -> tuple[str, int]:
    """Sixteen paragraphs; the twelfth is the one the amendment changes (far below the fold)."""
    paragraphs = [FILLER[n % 3].format(n=n + 1) for n in range(16)]
    paragraphs[11] = CHANGED
    return "\n\n".join(paragraphs), 12


MARKDOWN = (
    "# IV. Forum function\n\n{iv}\n\n# V. Follow-up\n\n"
    "There was not yet a common view on the action that should be taken.\n\n"
    "The group invites the Summit to consider the proposals in this report."
)

# Geometry and colour, measured by the page itself.
BESIDE = """() => {
  const para = document.querySelector('.para.changed');
  const note = document.querySelector('#instruction');
  if (!para || !note) return false;
  const p = para.getBoundingClientRect(), n = note.getBoundingClientRect();
  return p.top >= 0 && p.bottom <= innerHeight && p.left >= 0 && p.right <= innerWidth
    && n.left >= p.right && n.right <= innerWidth
    && n.top < p.bottom && p.top < n.bottom;
}"""

READABILITY = """(selector) => {
  const el = document.querySelector(selector);
  if (!el) return null;
  const rgba = (c) => {
    const v = c.match(/[\\d.]+/g).map(Number);
    return [v[0], v[1], v[2], v.length > 3 ? v[3] : 1];
  };
  const over = (top, under) => [0, 1, 2].map((i) => top[i] * top[3] + under[i] * (1 - top[3]));
  const chain = [];
  for (let e = el; e; e = e.parentElement) chain.unshift(e);
  let bg = [255, 255, 255];
  for (const e of chain) bg = over(rgba(getComputedStyle(e).backgroundColor), bg);
  const fg = over(rgba(getComputedStyle(el).color), bg);
  const lum = (c) => {
    const [r, g, b] = c.map((x) => { x /= 255; return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
  return { px: parseFloat(getComputedStyle(el).fontSize), contrast: (hi + 0.05) / (lo + 0.05) };
}"""

# Every deleted word next to an inserted one (either order) is kept apart by whitespace that is
# rendered outside both marks, or inside one of them at the edge they share.
TOUCHING = """() => {
  const touching = [];
  for (const mark of document.querySelectorAll('del, ins')) {
    const other = mark.nextSibling;
    if (!other || other.nodeType !== 1 || !['DEL', 'INS'].includes(other.tagName)) continue;
    if (other.tagName === mark.tagName) continue;
    if (!/\\s$/.test(mark.textContent) && !/^\\s/.test(other.textContent))
      touching.push(mark.textContent + '|' + other.textContent);
  }
  return touching;
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    database = tmp_path_factory.mktemp("screen") / "screen.db"
    with live_server(f"sqlite:///{database}") as running:
        yield running


def wall(browser: Any, server: LiveServer, report_id: int, token: str | None) -> Any:
    """A 1920x1080 screen following the report; `token` goes in the fragment, as the demo's."""
    page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
    page.goto(f"{server.url}/reports/{report_id}/screen" + (f"#token={token}" if token else ""))
    page.wait_for_function("document.body.dataset.lastEvent !== ''", timeout=WAIT)
    return page


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name))


def box(page: Any, selector: str) -> dict[str, float]:
    found = page.locator(selector).first.bounding_box()
    assert found is not None, f"{selector} is not rendered"
    return dict(found)


def inside_viewport(b: dict[str, float]) -> bool:
    return (
        b["y"] >= 0
        and b["y"] + b["height"] <= HEIGHT
        and b["x"] >= 0
        and b["x"] + b["width"] <= WIDTH
    )


def test_the_screen_follows_the_floor_and_returns_to_the_adopted_text(
    server: LiveServer, browser: Any
) -> None:
    section_text, changed_number = long_section()  # stored as the import normalises it
    with PlenaryClient(server.url, ADMIN_TOKEN) as admin:
        group = admin.create_group("WGIG")
        chair = enrol(admin, group.id, name="Chair", role="chair")
        member = enrol(admin, group.id, name="Member", role="member")
        observer = enrol(admin, group.id, name="Observer", role="observer")
    with PlenaryClient(server.url, chair) as c:
        report = c.import_report(group.id, MARKDOWN.format(iv=section_text), symbol="WGIG/2005/1")
        c.open_meeting(report.id)
        section_id = report.outline[0].id
        stored = c.get_version(section_id, 1).text

    page = wall(browser, server, report.id, observer)
    assert "#token" not in page.url  # the token left the address bar
    page.evaluate("window.__sameDocument = true")
    assert page.locator(".num").first.inner_text() == "1."
    # The paragraph the amendment will change starts below the fold: the screen must move.
    page.wait_for_function(
        "(sel) => { const p = document.querySelector(sel);"
        " return p !== null && p.getBoundingClientRect().top > innerHeight; }",
        arg=f'#s{section_id} .para[data-n="{changed_number}"]',
        timeout=WAIT,
    )

    proposed = stored.replace("relatively large", "growing")
    with PlenaryClient(server.url, member) as m, PlenaryClient(server.url, chair) as c:
        proposal = m.propose(section_id, base_version=1, kind="substantive", text=proposed)
        c.put_on_floor(proposal.id)
    page.wait_for_function(f"document.body.dataset.floor === '{proposal.id}'", timeout=WAIT)
    page.wait_for_function(BESIDE, timeout=WAIT)

    changed = box(page, ".para.changed")
    note = box(page, "#instruction")
    assert inside_viewport(changed) and inside_viewport(note)
    assert note["x"] >= changed["x"] + changed["width"]  # to its right, and level with it:
    assert (
        note["y"] < changed["y"] + changed["height"] and changed["y"] < note["y"] + note["height"]
    )
    assert page.locator(".para.changed").count() == 1
    assert page.locator(".para.changed").get_attribute("data-n") == str(changed_number)
    assert proposal.instruction == 'In paragraph 12, replace "relatively large" with "growing".'
    assert proposal.instruction in page.locator("#instruction").inner_text()
    assert f"paragraph {changed_number}" in page.locator("#card-where").inner_text()
    assert page.locator(".para.changed ins").all_inner_texts() == ["growing"]

    # word spacing: "relatively large" and "growing" are two words apart, not one
    assert page.evaluate(TOUCHING) == []
    words = page.locator(".para.changed .body").inner_text()
    assert "relatively large growing" in words
    deleted, inserted = box(page, ".para.changed del"), box(page, ".para.changed ins")
    if abs(deleted["y"] - inserted["y"]) < 1:  # on one line: a visible gap between them
        assert inserted["x"] - (deleted["x"] + deleted["width"]) >= 6
    shot(page, "screen-floor.png")

    # the layout uses the wall's whole width: text on the left, the floor on the right
    main, text, side = box(page, "main"), box(page, "#text"), box(page, "aside")
    assert main["width"] >= WIDTH - 1 and side["x"] + side["width"] >= WIDTH - 1
    assert text["width"] >= WIDTH * 0.55 and side["width"] >= WIDTH * 0.25
    assert box(page, ".para.changed .body")["width"] >= WIDTH * 0.5

    # read at the back of a room: large text, strong contrast
    for selector, px in (
        (".para:not(.changed) .body", 30),
        (".para.changed .body", 30),
        (".para.changed ins", 30),
        (".para.changed del", 30),
        (".para .num", 30),
        ("#instruction", 28),
        ("#card-title", 28),
        ("#pen", 28),
        ("#meeting", 24),
    ):
        measured = page.evaluate(READABILITY, selector)
        assert measured is not None, selector
        assert measured["px"] >= px, (selector, measured)
        assert measured["contrast"] >= 7, (selector, measured)

    # the secretariat types on the floor: the change stays beside its instruction, no reload
    with PlenaryClient(server.url, chair) as c:
        c.revise_draft(
            proposal.id,
            text=proposed.replace(
                "global Internet governance forum",
                "global multistakeholder Internet Governance Forum (IGF)",
            ),
        )
    page.wait_for_function("document.body.dataset.revision === '2'", timeout=WAIT)
    page.wait_for_function(
        "document.querySelector('.para.changed').innerText.includes('(IGF)')", timeout=WAIT
    )
    page.wait_for_function(BESIDE, timeout=WAIT)
    assert "revision 2" in page.locator("#card-title").inner_text()
    shot(page, "screen-revised.png")
    # a 720p projector (or a resized window) keeps them side by side, the type in proportion
    page.set_viewport_size({"width": 1280, "height": 720})
    page.wait_for_function(BESIDE, timeout=WAIT)
    shot(page, "screen-720p.png")
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    page.wait_for_function(BESIDE, timeout=WAIT)

    with PlenaryClient(server.url, chair) as c:
        c.adopt(proposal.id)
    page.wait_for_function("document.body.dataset.floor === ''", timeout=WAIT)
    adopted = page.locator(f'#s{section_id} .para[data-n="{changed_number}"]')
    page.wait_for_function(
        "document.querySelector('#doc').innerText.includes('Internet Governance Forum (IGF)')",
        timeout=WAIT,
    )
    # back to the adopted text, at the place that changed, with no marks left
    assert "multistakeholder Internet Governance Forum (IGF)" in adopted.inner_text()
    assert "decided-adopted" in (adopted.get_attribute("class") or "")
    assert page.locator("#doc ins, #doc del").count() == 0
    assert inside_viewport(box(page, f'#s{section_id} .para[data-n="{changed_number}"]'))
    assert "Adopted" in page.locator("#card").inner_text()
    assert page.evaluate("window.__sameDocument") is True  # no reload happened
    assert "adopted" in page.locator("#decisions").inner_text()
    shot(page, "screen-adopted.png")
    page.close()


def test_the_pen_is_shown_by_role_never_by_name_on_the_public_wall(
    server: LiveServer, browser: Any
) -> None:
    with PlenaryClient(server.url, ADMIN_TOKEN) as admin:
        group = admin.create_group("WSIS")
        chair = enrolled(admin, group.id, name="Nitin Desai", role="chair")
        secretariat = enrolled(admin, group.id, name="Markus Kummer", role="secretariat")
        member = enrolled(admin, group.id, name="Ayesha Hassan", role="member")
        observer = enrolled(admin, group.id, name="Wolfgang Kleinwaechter", role="observer")
    people = [chair, secretariat, member, observer]
    text = CHANGED + "\n\nThere was not yet a common view on the action that should be taken."
    with PlenaryClient(server.url, chair.token) as c:
        report = c.import_report(group.id, f"# IV. Forum function\n\n{text}")
        c.open_meeting(report.id)
        c.set_public(report.id)
    section_id = report.outline[0].id
    with PlenaryClient(server.url, member.token) as m, PlenaryClient(server.url, chair.token) as c:
        proposal = m.propose(
            section_id, base_version=1, kind="editorial", text=text.replace("group", "Group")
        )
        c.put_on_floor(proposal.id)

    observers_wall = wall(browser, server, report.id, observer.token)
    public_wall = wall(browser, server, report.id, None)
    members_wall = wall(browser, server, report.id, member.token)
    walls = [observers_wall, public_wall]

    def pen_reads(page: Any, expected: str) -> None:
        page.wait_for_function(
            "([want]) => (document.querySelector('#pen') || {}).textContent === want",
            arg=[expected],
            timeout=WAIT,
        )

    for page in walls:
        pen_reads(page, "✎ Pen held by the proposer")

    typists = [
        (secretariat, "the Secretariat", "Group firmly agreed"),
        (member, "the proposer", "Group has agreed"),
        (chair, "the Chair", "Group unanimously agreed"),
    ]
    for revision, (typist, role, wording) in enumerate(typists, start=2):
        with PlenaryClient(server.url, typist.token) as t:
            t.revise_draft(proposal.id, text=text.replace("group agreed", wording))
        for page in walls:
            pen_reads(page, f"✎ Pen held by {role}")
            shown = page.locator("body").inner_text()
            assert not [p.name for p in people if p.name in shown], "a name on the public wall"
            assert str(revision) == page.evaluate("document.body.dataset.revision")
        # members see who it is as well
        pen_reads(members_wall, f"✎ Pen held by {role} ({typist.name})")
        if role == "the Secretariat":
            shot(observers_wall, "screen-pen-observer.png")
            shot(members_wall, "screen-pen-member.png")
    for page in [*walls, members_wall]:
        page.close()


FIRST_CHANGE_BESIDE = """() => {
  const para = document.querySelector('.para.changed');
  const mark = para && para.querySelector('ins, del');
  const note = document.querySelector('#instruction');
  if (!mark || !note) return false;
  const m = mark.getClientRects()[0], n = note.getBoundingClientRect();
  return m.top >= 0 && m.bottom <= innerHeight && n.bottom <= innerHeight
    && n.left >= para.getBoundingClientRect().right && n.top < m.bottom && m.top < n.bottom;
}"""


def test_a_long_change_is_shown_from_its_start_and_a_rejection_returns_to_the_text(
    server: LiveServer, browser: Any
) -> None:
    section_text, changed_number = long_section()
    with PlenaryClient(server.url, ADMIN_TOKEN) as admin:
        group = admin.create_group("WGIG long")
        chair = enrol(admin, group.id, name="Chair", role="chair")
        member = enrol(admin, group.id, name="Member", role="member")
        observer = enrol(admin, group.id, name="Observer", role="observer")
    with PlenaryClient(server.url, chair) as c:
        report = c.import_report(group.id, MARKDOWN.format(iv=section_text))
        c.open_meeting(report.id)
        section_id = report.outline[0].id
        stored = c.get_version(section_id, 1).text
    page = wall(browser, server, report.id, observer)

    # A passage of some 3,000 characters added to one paragraph: the paragraph is taller than
    # the wall, and the instruction too long to be carried by events or shown whole.
    passage = " ".join(
        f"At its meeting number {n}, the Group further noted point {n} of the consultation."
        for n in range(1, 40)
    )
    with PlenaryClient(server.url, member) as m, PlenaryClient(server.url, chair) as c:
        proposal = m.propose(
            section_id,
            base_version=1,
            kind="substantive",
            text=stored.replace("on an equal footing.", f"on an equal footing. {passage}"),
        )
        c.put_on_floor(proposal.id)
    assert len(proposal.instruction) > 2_000
    page.wait_for_function(f"document.body.dataset.floor === '{proposal.id}'", timeout=WAIT)
    page.wait_for_function(FIRST_CHANGE_BESIDE, timeout=WAIT)
    assert box(page, ".para.changed")["height"] > HEIGHT  # the tall case, placed by its change
    more = page.locator("#instruction-more")
    assert more.is_visible() and f"{len(proposal.instruction):,} characters in all" in (
        more.inner_text()
    )
    assert inside_viewport(box(page, "#instruction"))
    shot(page, "screen-long-change.png")

    with PlenaryClient(server.url, chair) as c:
        c.reject(proposal.id, "Too long for the report.")
    page.wait_for_function("document.body.dataset.floor === ''", timeout=WAIT)
    page.wait_for_function(
        "document.querySelector('#card').innerText.includes('Rejected')", timeout=WAIT
    )
    kept = f'#s{section_id} .para[data-n="{changed_number}"]'
    assert page.locator(kept).inner_text().endswith("on an equal footing.")
    assert "decided-other" in (page.locator(kept).get_attribute("class") or "")
    assert page.locator("#doc ins, #doc del").count() == 0
    assert inside_viewport(box(page, kept))
    shot(page, "screen-rejected.png")
    page.close()


def test_between_floor_items_the_wall_shows_where_each_chapter_stands(
    server: LiveServer, browser: Any
) -> None:
    """Issue 20: a staged report's progress on the wall when nothing is on the floor; the
    observers' wall shows stages, never the drafting group."""
    with PlenaryClient(server.url, ADMIN_TOKEN) as admin:
        group = admin.create_group("WGIG progress")
        chair = enrol(admin, group.id, name="Chair", role="chair")
        lead = enrolled(admin, group.id, name="Lead", role="member")
        member = enrol(admin, group.id, name="Member", role="member")
        observer = enrol(admin, group.id, name="Observer", role="observer")
    with PlenaryClient(server.url, chair) as c:
        report = c.import_report(group.id, MARKDOWN.format(iv="The forum text."))
        made = c.create_drafting_group(
            group.id, name="Forum drafters", member_ids=[lead.id], co_lead_ids=[lead.id]
        )
        c.assign_section(made.id, report.outline[0].id)
        c.open_meeting(report.id)
    members_wall = wall(browser, server, report.id, member)
    members_wall.wait_for_selector("#progress li", timeout=WAIT)
    rows = members_wall.locator("#progress li").all_inner_texts()
    assert rows[0].startswith("IV Forum function: in drafting group")
    assert "Forum drafters" in rows[0] and rows[1].endswith("posted to group")
    # the part in the drafting group is not on the member's wall; the other part is
    assert members_wall.locator(f"#s{report.outline[0].id}").count() == 0
    observers_wall = wall(browser, server, report.id, observer)
    observers_wall.wait_for_selector("#progress li", timeout=WAIT)
    assert "Forum drafters" not in observers_wall.locator("#progress").inner_text()
    shot(members_wall, "screen-progress.png")


def test_the_wall_follows_what_the_chair_projects(server: LiveServer, browser: Any) -> None:
    """Issue 30: the current agenda item, the projected view (agenda, speakers, the report at
    a paragraph) and the caption lines, on the public wall, following the chair live."""
    with PlenaryClient(server.url, ADMIN_TOKEN) as admin:
        group = admin.create_group("WGIG sessions")
        chair = enrolled(admin, group.id, name="Nitin Desai", role="chair")
        member = enrolled(admin, group.id, name="Ayesha Hassan", role="member")
        captioner = enrolled(admin, group.id, name="Caption Desk", role="observer")
    with PlenaryClient(server.url, chair.token) as c:
        report = c.import_report(group.id, MARKDOWN.format(iv=long_section()[0]))
        meeting = c.open_meeting(report.id, venue="Château de Bossey")
        c.set_public(report.id)
        sitting = c.list_sessions(meeting.id)[0]
        c.add_agenda_item(
            sitting.id, "report_part", "Forum function", target_id=report.outline[0].id
        )
        c.take_up_item(sitting.id)
        c.name_captioner(meeting.id, captioner.id)
    page = wall(browser, server, report.id, None)

    def shows(selector: str, text: str) -> None:
        page.wait_for_function(
            "([sel, want]) => ((document.querySelector(sel) || {}).textContent || '').includes(want)",
            arg=[selector, text],
            timeout=WAIT,
        )

    shows("#session", "item 1: Forum function")
    with PlenaryClient(server.url, member.token) as m, PlenaryClient(server.url, chair.token) as c:
        m.ask_for_floor(sitting.id)
        c.project(sitting.id, "speakers")
        shows("#projected", "a participant")
        assert "Ayesha" not in page.locator("#projected").inner_text()
        c.project(sitting.id, "report", paragraph=14)
        page.wait_for_function(
            "() => { const p = document.querySelector('.para.projected');"
            " return p !== null && p.dataset.n === '14'"
            " && p.getBoundingClientRect().top >= 0 && p.getBoundingClientRect().bottom <= innerHeight; }",
            timeout=WAIT,
        )
    with PlenaryClient(server.url, captioner.token) as cap:
        cap.caption(sitting.id, "The Chair gives the floor to a participant.")
    shows("#captions", "The Chair gives the floor to a participant.")
    shot(page, "screen-session-projection.png")
