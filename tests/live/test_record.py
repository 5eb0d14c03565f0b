"""The record: tamper-evident chain, adoption certificate, and the Chatham House rule."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

from app.client import PlenaryClient
from tests.conftest import ADMIN_TOKEN
from tests.factories import enrolled
from tests.server import LiveServer, module_server, unique
from tests.sse import Message, messages, take

PARTICIPANT_KEYS = {
    "proposer_id",
    "author_id",
    "actor_id",
    "participant_id",
    "opened_by_id",
    "created_by_id",
}


def cli(server: LiveServer, token: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        env=server.env(token),
        capture_output=True,
        text=True,
        timeout=120,
    )


server = module_server("record")


def room(url: str, *, canaries: bool = False, name: str = "Record group") -> dict[str, Any]:
    with PlenaryClient(url, ADMIN_TOKEN) as admin:
        group = admin.create_group(unique(name))

        def person(role: str, n: int, stakeholder: str) -> Any:
            name = f"Canary-Name-{role}-{n}-q7z" if canaries else f"{role} {n}"
            region = f"Canary-Region-{role}-{n}-x9k" if canaries else "Europe"
            return enrolled(
                admin, group.id, name=name, role=role, stakeholder=stakeholder, region=region
            )

        chair = person("chair", 0, "private_sector")
        secretariat = person("secretariat", 0, "intergovernmental")
        members = [
            person("member", n, ["civil_society", "technical_academic", "private_sector"][n % 3])
            for n in range(3)
        ]
        observer = person("observer", 0, "civil_society")
    return {
        "group": group.id,
        "chair": chair,
        "secretariat": secretariat,
        "members": members,
        "observer": observer,
    }


def run_meeting(url: str, r: dict[str, Any]) -> tuple[int, int]:
    tok = lambda p: p.token
    with PlenaryClient(url, tok(r["secretariat"])) as sec:
        report = sec.import_report(
            r["group"],
            "# I. Mandate\n\nThe group met in Geneva.\n\nIt agreed on a definition.\n\n# II. Forum\n\nA forum is needed.",
        )
    sid = report.outline[0].id
    with (
        PlenaryClient(url, tok(r["chair"])) as chair,
        PlenaryClient(url, tok(r["members"][0])) as m0,
        PlenaryClient(url, tok(r["members"][1])) as m1,
    ):
        chair.open_meeting(report.id)
        a = m0.propose(
            sid,
            base_version=1,
            kind="substantive",
            text="The group met in Geneva in November.\n\nIt agreed on a definition.",
            rationale="precision",
        )
        chair.put_on_floor(a.id)
        chair.adopt(a.id)
        b = m1.propose(
            sid,
            base_version=2,
            kind="substantive",
            text="The group met in Geneva in November.\n\nIt agreed on nothing.",
        )
        chair.put_on_floor(b.id)
        chair.reject(b.id, reason="Contradicts the record")
        chair.adopt_report(report.id)
        c = m0.propose(
            sid,
            base_version=2,
            kind="substantive",
            text="The group met in Geneva in November 2004.\n\nIt agreed on a definition.",
        )
        for voter in (chair, m0):
            voter.consent(c.id)
        m1.object(c.id, reason="The year is implied")
        chair.set_public(report.id)
        chair.transmit_report(report.id)
    return report.id, sid


def test_chain_verifies_after_concurrent_writes_and_names_a_tampered_event(
    server: LiveServer,
) -> None:
    r = room(server.url)
    sec = r["secretariat"].token
    with PlenaryClient(server.url, sec) as client:
        report = client.import_report(
            r["group"], "\n\n".join(f"# Part {n}\n\nText {n}." for n in range(50))
        )

    def write(entry: Any) -> int:
        with PlenaryClient(server.url, sec) as c:
            c.write_version(entry.id, base_version=1, text=f"Edited {entry.id}.")
        return 1

    with ThreadPoolExecutor(max_workers=10) as pool:
        assert sum(pool.map(write, report.outline)) == 50
    ok = cli(server, sec, "verify", str(report.id))
    assert ok.returncode == 0 and "chain ok: 52 events" in ok.stdout
    engine = create_engine(server.database_url)
    with engine.begin() as connection:
        victim = connection.execute(
            text("SELECT id FROM event WHERE report_id = :r AND seq = 20"), {"r": report.id}
        ).scalar_one()
        connection.execute(
            text("UPDATE event SET payload = :p WHERE id = :i"),
            {"p": json.dumps({"section_id": 1, "number": 99}), "i": victim},
        )
    engine.dispose()
    broken = cli(server, sec, "verify", str(report.id), "--json")
    assert broken.returncode == 1
    result = json.loads(broken.stdout)
    assert (
        result["ok"] is False
        and result["first_bad_event_id"] == victim
        and result["first_bad_seq"] == 20
    )


def test_certificate_verifies_against_server_and_export(server: LiveServer, tmp_path: Path) -> None:
    r = room(server.url)
    report_id, _sid = run_meeting(server.url, r)
    member = r["members"][0].token
    with PlenaryClient(server.url, member) as client:
        certificate = client.certificate(report_id)
        export = client.export(report_id, format="markdown", milestone=certificate["milestone_id"])
    assert len(certificate["voting_members"]) == 4 and certificate["event_chain"]["seq"] > 10
    assert len(certificate["sections"]) == 2
    cert_file = tmp_path / "certificate.json"
    cert_file.write_text(json.dumps(certificate), encoding="utf-8")
    copy = tmp_path / "report.md"
    copy.write_text(export, encoding="utf-8")
    verified = cli(server, member, "verify-certificate", str(cert_file), "--export", str(copy))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "certificate verified" in verified.stdout
    copy.write_text(export.replace("November", "December"), encoding="utf-8")
    tampered = cli(server, member, "verify-certificate", str(cert_file), "--export", str(copy))
    assert tampered.returncode == 1 and "FAIL" in tampered.stdout
    # a delegation keeps the PDF and the Word file: their bytes are sealed on the record too
    with PlenaryClient(server.url, member) as client:
        kept = {
            "certificate": certificate,
            "exports": wait_for_seal(client, report_id),
        }
        pdf = client.export_file(report_id, format="pdf", milestone=certificate["milestone_id"])
        docx = client.export_file(report_id, format="docx", milestone=certificate["milestone_id"])
    cert_file.write_text(json.dumps(kept), encoding="utf-8")
    for name, data in (("report.pdf", pdf), ("report.docx", docx)):
        (tmp_path / name).write_bytes(data)
        kept_file = str(tmp_path / name)
        checked = cli(server, member, "verify-certificate", str(cert_file), "--export", kept_file)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert f"matches the sealed {name.split('.')[1]} export" in checked.stdout
    (tmp_path / "report.pdf").write_bytes(pdf[:-1] + b"\n")
    tampered = cli(
        server,
        member,
        "verify-certificate",
        str(cert_file),
        "--export",
        str(tmp_path / "report.pdf"),
    )
    assert tampered.returncode == 1 and "FAIL" in tampered.stdout
    # the public sees the certificate with the roster counted, not named
    public = httpx.get(f"{server.url}/v1/reports/{report_id}/certificate", timeout=10).json()[
        "certificate"
    ]
    assert public["voting_members"] == 4 and public["report_sha256"] == certificate["report_sha256"]


def wait_for_seal(client: PlenaryClient, report_id: int) -> dict[str, Any]:
    """The seal follows the transmission's response (the PDF takes a moment to render)."""
    for _ in range(300):
        exports = client.certificate_exports(report_id)
        if exports is not None:
            return exports
        time.sleep(0.1)
    raise AssertionError("the exports were not sealed within 30 s")


