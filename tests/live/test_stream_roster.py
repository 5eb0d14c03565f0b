"""Streams follow the roster (issue 29): whether it was opened with a token or a ticket, a
stream shows nothing attributed once its participant is deactivated or demoted or its token
revoked, and a stream opened without a token shows nothing once its report is no longer
public; it ends, and the reader is authorized afresh when it reconnects."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass

import httpx
import pytest

from app.client import PlenaryClient
from tests.conftest import ADMIN_TOKEN
from tests.factories import enrol, enrolled
from tests.server import LiveServer, module_server, unique
from tests.sse import Message, messages, take

server = module_server("stream-roster", PLENARY_STREAM_HEARTBEAT_SECONDS="0.5")

CHANGES = ("deactivated", "demoted", "revoked")


@dataclass
class Room:
    url: str
    chair: str
    secretariat: str
    member: str
    member_id: int
    report_id: int
    section_id: int
    versions: int = 1

    @property
    def stream_url(self) -> str:
        return f"{self.url}/v1/reports/{self.report_id}/stream"

    def ticket_url(self, token: str) -> str:
        created = httpx.post(
            f"{self.url}/v1/reports/{self.report_id}/stream-tickets",
            headers=bearer(token),
            timeout=10,
        )
        assert created.status_code == 201, created.text
        return self.url + str(created.json()["stream_url"])

    def write(self) -> int:
        """A new version by the secretariat: an event with an actor, after the change."""
        with PlenaryClient(self.url, self.secretariat) as client:
            client.write_version(
                self.section_id, base_version=self.versions, text=f"Version {self.versions + 1}."
            )
        self.versions += 1
        return self.versions

    def change(self, change: str) -> None:
        with PlenaryClient(self.url, self.chair) as chair:
            if change == "deactivated":
                chair.update_participant(self.member_id, active=False)
            elif change == "demoted":
                chair.update_participant(self.member_id, role="observer")
            else:
                with PlenaryClient(self.url, self.member) as member:
                    token_id = member.me().token_id
                chair.revoke_token(token_id or 0)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def make_room(url: str) -> Room:
    with PlenaryClient(url, ADMIN_TOKEN) as admin:
        group = admin.create_group(unique("Roster stream"))
        chair = enrol(admin, group.id, name="Chair", role="chair")
        secretariat = enrol(admin, group.id, name="Secretariat", role="secretariat")
        member = enrolled(admin, group.id, name="Member", role="member")
    with PlenaryClient(url, secretariat) as client:
        report = client.import_report(group.id, "# I. Text\n\nVersion 1.")
    return Room(url, chair, secretariat, member.token, member.id, report.id, report.outline[0].id)


def logged(room: Room) -> int:
    events = httpx.get(
        f"{room.url}/v1/reports/{room.report_id}/events", headers=bearer(room.chair), timeout=10
    )
    return len(events.json()["items"])


def until(stream: Iterator[Message | str], number: int) -> list[Message]:
    """The messages up to the version `number` or the end of the stream, whichever is first."""
    seen: list[Message] = []
    for item in stream:
        if isinstance(item, Message):
            seen.append(item)
            if item.event == "version.created" and item.data["payload"]["number"] == number:
                break
    return seen


def attributed(message: Message) -> bool:
    return message.data["actor_id"] is not None or message.data["actor_salt"] is not None


def assert_authorized_afresh(room: Room, change: str, last_id: int | None) -> None:
    """Reconnecting, the reader gets what its standing gives it now."""
    headers = {**bearer(room.member), "Last-Event-ID": str(last_id)}
    if change == "demoted":  # an observer reads the group's record, without names
        with httpx.stream("GET", room.stream_url, headers=headers, timeout=10) as response:
            assert response.status_code == 200
            resumed = take(messages(response), 2)
        assert resumed and not any(attributed(m) for m in resumed)
        return
    assert httpx.get(room.stream_url, headers=headers, timeout=10).status_code == 401
    asked = httpx.post(
        f"{room.url}/v1/reports/{room.report_id}/stream-tickets",
        headers=bearer(room.member),
        timeout=10,
    )
    assert asked.status_code == 401


@pytest.mark.parametrize("change", CHANGES)
@pytest.mark.parametrize("opened_with", ["token", "ticket"])
def test_an_open_stream_shows_nothing_attributed_after_its_readers_standing_changes(
    server: LiveServer, opened_with: str, change: str
) -> None:
    room = make_room(server.url)
    if opened_with == "token":
        url, headers = room.stream_url, bearer(room.member)
    else:
        url, headers = room.ticket_url(room.member), {}
    with httpx.stream("GET", url, headers=headers, timeout=10) as response:
        stream = messages(response)
        before = take(stream, 2)  # report.created, report.imported
        assert all(attributed(m) for m in before)  # a member sees names
        room.change(change)
        number = room.write()
        after = until(stream, number)
    leaked = [m.event for m in after if attributed(m)]
    assert leaked == [], f"attributed after the member was {change}: {leaked}"
    assert_authorized_afresh(room, change, before[-1].id)


@pytest.mark.parametrize("change", CHANGES)
def test_a_ticket_issued_before_a_change_gives_only_what_the_standing_gives_now(
    server: LiveServer, change: str
) -> None:
    room = make_room(server.url)
    url = room.ticket_url(room.member)
    room.change(change)
    with httpx.stream("GET", url, timeout=10) as response:
        if change == "demoted":
            assert response.status_code == 200
            replayed = take(messages(response), 2)
            assert replayed and not any(attributed(m) for m in replayed)
            return
        assert response.status_code == 401  # (an open stream would never end: no read)
        assert response.headers["content-type"].startswith("application/problem+json")


def test_a_roster_change_leaves_the_streams_of_others_running(server: LiveServer) -> None:
    """Only the reader whose standing changed is cut off: the chair's stream, by token and by
    ticket, goes on with names through the member's deactivation."""
    room = make_room(server.url)
    for url, headers in (
        (room.stream_url, bearer(room.chair)),
        (room.ticket_url(room.chair), {}),
    ):
        with httpx.stream("GET", url, headers=headers, timeout=10) as response:
            stream = messages(response)
            take(stream, logged(room))  # what is already there
            room.change("deactivated" if room.versions == 1 else "demoted")
            number = room.write()
            after = until(stream, number)
        assert [m.event for m in after][-1] == "version.created"
        assert all(attributed(m) for m in after)


