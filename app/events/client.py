"""The record's calls of `PlenaryClient`: events, the hash chain, the live stream."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator

import httpx

from app.client_base import PAGE_SIZE, ClientBase, ProblemError
from app.events import chain
from app.events.schemas import ChainReport, EventPage, EventRead, StreamTicketCreated


def chain_report(events: Iterable[EventRead]) -> ChainReport:
    """The chain recomputed from served events, oldest first (see app/events/chain.py)."""
    check = chain.verify_events(events)
    return ChainReport(
        ok=check.ok,
        events=check.count,
        head_hash=check.head_hash,
        first_bad_event_id=check.first_bad_event_id,
        first_bad_seq=check.first_bad_seq,
        reason=check.reason,
    )


def unattributed(events: Iterable[EventRead]) -> list[EventRead]:
    """The events whose served actor id and salt do not open their actor commitment."""
    return [
        e
        for e in events
        if not chain.attribution_holds(
            commitment=e.actor_commitment, salt=e.actor_salt, actor_id=e.actor_id
        )
    ]


class EventCalls(ClientBase):
    def events(self, report_id: int, *, after: int = 0, limit: int = 100) -> EventPage:
        return self._get(EventPage, f"/v1/reports/{report_id}/events", after=after, limit=limit)

    def all_events(self, report_id: int, *, after: int = 0) -> Iterator[EventRead]:
        while True:
            page = self.events(report_id, after=after, limit=PAGE_SIZE)
            yield from page.items
            if page.next is None:
                return
            after = page.next

    def stream_ticket(self, report_id: int) -> StreamTicketCreated:
        """A single-use, 60-second ticket for a browser's EventSource (see the README)."""
        return self._post(StreamTicketCreated, f"/v1/reports/{report_id}/stream-tickets")

    def verify_chain(self, report_id: int) -> ChainReport:
        """The server's own recomputation of the chain."""
        return self._get(ChainReport, f"/v1/reports/{report_id}/events/verify")

    def recompute_chain(self, report_id: int, *, up_to_seq: int | None = None) -> ChainReport:
        """Recompute the chain here, from the log as this caller reads it: the public record
        is enough, and no arithmetic of the server's is trusted."""
        events = self.all_events(report_id)
        return chain_report(e for e in events if up_to_seq is None or e.seq <= up_to_seq)

    def unattributed_events(self, report_id: int) -> list[EventRead]:
        """Events whose served actor and salt do not open their commitment. For members: the
        public view carries no salt, so there every event is listed."""
        return unattributed(self.all_events(report_id))

    def follow(
        self, report_id: int, *, last_event_id: int | None = None, reconnect: bool = True
    ) -> Iterator[EventRead]:
        """Yield the report's events live, resuming after a dropped connection. A server that
        refuses the very first connection is an error at once (a wrong URL, not a restart)."""
        connected = False
        while True:
            headers = {} if last_event_id is None else {"Last-Event-ID": str(last_event_id)}
            try:
                with self._http.stream(
                    "GET",
                    f"/v1/reports/{report_id}/stream",
                    headers=headers,
                    timeout=httpx.Timeout(10.0, read=None),
                ) as response:
                    if response.status_code >= 400:
                        response.read()
                        raise ProblemError(response.json())
                    connected = True
                    data: list[str] = []
                    for line in response.iter_lines():
                        if line.startswith("data:"):
                            data.append(line[5:].strip())
                        elif line == "" and data:
                            event = EventRead.model_validate_json("".join(data))
                            data = []
                            last_event_id = event.id
                            yield event
            except httpx.TransportError as error:
                if not connected and isinstance(error, httpx.ConnectError):
                    raise self._unreachable(error) from error
                if not reconnect:
                    raise
            if not reconnect:
                return
            time.sleep(1.0)
