"""The certificate covers every export format's bytes, sealed on the record after transmission."""

from __future__ import annotations

import hashlib

import pytest
from fastapi.testclient import TestClient

from app.meetings import sealing
from tests.amendments.helpers import adopt_report, event_types, report_with_section
from tests.factories import make_room, matched, ok

FORMATS = {"markdown", "html", "text", "akn", "docx", "pdf"}


def test_transmission_seals_the_bytes_of_every_export_format(client: TestClient) -> None:
    room = make_room(client)
    rid, _sid = report_with_section(client, room)
    adopt_report(client, room, rid)
    transmit = client.post(
        f"/v1/reports/{rid}/transmit",
        headers=matched(client, f"/v1/reports/{rid}", room.chair.headers),
    )
    assert ok(transmit)["status"] == "transmitted"
    answer = ok(client.get(f"/v1/reports/{rid}/certificate", headers=room.members[0].headers))
    milestone = answer["certificate"]["milestone_id"]
    exports = answer["exports"]
    assert set(exports) == FORMATS
    for format, sealed in exports.items():
        served = client.get(
            f"/v1/reports/{rid}/export?format={format}&milestone={milestone}",
            headers=room.members[0].headers,
        )
        assert served.status_code == 200, served.text
        # the same bytes for every reader, every time: hashable
        assert hashlib.sha256(served.content).hexdigest() == sealed["sha256"], format
        assert len(served.content) == sealed["bytes"]
    canonical = exports["markdown"]["sha256"]
    assert canonical == answer["certificate"]["report_sha256"]
    # on the record, in the hash chain, once
    assert event_types(client, room, rid).count("certificate.sealed") == 1
    # asking again changes nothing; only the chair or the secretariat may ask
    again = client.post(f"/v1/reports/{rid}/certificate/seal", headers=room.secretariat.headers)
    assert again.status_code == 202 and again.json()["exports"] == exports
    assert event_types(client, room, rid).count("certificate.sealed") == 1
    refused = client.post(f"/v1/reports/{rid}/certificate/seal", headers=room.members[0].headers)
    assert refused.status_code == 403


def test_a_report_not_transmitted_has_no_certificate_to_seal(client: TestClient) -> None:
    room = make_room(client)
    rid, _sid = report_with_section(client, room)
    refused = client.post(f"/v1/reports/{rid}/certificate/seal", headers=room.chair.headers)
    assert refused.status_code == 404
    assert "not been transmitted" in refused.json()["detail"]


def test_a_seal_that_failed_is_done_on_request(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    room = make_room(client)
    rid, _sid = report_with_section(client, room)
    adopt_report(client, room, rid)

    def down(*_args: object) -> None:
        raise OSError("the process stopped before sealing")

    with monkeypatch.context() as patched:
        patched.setattr(sealing, "_digests_to_seal", down)
        client.post(
            f"/v1/reports/{rid}/transmit",
            headers=matched(client, f"/v1/reports/{rid}", room.chair.headers),
        )
    answer = ok(client.get(f"/v1/reports/{rid}/certificate", headers=room.chair.headers))
    assert answer["exports"] is None  # the certificate stands; the seal is pending
    pending = client.post(f"/v1/reports/{rid}/certificate/seal", headers=room.chair.headers)
    assert pending.status_code == 202 and pending.json()["exports"] is None
    answer = ok(client.get(f"/v1/reports/{rid}/certificate", headers=room.chair.headers))
    assert set(answer["exports"]) == FORMATS
