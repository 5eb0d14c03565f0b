"""Amendments' public surface: what routers and other domains call.

The rules live in modules named after them (see ARCHITECTURE.md):
queries.py (reading, tallies, ETag), locking.py (every write starts with the report's row
lock), actions.py (status checks, events, closing), applying.py ("applying creates exactly
one version"), rounds.py (unanimous consent), settling.py (deadlines), proposals.py
(propose, revise, withdraw, escalate), floor.py (the floor and who decides), drafting.py
(live drafting), rebase.py and prepare.py (carrying edits onto the head).
"""

from __future__ import annotations

from app.amendments.actions import EVENT_INSTRUCTION_CHARS, instruction_payload
from app.amendments.drafting import revise_draft
from app.amendments.floor import (
    DECIDERS_AFTER_ADOPTION,
    adopt_amendment,
    put_on_floor,
    reject_amendment,
)
from app.amendments.proposals import (
    escalate_amendment,
    lapse_open,
    propose_amendment,
    revise_amendment,
    withdraw_amendment,
)
from app.amendments.queries import (
    LONG_TEXTS,
    RoundState,
    alternative_group,
    amendment_etag,
    count_open,
    earliest_open_deadline,
    get_amendment,
    get_revision,
    list_amendments,
    list_revisions,
    reports_with_due_rounds,
    round_states,
)
from app.amendments.rounds import answer_round, cancel_round
from app.amendments.settling import settle_due

__all__ = [
    "DECIDERS_AFTER_ADOPTION",
    "EVENT_INSTRUCTION_CHARS",
    "LONG_TEXTS",
    "RoundState",
    "adopt_amendment",
    "alternative_group",
    "amendment_etag",
    "answer_round",
    "cancel_round",
    "count_open",
    "earliest_open_deadline",
    "escalate_amendment",
    "get_amendment",
    "get_revision",
    "instruction_payload",
    "lapse_open",
    "list_amendments",
    "list_revisions",
    "propose_amendment",
    "put_on_floor",
    "reject_amendment",
    "reports_with_due_rounds",
    "revise_amendment",
    "revise_draft",
    "round_states",
    "settle_due",
    "withdraw_amendment",
]
