"""Amendments' public surface: what routers and other domains call.

The rules live in modules named after them (see ARCHITECTURE.md):
queries.py (reading, tallies, ETag), locking.py (every write starts with the report's row
lock), actions.py (status checks, events, closing), applying.py ("applying creates exactly
one version"), rounds.py (unanimous consent: answers, changes, withdrawn objections),
steering.py (cancel, close as blocked, remind), settling.py (deadlines and reminders),
proposals.py (propose, revise, withdraw, escalate), floor.py (the floor and who decides),
floor_queue.py (the chair's queue, take off, defer), drafting.py (live drafting), rebase.py
and prepare.py (carrying edits onto the head), structure.py (structural amendments:
structure_operands.py, structure_check.py, structure_apply.py).
"""

from __future__ import annotations

from app.amendments.actions import EVENT_INSTRUCTION_CHARS, instruction_payload
from app.amendments.brackets import adopt_as_brackets
from app.amendments.deadlines import DUE_FOR_READS, settle_before_request, settles_its_report
from app.amendments.drafting import revise_draft
from app.amendments.floor import (
    DECIDERS_AFTER_ADOPTION,
    adopt_amendment,
    put_on_floor,
    reject_amendment,
)
from app.amendments.floor_queue import (
    defer_amendment,
    next_on_floor,
    queue_amendment,
    take_off_floor,
)
from app.amendments.floor_queue import queue_of as floor_queue_of
from app.amendments.in_group import decide_in_group
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
from app.amendments.rounds import answer_round, withdraw_objection
from app.amendments.settling import settle_due
from app.amendments.steering import cancel_round, close_blocked, remind_voters
from app.amendments.structure import propose_structure, structures_of

__all__ = [
    "DECIDERS_AFTER_ADOPTION",
    "DUE_FOR_READS",
    "EVENT_INSTRUCTION_CHARS",
    "LONG_TEXTS",
    "RoundState",
    "adopt_amendment",
    "adopt_as_brackets",
    "alternative_group",
    "amendment_etag",
    "answer_round",
    "cancel_round",
    "close_blocked",
    "count_open",
    "decide_in_group",
    "defer_amendment",
    "earliest_open_deadline",
    "escalate_amendment",
    "floor_queue_of",
    "get_amendment",
    "get_revision",
    "instruction_payload",
    "lapse_open",
    "list_amendments",
    "list_revisions",
    "next_on_floor",
    "propose_amendment",
    "propose_structure",
    "put_on_floor",
    "queue_amendment",
    "reject_amendment",
    "remind_voters",
    "reports_with_due_rounds",
    "revise_amendment",
    "revise_draft",
    "round_states",
    "settle_before_request",
    "settle_due",
    "settles_its_report",
    "structures_of",
    "take_off_floor",
    "withdraw_amendment",
    "withdraw_objection",
]
