"""`plenary consult open|comment|comments|dispose|compile` and the client's consultation
calls, run in process against the app."""

from __future__ import annotations

import json

from app.client import ProblemError
from app.consultations.schemas import CommentPublic, CommentRead
from tests.cli_runner import InProcessCli, Ran
from tests.conftest import ADMIN_TOKEN
from tests.factories import enrol

TEXT = "The forum should be open to all stakeholders.\n\nIt should meet once a year."


def test_a_round_from_the_command_line(run_cli: InProcessCli) -> None:
    def plenary(token: str, *args: str) -> Ran:
        return run_cli(token, "consult", *args)

    with run_cli.client(ADMIN_TOKEN) as admin:
        group = admin.create_group("WGIG")
        secretariat = enrol(admin, group.id, name="Secretariat", role="secretariat")
        member = enrol(admin, group.id, name="Member Canary", role="member")
        enrol(admin, group.id, name="Chair", role="chair")
    with run_cli.client(secretariat) as client:
        report = client.import_report(group.id, markdown=f"# Draft\n\n## Forum\n\n{TEXT}\n")
    section = report.outline[-1].id

    opened = plenary(secretariat, "open", str(report.id), "--title", "Draft paper", "--json")
    assert opened.returncode == 0, opened.stderr
    cid = json.loads(opened.stdout)["id"]
    said = plenary(member, "comment", str(cid), "Say who convenes it.",
        "--section", str(section), "--quote", "The forum", "--suggestion", "A new forum",
    )  # fmt: skip
    assert said.returncode == 0, said.stderr
    with run_cli.client(None) as anonymous:
        made = anonymous.public_comment(
            cid, "Open it to all.", name="Jo", category="civil_society", publish_name=True
        )
        assert isinstance(made, CommentPublic) and made.commenter == "Jo"
        listed = list(anonymous.all_comments(cid))
        assert [type(c) for c in listed] == [CommentPublic, CommentPublic]
        assert listed[0].commenter == "a participant"
        try:
            anonymous.dispose(made.id, "noted")
        except ProblemError as problem:
            assert problem.status == 401
        else:
            raise AssertionError("an anonymous disposition was accepted")
    with run_cli.client(secretariat) as client:
        attributed = list(client.all_comments(cid))
        assert isinstance(attributed[0], CommentRead)
        assert attributed[0].participant_name == "Member Canary"

    table = plenary(secretariat, "comments", str(cid))
    assert table.returncode == 0 and "Say who convenes it." in table.stdout
    first = attributed[0].id
    disposed = plenary(secretariat, "dispose", str(first), "accepted", "--response", "Done.",
        "--amend",
    )  # fmt: skip
    assert disposed.returncode == 0, disposed.stderr
    assert 'amendment 1: In paragraph 1, replace "The" with "A new"' in disposed.stdout
    refused = plenary(secretariat, "dispose", str(first), "maybe")
    assert refused.returncode == 4 and "disposition" in refused.stderr

    summary = plenary(member, "compile", str(cid))
    assert summary.returncode == 0
    assert summary.stdout.splitlines()[0] == (
        "One civil society organization and one member commented."
    )
    exported = plenary(member, "compile", str(cid), "--format", "csv")
    assert len(exported.stdout.splitlines()) == 3 and "Canary" not in exported.stdout
