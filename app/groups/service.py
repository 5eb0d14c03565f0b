"""Groups' public surface: what routers and other domains call.

The rules live in modules named after them (see ARCHITECTURE.md): membership.py (groups,
participants, roster changes, tokens), invitations.py (codes and redemption), keys.py
(signing keys and their changes), roster.py (roster events on every open report),
tokens.py (minting).
"""

from __future__ import annotations

from app.groups.invitations import redeem as redeem_invitation
from app.groups.keys import no_signing_key, require_current_key
from app.groups.membership import (
    ROSTER_FIELDS,
    add_participant,
    create_group,
    create_token,
    ensure_may_change,
    get_group,
    get_participant,
    list_groups,
    list_own_tokens,
    list_participants,
    list_tokens,
    revoke_token,
    update_participant,
)
from app.groups.roster import record_roster_event
from app.groups.tokens import issue_token

__all__ = [
    "ROSTER_FIELDS",
    "add_participant",
    "create_group",
    "create_token",
    "ensure_may_change",
    "get_group",
    "get_participant",
    "issue_token",
    "list_groups",
    "list_own_tokens",
    "list_participants",
    "list_tokens",
    "no_signing_key",
    "record_roster_event",
    "redeem_invitation",
    "require_current_key",
    "revoke_token",
    "update_participant",
]
