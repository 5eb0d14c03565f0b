from __future__ import annotations

import json
from pathlib import Path

from app.client import PlenaryClient, ProblemError
from tests.cli.test_cli import plenary
from tests.conftest import ADMIN_TOKEN
from tests.factories import enrol
from tests.server import live_server


def test_invite_redeem_and_own_tokens_from_the_cli(tmp_path: Path) -> None:
    with live_server(f"sqlite:///{tmp_path / 'invite.db'}") as server:
        with PlenaryClient(server.url, ADMIN_TOKEN) as admin:
            group = admin.create_group("Invited")
            chair = enrol(admin, group.id, name="Chair", role="chair")
            member = admin.add_participant(group.id, name="Delegate", role="member")
            admin.revoke_invitation(member.invitation.id)

        invited = plenary(server, chair, "invite", str(member.id), "--days", "2")
        assert invited.returncode == 0, invited.stderr
        code = invited.stdout.strip()
        assert code.startswith("plinv_")

        redeemed = plenary(server, "", "redeem", code, "--label", "laptop")
        assert redeemed.returncode == 0, redeemed.stderr
        token = redeemed.stdout.strip()
        with PlenaryClient(server.url, token) as client:
            assert client.me().participant is not None
            assert client.me().participant.id == member.id  # type: ignore[union-attr]

        again = plenary(server, "", "redeem", code)
        assert again.returncode == 4 and "409" in again.stderr

        listed = plenary(server, token, "tokens", "--json")
        assert listed.returncode == 0, listed.stderr
        tokens = json.loads(listed.stdout)
        assert [t["label"] for t in tokens] == ["laptop"] and "token" not in tokens[0]

        # the chair cannot mint the member a token through the client either
        with PlenaryClient(server.url, chair) as client:
            try:
                client.create_token(member.id)
            except ProblemError as refused:
                assert refused.status == 403
            else:
                raise AssertionError("the chair minted a token for a member")

        revoked = plenary(server, token, "revoke-token", str(tokens[0]["id"]))
        assert revoked.returncode == 0, revoked.stderr
        assert plenary(server, token, "tokens").returncode == 4
