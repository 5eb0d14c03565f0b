"""The web client sends a write again when its connection closed before any answer (issue 37):
with the same Idempotency-Key, so the server replays the first answer and the write takes
effect once. Chromium's own network stack plays the lost answer: the request reaches the
server, then the connection is reset before the answer gets back to the page."""

from __future__ import annotations

from typing import Any

from app.client import PlenaryClient
from tests.conftest import ADMIN_TOKEN
from tests.factories import enrolled
from tests.live.test_webclient_browser import MARKDOWN, Person
from tests.server import LiveServer, module_server

server = module_server("webclient-resend")
__all__ = ["server"]  # a fixture of this module


def test_a_comment_whose_answer_was_lost_is_sent_again_and_made_once(
    server: LiveServer, browser: Any
) -> None:
    with PlenaryClient(server.url, ADMIN_TOKEN) as admin:
        group = admin.create_group("Resent comment")
        secretariat = enrolled(admin, group.id, name="Sec", role="secretariat")
        member = enrolled(admin, group.id, name="Mia Member", role="member")
    with PlenaryClient(server.url, secretariat.token) as api:
        report = api.import_report(group.id, MARKDOWN, title="Report")
        consultation = api.request(
            "POST",
            f"/v1/reports/{report.id}/consultations",
            json={"title": "Review", "closes_at": "2999-01-01T00:00:00Z", "audiences": ["members"]},
        ).json()["id"]
    keys: list[str | None] = []

    def lose_the_first_answer(route: Any) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        keys.append(route.request.headers.get("idempotency-key"))
        if len(keys) == 1:
            route.fetch()  # the server makes the comment...
            route.abort("connectionreset")  # ...and its answer never reaches the page
        else:
            route.continue_()

    reader = Person(browser, f"{server.url}/app/", server.url, "resender", "resend")
    try:
        reader.page.route("**/v1/consultations/*/comments", lose_the_first_answer)
        reader.sign_in(member.token)
        reader.page.click("#consultations a:has-text('Read and comment on')")
        reader.page.fill("input[id$='-paragraph']", "2")
        reader.page.fill("textarea[id$='-body']", "Say who the stakeholders are.")
        reader.page.click("button:has-text('Send the comment')")
        reader.see(".comment", "Say who the stakeholders are.")
        reader.see(".comment", "paragraph 2 as posted")
        reader.no_problem()
        assert reader.errors == []
    finally:
        reader.close()
    assert len(keys) == 2 and keys[0] and keys[0] == keys[1]
    with PlenaryClient(server.url, secretariat.token) as api:
        assert len(list(api.all_comments(consultation))) == 1
