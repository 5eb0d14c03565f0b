"""Nothing acknowledged is lost: online backups under load, and a server killed mid-write."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

from sqlalchemy import func, select

from app.client import PlenaryClient, ProblemError
from app.events.service import verify_chain
from app.reports.models import Version
from app.wiring import open_database
from tests.conftest import ADMIN_TOKEN
from tests.factories import enrol
from tests.server import live_server, wait_until


def room(url: str) -> tuple[str, str, int, list[int]]:
    with PlenaryClient(url, ADMIN_TOKEN) as admin:
        group = admin.create_group("Durable")
        chair = enrol(admin, group.id, name="Chair", role="chair")
        secretariat = enrol(admin, group.id, name="Secretariat", role="secretariat")
    with PlenaryClient(url, secretariat) as sec:
        report = sec.import_report(
            group.id, "\n\n".join(f"# Part {n}\n\nText {n}." for n in range(8))
        )
    return chair, secretariat, report.id, [e.id for e in report.outline]


def test_backup_under_write_load_is_consistent(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'live.db'}"
    with live_server(database_url) as server:
        _chair, secretariat, report_id, sections = room(server.url)
        stop = threading.Event()
        written = [0]

        def write() -> None:
            with PlenaryClient(server.url, secretariat) as client:
                while not stop.is_set():
                    section = sections[written[0] % len(sections)]
                    head = client.get_section(section).head_version
                    client.write_version(section, base_version=head, text=f"Edit {written[0]}.")
                    written[0] += 1

        writer = threading.Thread(target=write)
        writer.start()
        wait_until(lambda: written[0] >= 10, "ten writes before the backup")
        copy = tmp_path / "backup.db"
        done = subprocess.run(
            [sys.executable, "-m", "app.cli", "db", "backup", str(copy)],
            env=server.env(),
            capture_output=True,
            text=True,
            timeout=60,
        )
        after_backup = written[0]
        wait_until(lambda: written[0] >= after_backup + 5, "writes after the backup")
        stop.set()
        writer.join(30)
    assert done.returncode == 0, done.stderr
    assert "ok" in done.stdout
    backup_db = open_database(f"sqlite:///{copy}")
    with backup_db.session(write=False) as session:
        assert verify_chain(session, report_id=report_id).ok
        counts = dict(
            session.execute(
                select(Version.section_id, func.count()).group_by(Version.section_id)
            ).all()
        )
        numbers = dict(
            session.execute(
                select(Version.section_id, func.max(Version.number)).group_by(Version.section_id)
            ).all()
        )
    backup_db.dispose()
    assert counts == numbers  # versions 1..n with no gap: nothing half-written
    assert 8 < sum(counts.values()) < 8 + written[0] + 1


def test_sigkill_mid_run_loses_nothing_acknowledged(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'crash.db'}"
    acknowledged: list[tuple[int, int]] = []
    with live_server(database_url) as server:
        chair, secretariat, report_id, sections = room(server.url)
        with PlenaryClient(server.url, chair) as c:
            c.open_meeting(report_id)
        stop = threading.Event()

        def write() -> None:
            with (
                PlenaryClient(server.url, secretariat, retries=0) as client,
                PlenaryClient(server.url, chair, retries=0) as chair_client,
            ):
                n = 0
                while not stop.is_set():
                    section = sections[n % len(sections)]
                    try:
                        head = client.get_section(section).head_version
                        version = client.write_version(
                            section, base_version=head, text=f"Edit {n}."
                        )
                        acknowledged.append((section, version.number))
                        if n % 5 == 0:
                            amendment = client.propose(
                                section,
                                base_version=version.number,
                                kind="substantive",
                                text=f"Amended {n}.",
                            )
                            chair_client.put_on_floor(amendment.id)
                            chair_client.adopt(amendment.id)
                            acknowledged.append((section, version.number + 1))
                    except ProblemError:
                        return  # the server died under us
                    n += 1

        writer = threading.Thread(target=write)
        writer.start()
        wait_until(lambda: len(acknowledged) > 10, "ten acknowledged writes before the kill")
        os.kill(server.process.pid, signal.SIGKILL)
        server.process.wait(10)
        stop.set()
        writer.join(30)
    connection = sqlite3.connect(tmp_path / "crash.db")
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    connection.close()
    # it starts again on the same file
    with live_server(database_url) as restarted, PlenaryClient(restarted.url, chair) as client:
        assert client.verify_chain(report_id).ok
        for section, number in acknowledged:
            assert client.get_version(section, number).number == number
        for amendment in client.list_amendments(report_id):
            if amendment.status.value == "adopted":
                version = client.get_version(amendment.section_id, amendment.resulting_version or 0)
                assert version.amendment_id == amendment.id
            else:
                assert amendment.resulting_version is None