def test_a_public_stream_ends_when_the_report_stops_being_public(server: LiveServer) -> None:
    """A stream opened without a token follows a public report as the public does; once the
    chair makes the report private it sends nothing more (not even that change) and ends,
    and the public reconnecting is refused."""
    room = make_room(server.url)
    with PlenaryClient(room.url, room.chair) as chair:
        chair.set_public(room.report_id)
    with httpx.stream("GET", room.stream_url, timeout=10) as response:
        assert response.status_code == 200
        stream = messages(response)
        take(stream, logged(room))  # what is already there
        number = room.write()
        public = until(stream, number)  # the stream runs on while the report is public
        assert [m.event for m in public] == ["version.created"]
        assert not any(attributed(m) for m in public)
        with PlenaryClient(room.url, room.chair) as chair:
            chair.set_public(room.report_id, False)
        private = until(stream, room.write())  # or the end of the stream
        ended = response.is_closed or next(stream, None) is None
    assert [m.event for m in private] == []  # nothing after the report became private
    assert ended
    again = httpx.get(room.stream_url, headers={"Last-Event-ID": str(public[-1].id)}, timeout=10)
    assert again.status_code == 401


def test_each_stream_of_a_followed_report_gets_each_event_in_its_readers_view_now(
    server: LiveServer,
) -> None:
    """One report followed by readers of every kind at once: a member by token and by ticket,
    another member, an observer, the chair, the public. Their standings are checked once for
    all of them before each event goes out: each stream still gets each event in its own
    reader's view, the revoked member's streams get nothing after the revocation while the
    others go on, and a stream opened among them gets the events after it in its own view."""
    with PlenaryClient(server.url, ADMIN_TOKEN) as admin:
        group = admin.create_group(unique("Followed report"))
        chair = enrol(admin, group.id, name="Chair", role="chair")
        secretariat = enrol(admin, group.id, name="Secretariat", role="secretariat")
        member = enrolled(admin, group.id, name="Member", role="member")
        other = enrol(admin, group.id, name="Other member", role="member")
        observer = enrol(admin, group.id, name="Observer", role="observer")
    with PlenaryClient(server.url, secretariat) as client:
        report = client.import_report(group.id, "# I. Text\n\nVersion 1.")
    with PlenaryClient(server.url, chair) as client:
        client.set_public(report.id)
    room = Room(server.url, chair, secretariat, member.token, member.id, report.id, 0)
    room.section_id = report.outline[0].id
    names = {"member": True, "member by ticket": True, "other member": True, "chair": True}
    names |= {"observer": False, "public": False}
    opened = {
        "member": (room.stream_url, bearer(member.token)),
        "member by ticket": (room.ticket_url(member.token), {}),
        "other member": (room.ticket_url(other), {}),
        "observer": (room.stream_url, bearer(observer)),
        "chair": (room.ticket_url(chair), {}),
        "public": (room.stream_url, {}),
    }
    with ExitStack() as streams:
        following: dict[str, Iterator[Message | str]] = {}
        for who, (url, headers) in opened.items():
            response = streams.enter_context(httpx.stream("GET", url, headers=headers, timeout=10))
            assert response.status_code == 200, who
            following[who] = messages(response)
            take(following[who], logged(room))  # what is already there
        number = room.write()
        for who, stream in following.items():
            sent = until(stream, number)
            assert [m.event for m in sent] == ["version.created"], who
            assert attributed(sent[0]) == names[who], who

        room.change("revoked")
        number = room.write()
        for who, stream in following.items():
            sent = until(stream, number)
            if who.startswith("member"):
                assert sent == [], f"{who}: {[m.event for m in sent]} after the revocation"
            else:  # the revocation's own event, then the version
                assert [m.event for m in sent] == ["token.revoked", "version.created"], who
                assert all(attributed(m) == names[who] for m in sent), who

        late = streams.enter_context(
            httpx.stream("GET", room.stream_url, headers=bearer(other), timeout=10)
        )
        following = {"late other member": messages(late)}
        take(following["late other member"], logged(room))
        number = room.write()
        sent = until(following["late other member"], number)
    assert [m.event for m in sent] == ["version.created"] and attributed(sent[0])


def test_another_groups_member_follows_a_public_report_as_the_public_until_it_is_private(
    server: LiveServer,
) -> None:
    """A member of another group reads a public report as the public does (Chatham House):
    its stream goes on without names while the report is public, and ends once it is not."""
    room = make_room(server.url)
    with PlenaryClient(server.url, ADMIN_TOKEN) as admin:
        elsewhere = admin.create_group(unique("Another group"))
        outsider = enrol(admin, elsewhere.id, name="Outsider", role="member")
    with PlenaryClient(room.url, room.chair) as chair:
        chair.set_public(room.report_id)
    with httpx.stream("GET", room.ticket_url(outsider), timeout=10) as response:
        assert response.status_code == 200
        stream = messages(response)
        take(stream, logged(room))
        public = until(stream, room.write())
        assert [m.event for m in public] == ["version.created"]
        assert not any(attributed(m) for m in public)
        with PlenaryClient(room.url, room.chair) as chair:
            chair.set_public(room.report_id, False)
        private = until(stream, room.write())
    assert [m.event for m in private] == []
