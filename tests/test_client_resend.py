"""The Python client and the CLI send a request again when its connection closed before any
answer, only when a second copy has no second effect (issue 37).

A server can close a pooled connection as a client reuses it; the client then cannot know
whether the request ran. The transports below play both cases against the app in this
process: the answer lost after the request ran, and the connection closed before it ran.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from app.client import PlenaryClient, ProblemError
from tests.cli_runner import URL, InProcessCli
from tests.conftest import ADMIN_TOKEN
from tests.factories import enrol


class ClosesOnce(httpx.BaseTransport):
    """The first request that `matches` gets no answer: `ran` says whether the app ran it
    before the connection closed (the answer lost) or never saw it (closed as it was sent)."""

    def __init__(self, inner: httpx.BaseTransport, method: str, ran: bool) -> None:
        self.inner, self.method, self.ran = inner, method, ran
        self.sent: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method != self.method:
            return self.inner.handle_request(request)
        self.sent.append(request)
        if len(self.sent) > 1:
            return self.inner.handle_request(request)
        if self.ran:
            self.inner.handle_request(request).read()
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
        raise httpx.ReadError("")  # the reset of a connection closed with the request unread


@pytest.mark.parametrize("ran", [True, False], ids=["answer-lost", "never-ran"])
def test_a_post_is_sent_again_with_its_key_and_takes_effect_once(
    client: TestClient, ran: bool
) -> None:
    lossy = ClosesOnce(client._transport, "POST", ran)
    with PlenaryClient(URL, ADMIN_TOKEN, transport=lossy) as admin:
        group = admin.create_group("Resent group")
        names = [g.name for g in admin.list_groups()]
    assert names.count("Resent group") == 1
    first, again = lossy.sent
    assert first.headers["idempotency-key"] == again.headers["idempotency-key"]
    assert first.content == again.content
    with PlenaryClient(URL, ADMIN_TOKEN, transport=client._transport) as admin:
        assert admin.get_group(group.id).name == "Resent group"


def test_a_get_is_sent_again_as_it_is(client: TestClient) -> None:
    lossy = ClosesOnce(client._transport, "GET", ran=True)
    with PlenaryClient(URL, ADMIN_TOKEN, transport=lossy) as admin:
        admin.list_groups()
    first, again = lossy.sent
    assert first.url == again.url and first.headers == again.headers


def test_a_write_without_a_guard_is_not_sent_again(client: TestClient) -> None:
    """A PATCH without If-Match could apply twice: its lost answer is reported, not resent."""
    with PlenaryClient(URL, ADMIN_TOKEN, transport=client._transport) as admin:
        group = admin.create_group("Unguarded")
        participant = admin.add_participant(group.id, name="Someone", role="member").id
    lossy = ClosesOnce(client._transport, "PATCH", ran=True)
    with (
        PlenaryClient(URL, ADMIN_TOKEN, transport=lossy) as admin,
        pytest.raises(ProblemError) as lost,
    ):
        admin.request("PATCH", f"/v1/participants/{participant}", json={"name": "Renamed"})
    assert lost.value.status == 0 and "no answer from" in lost.value.detail
    assert len(lossy.sent) == 1


def test_the_cli_sends_an_import_again_and_one_report_results(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    lossy = ClosesOnce(client._transport, "POST", ran=True)
    run_cli = InProcessCli(lossy, monkeypatch)
    with PlenaryClient(URL, ADMIN_TOKEN, transport=client._transport) as admin:
        group = admin.create_group("Resent import")
        secretariat = enrol(admin, group.id, name="Secretariat", role="secretariat")
    lossy.sent.clear()  # the set-up went straight to the app
    source = tmp_path / "report.md"
    source.write_text("# I. Introduction\n\nThe group met in Geneva.\n", encoding="utf-8")
    imported = run_cli(secretariat, "import", str(source), "--group", str(group.id), "--json")
    assert imported.returncode == 0, imported.stderr
    assert json.loads(imported.stdout)["outline"][0]["heading"] == "Introduction"
    assert len(lossy.sent) == 2  # the first answer was lost; the second is its replay
    with PlenaryClient(URL, secretariat, transport=client._transport) as reader:
        assert len(reader.list_reports(group.id)) == 1
