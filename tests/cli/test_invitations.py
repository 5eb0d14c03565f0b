from __future__ import annotations

import json

from app.client import ProblemError
from tests.cli_runner import InProcessCli
from tests.conftest import ADMIN_TOKEN
from tests.factories import enrol


def test_invite_redeem_and_own_tokens_from_the_cli(run_cli: InProcessCli) -> None:
    with run_cli.client(ADMIN_TOKEN) as admin:
        group = admin.create_group("Invited")
        chair = enrol(admin, group.id, name="Chair", role="chair")
        member = admin.add_participant(group.id, name="Delegate", role="member")
        admin.revoke_invitation(member.invitation.id)

    invited = run_cli(chair, "invite", str(member.id), "--days", "2")
    assert invited.returncode == 0, invited.stderr
    code = invited.stdout.strip()
    assert code.startswith("plinv_")

    redeemed = run_cli("", "redeem", code, "--label", "laptop")
    assert redeemed.returncode == 0, redeemed.stderr
    token = redeemed.stdout.strip()
    with run_cli.client(token) as client:
        assert client.me().participant is not None
        assert client.me().participant.id == member.id  # type: ignore[union-attr]

    again = run_cli("", "redeem", code)
    assert again.returncode == 4 and "409" in again.stderr

    listed = run_cli(token, "tokens", "--json")
    assert listed.returncode == 0, listed.stderr
    tokens = json.loads(listed.stdout)
    assert [t["label"] for t in tokens] == ["laptop"] and "token" not in tokens[0]

    # the chair cannot mint the member a token through the client either
    with run_cli.client(chair) as client:
        try:
            client.create_token(member.id)
        except ProblemError as refused:
            assert refused.status == 403
        else:
            raise AssertionError("the chair minted a token for a member")

    revoked = run_cli(token, "revoke-token", str(tokens[0]["id"]))
    assert revoked.returncode == 0, revoked.stderr
    assert run_cli(token, "tokens").returncode == 4
