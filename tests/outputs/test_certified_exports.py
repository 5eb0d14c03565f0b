"""After transmission the certificate covers what users download (issue 28, item 4): the
default export of every format is the transmitted text, the bytes the seal lists; an export
the seal does not cover says so (`Plenary-Certified: false`); no milestone follows the
transmission one."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.client_base import ProblemError
from tests.amendments.helpers import adopt_report
from tests.cli_runner import InProcessCli
from tests.factories import Room, make_room, matched, ok

SOURCE = (
    "# I. Introduction\n\n"
    "The group met in Geneva.\n\n"
    "It heard the delegations.\n\n"
    "# II. Findings\n\n"
    "The mandate was met.\n"
)
SEALED = {"markdown", "html", "text", "akn", "docx", "pdf", "source"}


def transmitted_report(client: TestClient, room: Room) -> tuple[int, dict[str, Any]]:
    """An imported report (so `source` is sealed too), with a disclaimer and a standing
    reservation (both printed on today's text while drafting), adopted and transmitted;
    returns its id and the certificate's answer."""
    rid = ok(
        client.post(
            f"/v1/groups/{room.group_id}/reports/import",
            json={"markdown": SOURCE, "title": "Final Report", "disclaimer": "Draft only."},
            headers=room.secretariat.headers,
        ),
        201,
    )["id"]
    first = ok(client.get(f"/v1/reports/{rid}", headers=room.chair.headers))["outline"][0]["id"]
    ok(
        client.post(
            f"/v1/sections/{first}/reservations",
            json={"paragraph": 1, "text": "Reserves on the venue.", "attributed": True},
            headers=room.members[0].headers,
        ),
        201,
    )
    adopt_report(client, room, rid)
    ok(
        client.post(
            f"/v1/reports/{rid}/transmit",
            headers=matched(client, f"/v1/reports/{rid}", room.chair.headers),
        )
    )
    return rid, ok(client.get(f"/v1/reports/{rid}/certificate", headers=room.members[0].headers))


def test_the_default_export_of_a_transmitted_report_is_the_sealed_bytes(
    client: TestClient,
) -> None:
    room = make_room(client)
    rid, answer = transmitted_report(client, room)
    exports = answer["exports"]
    assert set(exports) == SEALED
    milestone = answer["certificate"]["milestone_id"]
    for reader in (room.members[0].headers, room.observers[0].headers, room.chair.headers):
        for format, sealed in exports.items():
            for query in (f"format={format}", f"format={format}&milestone={milestone}"):
                served = client.get(f"/v1/reports/{rid}/export?{query}", headers=reader)
                assert served.status_code == 200, served.text
                assert hashlib.sha256(served.content).hexdigest() == sealed["sha256"], query
                assert served.headers["plenary-certified"] == "true", query
    default = client.get(f"/v1/reports/{rid}/export", headers=room.members[0].headers)
    assert hashlib.sha256(default.content).hexdigest() == answer["certificate"]["report_sha256"]


def test_an_export_the_seal_does_not_cover_says_so(client: TestClient) -> None:
    room = make_room(client)
    rid, answer = transmitted_report(client, room)
    milestones = ok(client.get(f"/v1/reports/{rid}/milestones", headers=room.chair.headers))
    adopted = next(m["id"] for m in milestones["items"] if m["kind"] == "adoption")
    at = answer["certificate"]["transmitted_at"].replace("+00:00", "Z")
    for query in (
        f"format=markdown&at={at}",
        f"format=html&milestone={adopted}",
        "format=pdf&line_numbers=true",
        f"format=docx&changes_since={adopted}",
        "format=text&lineage=true",
    ):
        served = client.get(f"/v1/reports/{rid}/export?{query}", headers=room.members[0].headers)
        assert served.status_code == 200, (query, served.text)
        assert served.headers["plenary-certified"] == "false", query
    # before transmission there is no certificate to speak of
    room = make_room(client)
    draft = ok(
        client.post(
            f"/v1/groups/{room.group_id}/reports/import",
            json={"markdown": SOURCE},
            headers=room.secretariat.headers,
        ),
        201,
    )["id"]
    served = client.get(f"/v1/reports/{draft}/export", headers=room.members[0].headers)
    assert served.status_code == 200 and "plenary-certified" not in served.headers


def test_no_milestone_after_transmission(client: TestClient) -> None:
    room = make_room(client)
    rid, _answer = transmitted_report(client, room)
    before = ok(client.get(f"/v1/reports/{rid}/milestones", headers=room.chair.headers))
    refused = client.post(
        f"/v1/reports/{rid}/milestones", json={"name": "Later"}, headers=room.secretariat.headers
    )
    assert refused.status_code == 409, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["type"].endswith("report-transmitted")
    after = ok(client.get(f"/v1/reports/{rid}/milestones", headers=room.chair.headers))
    assert after == before


# The file each format is kept in, and the --format verify-certificate needs for it.
KEPT_AS = {
    "markdown": ("report.md", None),
    "html": ("report.html", None),
    "text": ("report.txt", None),
    "akn": ("report.xml", None),
    "docx": ("report.docx", None),
    "pdf": ("report.pdf", None),
    "source": ("report-source.md", "source"),
}


def test_cli_default_exports_of_a_transmitted_report_verify(
    client: TestClient, run_cli: InProcessCli, tmp_path: Path
) -> None:
    room = make_room(client)
    rid, answer = transmitted_report(client, room)
    member = room.members[0].token
    kept = tmp_path / "certificate.json"
    kept.write_text(json.dumps(answer), encoding="utf-8")
    assert set(KEPT_AS) == set(answer["exports"])
    for format, (name, told) in KEPT_AS.items():
        out = tmp_path / name
        done = run_cli(member, "export", str(rid), "--format", format, "-o", str(out))
        assert done.returncode == 0, done.stderr
        argv = ["verify-certificate", str(kept), "--export", str(out)]
        checked = run_cli(member, *argv, *(["--format", told] if told else []))
        assert checked.returncode == 0, (format, checked.stdout, checked.stderr)
        assert f"matches the sealed {format} export" in checked.stdout
    printed = run_cli(member, "export", str(rid))
    assert printed.returncode == 0
    assert (
        hashlib.sha256(printed.stdout.encode()).hexdigest()
        == answer["exports"]["markdown"]["sha256"]
    )
    with run_cli.client(room.secretariat.token) as secretariat, pytest.raises(ProblemError) as no:
        secretariat.create_milestone(rid, "After the fact")
    assert no.value.status == 409 and no.value.type.endswith("report-transmitted")