def _walk(value: Any, path: str = "") -> list[str]:
    """Paths in a JSON document where a participant could be identified."""
    found = []
    if isinstance(value, dict):
        for key, inner in value.items():
            if key in PARTICIPANT_KEYS and inner is not None:
                found.append(f"{path}.{key}={inner}")
            if key == "pending_participant_ids" and inner:
                found.append(f"{path}.{key}")
            found.extend(_walk(inner, f"{path}.{key}"))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found.extend(_walk(inner, f"{path}[{index}]"))
    return found


def test_public_and_observer_views_identify_nobody(server: LiveServer) -> None:
    r = room(server.url, canaries=True)
    report_id, sid = run_meeting(server.url, r)
    canaries = [
        "Canary-",
        "q7z",
        "x9k",
        "private_sector",
        "civil_society",
        "technical_academic",
        "intergovernmental",
    ]
    observer = {"Authorization": f"Bearer {r['observer'].token}"}
    member = {"Authorization": f"Bearer {r['members'][0].token}"}
    # A member of another group reads the public record as the public does.
    outsider = {
        "Authorization": f"Bearer {room(server.url, name='Other group')['members'][0].token}"
    }
    base = f"{server.url}/v1"
    with httpx.Client(timeout=20) as http:
        attributed = http.get(f"{base}/reports/{report_id}/amendments", headers=member).json()[
            "items"
        ]
        assert any(a["proposer_id"] for a in attributed)  # members keep the attributed view
        amendment_ids = [a["id"] for a in attributed]
        milestones = http.get(f"{base}/reports/{report_id}/milestones", headers=member).json()[
            "items"
        ]
        meetings = http.get(f"{base}/reports/{report_id}/meetings", headers=member).json()["items"]
        paths = [
            f"/reports/{report_id}",
            f"/sections/{sid}",
            f"/sections/{sid}/versions",
            f"/sections/{sid}/versions/1",
            f"/sections/{sid}/versions/2",
            f"/sections/{sid}/diff?from=1",
            f"/reports/{report_id}/amendments",
            f"/reports/{report_id}/events?limit=1000",
            f"/reports/{report_id}/events/verify",
            f"/reports/{report_id}/floor",
            f"/reports/{report_id}/certificate",
            f"/reports/{report_id}/milestones",
            f"/reports/{report_id}/meetings",
            f"/reports/{report_id}/compare?from_milestone={milestones[0]['id']}",
            *[f"/milestones/{m['id']}" for m in milestones],
            *[f"/meetings/{m['id']}" for m in meetings],
            *[f"/amendments/{a}" for a in amendment_ids],
            *[f"/amendments/{a}/preview" for a in amendment_ids],
            *[f"/amendments/{a}/alternatives" for a in amendment_ids],
            *[f"/reports/{report_id}/export?format={f}" for f in ("markdown", "html", "text")],
            f"/reports/{report_id}/export?format=html&milestone={milestones[0]['id']}",
            "/sections/999999",
            f"/amendments/{amendment_ids[0]}/consent",
        ]
        for headers in ({}, observer, outsider):
            for path in paths:
                method = "POST" if path.endswith("/consent") else "GET"
                # an answer's shape (a signature), so that who may answer is what is tried
                body = {"signature": "A" * 86} if method == "POST" else None
                response = http.request(method, base + path, headers=headers, json=body)
                assert response.status_code < 500, (path, response.status_code)
                if path.endswith("/consent") or path == "/sections/999999":
                    assert response.status_code in (401, 403, 404, 409), path
                else:
                    assert response.status_code == 200, (path, response.text)
                body = response.text
                for canary in canaries:
                    assert canary not in body, (path, canary)
                assert not any(
                    canary in v for v in response.headers.values() for canary in canaries
                )
                if response.headers["content-type"].startswith("application/json"):
                    assert _walk(response.json()) == [], (path, _walk(response.json()))
            with http.stream(
                "GET", f"{base}/reports/{report_id}/stream", headers=headers
            ) as stream:
                events = take(messages(stream), 20)
            assert len(events) == 20
            for event in events:
                assert isinstance(event, Message) and _walk(event.data) == []
                assert not any(canary in json.dumps(event.data) for canary in canaries)
        screen = http.get(f"{server.url}/reports/{report_id}/screen")
        assert screen.status_code == 200 and "text/html" in screen.headers["content-type"]
