"""Stream tickets: a browser's EventSource follows a report without a token in its URL."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from app.client import PlenaryClient
from tests.conftest import ADMIN_TOKEN
from tests.factories import enrol, enrolled
from tests.server import LiveServer, live_server
from tests.sse import messages, take


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    path = tmp_path_factory.mktemp("tickets") / "tickets.db"
    with live_server(f"sqlite:///{path}") as running:
        yield running


@dataclass
class Setting:
    url: str
    group_id: int
    report_id: int
    section_id: int
    secretariat: str
    observer: str
    secretariat_id: int


_names = itertools.count(1)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def setting(server: LiveServer) -> Setting:
    with PlenaryClient(server.url, ADMIN_TOKEN) as admin:
        group = admin.create_group(f"Ticket group {next(_names)}")
        secretariat = enrolled(admin, group.id, name="Ms Secretariat", role="secretariat")
        observer = enrolled(admin, group.id, name="Mr Observer", role="observer")
    with PlenaryClient(server.url, secretariat.token) as client:
        report = client.import_report(group.id, "# I. Text\n\nVersion 1.")
    return Setting(
        url=server.url,
        group_id=group.id,
        report_id=report.id,
        section_id=report.outline[0].id,
        secretariat=secretariat.token,
        observer=observer.token,
        secretariat_id=secretariat.id,
    )


def new_ticket(s: Setting, token: str, report_id: int | None = None) -> httpx.Response:
    return httpx.post(
        f"{s.url}/v1/reports/{report_id or s.report_id}/stream-tickets",
        headers=bearer(token),
        timeout=10,
    )


def test_a_ticket_opens_the_stream_once(setting: Setting) -> None:
    s = setting
    created = new_ticket(s, s.secretariat)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["ticket"].startswith("tkt_") and body["report_id"] == s.report_id
    assert created.headers["location"] == body["stream_url"]
    assert body["stream_url"] == f"/v1/reports/{s.report_id}/stream?ticket={body['ticket']}"
    with httpx.stream("GET", s.url + body["stream_url"], timeout=10) as response:
        assert response.status_code == 200
        first = take(messages(response), 2)
    assert [m.event for m in first] == ["report.created", "report.imported"]
    assert first[0].data["actor_id"] == s.secretariat_id  # the secretariat sees names
    again = httpx.get(s.url + body["stream_url"], timeout=10)
    assert again.status_code == 401
    assert again.headers["content-type"].startswith("application/problem+json")
    assert "stream-tickets" in again.json()["detail"]


def test_a_ticket_shows_what_its_token_may_see(setting: Setting) -> None:
    s = setting
    ticket = new_ticket(s, s.observer).json()
    with httpx.stream("GET", s.url + ticket["stream_url"], timeout=10) as response:
        seen = take(messages(response), 2)
    assert [m.data["actor_id"] for m in seen] == [None, None]  # Chatham House: no one named


def test_a_ticket_is_bound_to_its_report_and_the_stream(setting: Setting) -> None:
    s = setting
    with PlenaryClient(s.url, s.secretariat) as client:
        other = client.import_report(s.group_id, "# Other\n\nText.")
    ticket = new_ticket(s, s.secretariat).json()["ticket"]
    elsewhere = httpx.get(f"{s.url}/v1/reports/{other.id}/stream?ticket={ticket}", timeout=10)
    assert elsewhere.status_code == 401
    # Anywhere but the stream a ticket is no credential.
    for path in (f"/v1/reports/{s.report_id}", f"/v1/reports/{s.report_id}/events"):
        assert httpx.get(f"{s.url}{path}?ticket={ticket}", timeout=10).status_code == 401
        assert httpx.get(s.url + path, headers=bearer(ticket), timeout=10).status_code == 401
    # It was not spent by the refusals above.
    with httpx.stream(
        "GET", f"{s.url}/v1/reports/{s.report_id}/stream?ticket={ticket}", timeout=10
    ) as response:
        assert response.status_code == 200


def test_long_lived_tokens_are_not_accepted_in_the_url(setting: Setting) -> None:
    s = setting
    url = f"{s.url}/v1/reports/{s.report_id}/stream"
    assert httpx.get(f"{url}?ticket={s.secretariat}", timeout=10).status_code == 401
    assert httpx.get(f"{url}?token={s.secretariat}", timeout=10).status_code == 401


def test_asking_for_a_ticket_needs_a_token_that_may_read_the_report(setting: Setting) -> None:
    s = setting
    path = f"{s.url}/v1/reports/{s.report_id}/stream-tickets"
    assert httpx.post(path, timeout=10).status_code == 401
    with PlenaryClient(s.url, ADMIN_TOKEN) as admin:
        stranger_group = admin.create_group(f"Strangers {next(_names)}")
        stranger = enrol(admin, stranger_group.id, name="Stranger", role="member")
    assert new_ticket(s, stranger).status_code == 404


def test_a_revoked_token_spoils_its_tickets(setting: Setting) -> None:
    s = setting
    with PlenaryClient(s.url, s.observer) as client:
        token_id = client.me().token_id
    ticket = new_ticket(s, s.observer).json()
    with PlenaryClient(s.url, ADMIN_TOKEN) as admin:
        admin.revoke_token(token_id or 0)
    assert httpx.get(s.url + ticket["stream_url"], timeout=10).status_code == 401


def test_a_fresh_ticket_resumes_after_the_last_event_id(setting: Setting) -> None:
    s = setting
    with httpx.stream(
        "GET", s.url + new_ticket(s, s.secretariat).json()["stream_url"], timeout=10
    ) as response:
        last = take(messages(response), 2)[-1].id
    with PlenaryClient(s.url, s.secretariat) as client:
        client.write_version(s.section_id, base_version=1, text="Version 2.")
    resumed = new_ticket(s, s.secretariat).json()["stream_url"] + f"&last_event_id={last}"
    with httpx.stream("GET", s.url + resumed, timeout=10) as response:
        missed = take(messages(response), 1)
    assert [m.event for m in missed] == ["version.created"]
    assert missed[0].id is not None and last is not None and missed[0].id > last
    # The header, which EventSource sends on its own reconnects, wins over the query.
    both = new_ticket(s, s.secretariat).json()["stream_url"] + "&last_event_id=garbage"
    with httpx.stream(
        "GET", s.url + both, headers={"Last-Event-ID": str(last)}, timeout=10
    ) as response:
        assert response.status_code == 200
        assert [m.event for m in take(messages(response), 1)] == ["version.created"]
