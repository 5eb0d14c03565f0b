"""The group's pages of the web client (issue 34) in headless Chromium, each role in its own
browser context, against a live `plenary serve`: threads (one on an objection that ends in a
revision), comment rounds (a public comment, without an account, on a posted paper, and its
disposition), drafting groups (a chapter posted, the chair's approval refused outside a
session then given in one) and the timeline. axe-core finds no serious or critical
violation on any page; screenshots at 1280x800 go to `test-artifacts/`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from app.client import PlenaryClient
from tests.conftest import ADMIN_TOKEN
from tests.factories import enrolled
from tests.live.test_webclient_browser import MARKDOWN, WAIT, Person, check_accessibility
from tests.server import LiveServer, module_server, unique

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"

server = module_server("webpages")


class Role(Person):
    """A person at 1280x800, the size the page screenshots are kept at."""

    def __init__(self, browser: Any, server: LiveServer, label: str, shots: str) -> None:
        super().__init__(browser, f"{server.url}/app/", server.url, label, shots)
        self.page.set_viewport_size({"width": 1280, "height": 800})

    def shot(self, step: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"pages-{self.shots}-{self.label}-{step}.png"))

    def open(self, hash_: str) -> None:
        """Go to a page of the client by its address, as a link would."""
        self.page.evaluate("(h) => { location.hash = h; }", hash_)


class Cast:
    """The people of one scenario, each closed at the end; none may have met a script error."""

    def __init__(self, browser: Any, server: LiveServer, shots: str) -> None:
        self.browser, self.server, self.shots = browser, server, shots
        self.people: list[Person] = []

    def sign_in(self, label: str, token: str) -> Role:
        someone = Role(self.browser, self.server, label, self.shots)
        self.people.append(someone)
        someone.sign_in(token)
        return someone

    def anonymous(self, label: str, url: str) -> Any:
        context = self.browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(url)
        self.anonymous_pages = [*getattr(self, "anonymous_pages", []), (context, errors)]
        return page

    def close(self) -> None:
        for someone in self.people:
            assert someone.errors == [], (someone.label, someone.errors)
        for _context, errors in getattr(self, "anonymous_pages", []):
            assert errors == [], errors

    def leave(self) -> None:
        for someone in self.people:
            someone.close()
        for context, _errors in getattr(self, "anonymous_pages", []):
            context.close()


def _group(admin: PlenaryClient, name: str) -> tuple[int, dict[str, Any]]:
    group = admin.create_group(unique(name))
    people = {
        "chair": enrolled(admin, group.id, make_key=False, name="Chair Desai", role="chair"),
        "sec": enrolled(admin, group.id, make_key=False, name="Sec Moreau", role="secretariat"),
        "ana": enrolled(admin, group.id, make_key=False, name="Ana Proposer", role="member"),
        "ben": enrolled(admin, group.id, make_key=False, name="Ben Objector", role="member"),
    }
    return group.id, people


def test_a_thread_on_an_objection_ends_in_a_revision(
    server: LiveServer, browser: Any, axe: str
) -> None:
    with PlenaryClient(server.url, ADMIN_TOKEN) as admin:
        group_id, people = _group(admin, "Threads")
    with PlenaryClient(server.url, people["sec"].token) as api:
        report = api.import_report(group_id, MARKDOWN, title="Report")
    with PlenaryClient(server.url, people["chair"].token) as api:
        api.open_meeting(report.id)
        api.adopt_report(report.id)
    cast = Cast(browser, server, "thread")
    try:
        ana = cast.sign_in("proposer", people["ana"].token)
        ben = cast.sign_in("objector", people["ben"].token)
        with PlenaryClient(server.url, people["ana"].token) as api:
            section = report.outline[0].id
            text = api.get_section(section).head.text  # type: ignore[union-attr]
            amendment = api.propose(
                section,
                base_version=1,
                kind="substantive",
                text=text.replace("four times", "five times"),
                consent_deadline=datetime.now(UTC) + timedelta(days=3),
            )
        # The objector objects in the room, then opens a thread on the objection beside it.
        ben.see("#amendment-list", "consent round open")
        ben.page.click(f"button[aria-label='Object to amendment {amendment.id}']")
        ben.page.fill(f"#reason-{amendment.id}", "The group met four times, not five.")
        ben.page.click("button:has-text('Send the objection')")
        ben.see("#amendment-list", "blocked by an objection")
        ana.open(f"#/threads?amendment={amendment.id}")
        ana.see("#group-page-body", "No thread on this yet.")
        ben.page.click("a:has-text('Discuss this objection')")
        ben.see("#new-thread-heading", f"the objection to amendment {amendment.id}")
        check_accessibility(ben, axe, "threads on an objection, with the form")
        ben.page.fill("#new-thread-body", "¶1 says five meetings; the record shows four.")
        ben.page.click("button:has-text('Open the thread')")
        ben.see("#thread-title", f"On an objection to amendment {amendment.id}")
        ben.no_problem()
        # The proposer sees it appear live, opens it and replies.
        ana.see("#group-page-body", f"On an objection to amendment {amendment.id}")
        ana.page.click(f"h3 a:has-text('On an objection to amendment {amendment.id}')")
        ana.see(".message", "the record shows four")
        assert ana.page.inner_text(".message a.mention") == "¶1"
        ana.page.click("summary:has-text('Reply to Ben Objector')")
        # Opening the reply puts the keyboard in its box.
        ana.page.wait_for_function("document.activeElement.id.endsWith('-reply-1')")
        ana.page.keyboard.type("Agreed: I will revise para 1 to say four meetings in 2004-2005.")
        ana.page.click("button:has-text('Post the reply')")
        ben.see(".replies", "I will revise")
        ben.see(".replies .mention", "para 1")
        ana.shot("thread")
        check_accessibility(ana, axe, "a thread with a reply")
        # A mention is a link to the paragraph in the room.
        ben.page.click(".replies a.mention")
        ben.page.wait_for_function(
            "document.activeElement && document.activeElement.id === 'paragraph-1'"
        )
        assert ben.page.is_visible("#paragraph-1")
        # The proposer revises in the room; the thread says so and is resolved.
        ana.page.click(f"a:has-text('amendment {amendment.id}')")
        ana.page.click(f"button[aria-label='Revise amendment {amendment.id}']")
        ana.page.fill(
            f"#revise-text-{amendment.id}",
            "The Working Group on Internet Governance met four times, in Geneva, in 2004-2005.",
        )
        ana.page.click("button:has-text('File the revised wording')")
        ana.see("#status", "was revised")
        ana.no_problem()
        ana.page.go_back()
        ana.see(".revision", "The amendment was revised since: amendment")
        ana.page.click("button:has-text('Resolve the thread')")
        ana.see("#group-page-body", "Resolved")
        ana.no_problem()
        ben.page.go_back()
        ben.see("#group-page-body", "Resolved")
        with PlenaryClient(server.url, people["ana"].token) as api:
            revised = api.get_amendment(amendment.id).revised_by_id
            assert revised is not None
        # The revision carries the discussion of the wording it revises.
        ben.open(f"#/threads?amendment={revised}")
        ben.see(".thread", "resolved")
        ben.shot("carried-to-revision")
        check_accessibility(ben, axe, "threads of a revision")
        cast.close()
    finally:
        cast.leave()


def test_a_public_comment_on_a_posted_paper_and_its_disposition(
    server: LiveServer, browser: Any, axe: str
) -> None:
    with PlenaryClient(server.url, ADMIN_TOKEN) as admin:
        group_id, people = _group(admin, "Comments")
    with PlenaryClient(server.url, people["sec"].token) as api:
        api.import_report(group_id, MARKDOWN, title="Draft working paper")
    cast = Cast(browser, server, "comment")
    try:
        sec = cast.sign_in("secretariat", people["sec"].token)
        sec.open("#/comments")
        sec.see("#group-page-body", "No comment round on this report yet.")
        sec.page.click("summary:has-text('Post this report for comment')")
        sec.page.fill("#round-title", "Draft working paper for comment")
        sec.page.click("button:has-text('Post for comment')")
        sec.see(".round", "open for comments")
        sec.no_problem()
        check_accessibility(sec, axe, "the secretariat's comment rounds")
        address = sec.page.get_attribute(".round a:has-text('public comment page')", "href")
        assert address is not None and "token" not in address
        # The public comments without an account, on paragraph 2, quoting words of it.
        public = cast.anonymous("public", f"{server.url}/app/{address}")
        public.wait_for_function("document.body.dataset.booted === 'yes'", timeout=WAIT)
        assert public.evaluate("document.body.dataset.ready") == "yes", public.inner_text(
            "#problem"
        )
        assert public.inner_text("#round-title") == "Draft working paper for comment"
        public.locator("#paragraph-2 .text").select_text()
        public.click("button:has-text('Comment on paragraph 2')")
        _see(public, ".anchor", "On paragraph 2")
        assert "open to all stakeholders" in public.inner_text(".anchor q")
        public.click("button:has-text('Send the comment')")  # nothing filled in yet
        _see(public, "#problem", "Give your name")
        public.fill("#comment-name", "Grace Public")
        public.fill("#comment-organisation", "Internet Society of Somewhere")
        public.select_option("#comment-category", "civil_society")
        public.fill(
            "#comment-body", "Say which stakeholders: governments, business, civil society."
        )
        public.fill(
            "#comment-suggestion",
            "The forum should be open to all stakeholders, on an equal footing.",
        )
        bare: Any = _Bare(public)
        check_accessibility(bare, axe, "the public comment page")
        public.click("button:has-text('Send the comment')")
        _see(public, "#status", "your comment is published")
        _see(public, "#published-body", "Say which stakeholders")
        public.screenshot(path=str(_shot("comment-public-sent")))
        # The secretariat sees it arrive live, with who sent it, and disposes of it.
        sec.see(".comment", "Grace Public (Internet Society of Somewhere)")
        sec.see(".comment", "paragraph 2 as posted")
        sec.page.click("summary:has-text('Set the disposition of comment')")
        sec.page.select_option("select[id$='-choice']", "partly_accepted")
        sec.page.fill(
            "textarea[id$='-response']", "The list of stakeholders is in paragraph 2 now."
        )
        sec.page.click("button:has-text('Set the disposition')")
        sec.see(".comment .disposition", "Disposition: partly accepted.")
        sec.no_problem()
        sec.shot("disposed")
        check_accessibility(sec, axe, "the secretariat's dispositions")
        # The public reads the disposition beside its comment.
        public.click("button:has-text('Read the comments again')")
        _see(public, ".disposition", "partly accepted")
        assert "The list of stakeholders" in public.inner_text(".disposition")
        public.screenshot(path=str(_shot("comment-public-disposition")))
        cast.close()
    finally:
        cast.leave()


def test_a_drafting_group_posts_a_chapter_and_the_chair_approves_it_in_session(
    server: LiveServer, browser: Any, axe: str
) -> None:
    with PlenaryClient(server.url, ADMIN_TOKEN) as admin:
        group_id, people = _group(admin, "Drafting")
    with PlenaryClient(server.url, people["sec"].token) as api:
        report = api.import_report(group_id, MARKDOWN, title="Report")
    with PlenaryClient(server.url, people["chair"].token) as api:
        drafting = api.create_drafting_group(
            group_id,
            name="Drafting group on the forum",
            member_ids=[people["ana"].id, people["ben"].id],
            co_lead_ids=[people["ana"].id],
        )
    chapter = report.outline[0]
    cast = Cast(browser, server, "drafting")
    try:
        chair = cast.sign_in("chair", people["chair"].token)
        ana = cast.sign_in("co-lead", people["ana"].token)
        # The chair gives chapter I to the drafting group from its workspace.
        chair.open(f"#/drafting/{drafting.id}")
        chair.see("#drafting-group-name", "Drafting group on the forum")
        chair.see(".drafting-members", "Ana Proposer (co-lead)")
        assert "null" not in chair.page.inner_text("#group-page-body")
        chair.page.select_option("#assign-section", str(chapter.id))
        chair.page.click("button:has-text('Give it to the drafting group')")
        chair.see(f"#part-{chapter.id}", "with its drafting group")
        chair.no_problem()
        # The co-lead marks it agreed; the chair sees it live and posts it to the group.
        ana.open(f"#/drafting/{drafting.id}")
        ana.see("#group-page-body", "You co-lead this drafting group.")
        check_accessibility(ana, axe, "the co-lead's workspace")
        ana.page.click("button:has-text('Mark it agreed in the drafting group')")
        ana.see(f"#part-{chapter.id}", "agreed in the drafting group")
        chair.see(f"#part-{chapter.id}", "agreed in the drafting group")
        chair.page.click("button:has-text('Post it to the group')")
        chair.see(f"#part-{chapter.id}", "posted to the group")
        ana.see(f"#part-{chapter.id}", "posted to the group")
        # Approving outside a session: the API's 409 session-required, said as a sentence.
        chair.see(f"#part-{chapter.id}", "(none is now)")
        chair.page.click("button:has-text('Approve it (in session)')")
        chair.see("#problem", "Approving the part did not succeed.")
        chair.see("#problem", "taken in a session in progress")
        assert "409" not in chair.page.inner_text("#problem")
        chair.see(".local-note.failed", "session in progress")
        chair.shot("approval-refused")
        # The chair opens a meeting in the room (its plenary session starts), comes back and
        # approves: the part is approved for everyone.
        chair.open("#/room")
        chair.page.click("button:has-text('Open a meeting')")
        chair.see("#meeting-state", "A meeting is open")
        chair.page.go_back()
        chair.see(f"#part-{chapter.id}", "A session that decides is in progress")
        chair.page.click("button:has-text('Approve it (in session)')")
        chair.see(f"#part-{chapter.id}", "approved by the plenary")
        chair.no_problem()
        ana.see(f"#part-{chapter.id}", "approved by the plenary")
        chair.shot("approved")
        check_accessibility(chair, axe, "the chair's workspace after approval")
        chair.open("#/drafting")
        chair.see("table.progress", "Drafting group on the forum")
        check_accessibility(chair, axe, "drafting groups and progress")
        # The timeline shows the decision in its session, and the milestone.
        ana.open("#/timeline")
        ana.see(".timeline", "the group approved a part")
        ana.see(".timeline", "Milestone: Approved by the plenary: I Introduction")
        assert ana.page.locator(".entry[data-kind='decision']").count() >= 1
        with ana.page.expect_download() as download:
            ana.page.click("button:has-text('Download the timeline as Markdown')")
        exported = Path(download.value.path()).read_text(encoding="utf-8")
        assert "the group approved a part" in exported and exported.startswith("# ")
        ana.shot("timeline")
        check_accessibility(ana, axe, "the timeline")
        cast.close()
    finally:
        cast.leave()


def _see(page: Any, selector: str, text: str) -> None:
    """On a page no one signed in to: wait for `text` in `selector`, or fail saying what the
    page shows as its problem."""
    try:
        page.locator(selector, has_text=text).first.wait_for(timeout=WAIT)
    except Exception as error:
        problem = page.inner_text("#problem") if page.is_visible("#problem") else ""
        raise AssertionError(f"never saw {text!r} in {selector}; problem: {problem!r}") from error


def _shot(name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / f"pages-{name}.png"


class _Bare:
    """A bare page (no one signed in) where check_accessibility expects a person."""

    def __init__(self, page: Any) -> None:
        self.page = page
