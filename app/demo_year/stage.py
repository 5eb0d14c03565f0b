"""The stage the year is played on: the app in this process, its clock moved to each moment
of the seed, and one `PlenaryClient` per person, each with its own token and signing key.
Everything the year does goes through these clients (the public API), never the database."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import httpx

from app.client import PlenaryClient
from app.clock import ShiftedClock
from app.demo_year.people import Person


class YearBroken(RuntimeError):
    """The year did not go as its script says (a bug in the demo, never a user's input)."""


GENEVA = ZoneInfo("Europe/Zurich")
URL = "http://demo.plenary"  # the in-process app answers any host


def moment(local: str) -> datetime:
    """`2005-06-18 01:30`, Geneva time, as the UTC moment the app records."""
    return datetime.fromisoformat(local).replace(tzinfo=GENEVA).astimezone(UTC)


@dataclass
class Year:
    transport: httpx.BaseTransport
    clock: ShiftedClock
    admin_token: str
    people: dict[str, Person] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)  # named records: "report:final" -> id
    _clients: dict[str, PlenaryClient] = field(default_factory=dict)

    def at(self, local: str) -> None:
        """Move the app's clock to this moment (it runs on from there; never backwards)."""
        target = moment(local)
        if target > self.clock.now():
            self.clock.move_to(target)

    def client(self, token: str | None) -> PlenaryClient:
        return PlenaryClient(URL, token, transport=self.transport, retries=0)

    def as_(self, handle: str) -> PlenaryClient:
        if handle not in self._clients:
            token = self.admin_token if handle == "admin" else self.people[handle].token
            self._clients[handle] = self.client(token)
        return self._clients[handle]

    @property
    def chair(self) -> PlenaryClient:
        return self.as_("The Chair")

    @property
    def sec(self) -> PlenaryClient:
        return self.as_("The Secretariat")

    @property
    def public(self) -> PlenaryClient:
        """Anyone, without a token."""
        if "public" not in self._clients:
            self._clients["public"] = self.client(None)
        return self._clients["public"]

    def members(self) -> list[Person]:
        return [p for p in self.people.values() if p.role == "member"]

    def voters(self) -> Iterator[Person]:
        yield self.people["The Chair"]
        yield from self.members()

    def member(self, n: int) -> Person:
        return self.people[f"Member {n:02d}"]

    def pid(self, handle: str) -> int:
        return self.people[handle].id

    def close(self) -> None:
        for client in self._clients.values():
            client.close()
        self._clients.clear()


@dataclass(frozen=True)
class Scene:
    """One moment of the year (Geneva time) and what the group did then."""

    when: str
    title: str
    play: Callable[[Year], None]
