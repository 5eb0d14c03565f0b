"""`plenary progress REPORT` run in process against the app (tests/cli_runner.py) (issue 20)."""

from __future__ import annotations

import json

from tests.cli_runner import InProcessCli, Ran
from tests.conftest import ADMIN_TOKEN
from tests.factories import enrol, enrolled


def test_progress_lists_each_chapter_with_its_drafting_group_and_stage(
    run_cli: InProcessCli,
) -> None:
    def plenary(token: str, *args: str) -> Ran:
        return run_cli(token, *args)

    with run_cli.client(ADMIN_TOKEN) as admin:
        group = admin.create_group("WGIG")
        secretariat = enrol(admin, group.id, name="Secretariat", role="secretariat")
        chair = enrol(admin, group.id, name="Chair", role="chair")
        ada = enrolled(admin, group.id, name="Lead Ada", role="member")
        bo = enrolled(admin, group.id, name="Lead Bo", role="member", region="Africa")
    with run_cli.client(secretariat) as client:
        report = client.import_report(
            group.id, markdown="# I. Introduction\n\nText.\n\n# II. Forum\n\nMore.\n"
        )
    first, second = (e.id for e in report.outline if e.depth == 0)
    with run_cli.client(chair) as client:
        drafting_group = client.create_drafting_group(
            group.id,
            name="Drafting group I",
            member_ids=[ada.id, bo.id],
            co_lead_ids=[ada.id, bo.id],
        )
        client.assign_section(drafting_group.id, first)
    with run_cli.client(ada.token) as client:
        client.change_stage(first, "agreed_in_drafting_group")

    shown = plenary(bo.token, "progress", str(report.id))
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert "Introduction" in lines[0]
    assert "agreed_in_drafting_group" in lines[0]
    assert "[Drafting group I: Lead Ada, Lead Bo]" in lines[0]
    assert "posted_to_group" in lines[1] and "[" not in lines[1]

    as_json = plenary(bo.token, "progress", str(report.id), "--json")
    assert as_json.returncode == 0, as_json.stderr
    data = json.loads(as_json.stdout)
    assert [c["section_id"] for c in data["chapters"]] == [first, second]
    assert data["staged"] is True


def test_the_client_drafts_in_a_group_and_derives_with_lineage(run_cli: InProcessCli) -> None:
    def plenary(token: str, *args: str) -> Ran:
        return run_cli(token, *args)

    with run_cli.client(ADMIN_TOKEN) as admin:
        group = admin.create_group("WGIG")
        secretariat = enrol(admin, group.id, name="Secretariat", role="secretariat")
        chair = enrol(admin, group.id, name="Chair", role="chair")
        ada = enrolled(admin, group.id, name="Lead Ada", role="member")
        bo = enrolled(admin, group.id, name="Bo", role="member", region="Africa")
    with run_cli.client(secretariat) as client:
        report = client.import_report(group.id, markdown="# I. Introduction\n\nText.\n")
    chapter = report.outline[0].id
    with run_cli.client(chair) as client:
        made = client.create_drafting_group(
            group.id, name="DG", member_ids=[ada.id, bo.id], co_lead_ids=[ada.id]
        )
        client.assign_section(made.id, chapter)
        listed = client.drafting_groups(group.id)
        assert [m.is_co_lead for m in listed.items[0].members or []] == [True, False]
    with run_cli.client(bo.token) as client:
        proposed = client.propose(chapter, base_version=1, kind="editorial", text="Text!")
    with run_cli.client(ada.token) as client:
        decided = client.decide_in_group(proposed.id, accept=True)
        assert decided.status.value == "adopted"
    with run_cli.client(secretariat) as client:
        derived = client.derive_report(report.id, title="Background", section_ids=[chapter])
        copy = derived.outline[0].id
        assert [s.section_id for s in client.lineage(copy).sources] == [chapter]
        exported = client.export(derived.id, lineage=True)
        assert "> Source: " in exported and "version 2" in exported
