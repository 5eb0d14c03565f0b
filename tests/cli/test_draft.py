from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from app.client import PlenaryClient
from tests.conftest import ADMIN_TOKEN
from tests.factories import enrol
from tests.server import live_server


def test_draft_session_in_the_terminal(tmp_path: Path) -> None:
    with live_server(f"sqlite:///{tmp_path / 'draft.db'}") as server:
        with PlenaryClient(server.url, ADMIN_TOKEN) as admin:
            group = admin.create_group("Drafting")
            chair = enrol(admin, group.id, name="Chair", role="chair")
            secretariat = enrol(admin, group.id, name="Secretariat", role="secretariat")
        with PlenaryClient(server.url, chair) as c:
            report = c.import_report(group.id, "# I. Forum\n\nThe forum should be open.")
            c.open_meeting(report.id)
            amendment = c.propose(
                report.outline[0].id,
                base_version=1,
                kind="substantive",
                text="The forum should be open to all.",
            )
            c.put_on_floor(amendment.id)
        wording = tmp_path / "wording.txt"
        wording.write_text("The forum should be open to all stakeholders.", encoding="utf-8")
        script = f"replace to all => to everyone\ndiff\nreplace nothing-here => x\nset {wording}\nshow\nquit\n"
        session = subprocess.run(
            [sys.executable, "-m", "app.cli", "draft", str(amendment.id)],
            input=script,
            env=server.env(secretariat),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert session.returncode == 0, session.stderr
        assert (
            'revision 2: In paragraph 1, after "should be open" insert "to everyone".'
            in session.stdout
        )
        assert "{+ to everyone+}" in session.stdout
        assert "OLD must occur exactly once" in session.stderr
        assert "revision 3:" in session.stdout and session.stdout.rstrip().endswith(
            "The forum should be open to all stakeholders."
        )
        with PlenaryClient(server.url, chair) as c:
            assert [r.number for r in c.draft_revisions(amendment.id)] == [1, 2, 3]
