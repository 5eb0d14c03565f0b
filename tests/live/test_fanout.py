"""Several server processes share one PostgreSQL database and wake each other with NOTIFY."""

from __future__ import annotations

import threading

import httpx
import pytest
from fastapi import FastAPI

from app.client import PlenaryClient
from app.config import Settings
from tests.conftest import ADMIN_TOKEN
from tests.factories import enrol
from tests.server import live_server
from tests.sse import messages, take


def test_an_adoption_through_one_process_reaches_a_subscriber_of_another(
    settings: Settings, app: FastAPI
) -> None:
    if settings.database_url.startswith("sqlite"):
        pytest.skip(
            "cross-process fan-out uses PostgreSQL LISTEN/NOTIFY; CI runs this on PostgreSQL"
        )
    with live_server(settings.database_url) as a, live_server(settings.database_url) as b:
        with PlenaryClient(a.url, ADMIN_TOKEN) as admin:
            group = admin.create_group("Two processes")
            chair = enrol(admin, group.id, name="Chair", role="chair")
            member = enrol(admin, group.id, name="Member", role="member")
        with PlenaryClient(a.url, chair) as through_a:
            report = through_a.import_report(group.id, "# I. Text\n\nOriginal words.")
            through_a.open_meeting(report.id)
            # the meeting's own events (opened, its session ...): the stream resumes at the last
            # of them, and receiving it shows the subscription live
            last_before = list(through_a.all_events(report.id))[-2].id
        received: list[str] = []
        subscribed = threading.Event()

        def subscribe() -> None:
            with httpx.stream(
                "GET",
                f"{b.url}/v1/reports/{report.id}/stream",
                headers={"Authorization": f"Bearer {member}", "Last-Event-ID": str(last_before)},
                timeout=30,
            ) as response:
                stream = messages(response)
                take(stream, 1)  # the last event before the proposal
                subscribed.set()
                received.extend(m.event for m in take(stream, 3))

        follower = threading.Thread(target=subscribe)
        follower.start()
        assert subscribed.wait(20)
        with PlenaryClient(a.url, member) as m, PlenaryClient(a.url, chair) as c:
            proposal = m.propose(
                report.outline[0].id, base_version=1, kind="substantive", text="Amended words."
            )
            c.put_on_floor(proposal.id)
            c.adopt(proposal.id)
        follower.join(30)
        assert received == ["amendment.proposed", "floor.changed", "amendment.adopted"]
