from __future__ import annotations

from pathlib import Path

from tests.cli_runner import InProcessCli
from tests.conftest import ADMIN_TOKEN
from tests.factories import enrol


def test_draft_session_in_the_terminal(run_cli: InProcessCli, tmp_path: Path) -> None:
    with run_cli.client(ADMIN_TOKEN) as admin:
        group = admin.create_group("Drafting")
        chair = enrol(admin, group.id, name="Chair", role="chair")
        secretariat = enrol(admin, group.id, name="Secretariat", role="secretariat")
    with run_cli.client(chair) as c:
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
    session = run_cli(secretariat, "draft", str(amendment.id), input=script)
    assert session.returncode == 0, session.stderr
    assert (
        'revision 2: In paragraph 1, after "should be open" insert "to everyone".' in session.stdout
    )
    assert "{+ to everyone+}" in session.stdout
    assert "OLD must occur exactly once" in session.stderr
    assert "revision 3:" in session.stdout and session.stdout.rstrip().endswith(
        "The forum should be open to all stakeholders."
    )
    with run_cli.client(chair) as c:
        assert [r.number for r in c.draft_revisions(amendment.id)] == [1, 2, 3]
