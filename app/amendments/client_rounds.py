"""The consent-round calls of `PlenaryClient` (mixed in there; kept here with their domain):
answer (consent, stand aside, object, or change an answer), withdraw an objection, close a
round as blocked, remind the pending voters, and revise to resolve an objection."""

from __future__ import annotations

from typing import Literal

from app.amendments.client import AmendmentCalls
from app.amendments.schemas import AmendmentRead

Answer = Literal["consent", "stand_aside", "object"]
_ANSWER_PATHS = {"consent": "consent", "stand_aside": "stand-aside", "object": "object"}


class RoundCalls(AmendmentCalls):
    def answer(self, amendment_id: int, answer: Answer, reason: str = "") -> AmendmentRead:
        """Answer in a consent round, or change the answer already given (the latest counts).
        The same answer again is a safe retry: nothing changes."""
        body = {} if answer == "consent" else {"reason": reason}
        path = f"/v1/amendments/{amendment_id}/{_ANSWER_PATHS[answer]}"
        result: AmendmentRead = self._post(AmendmentRead, path, body)
        return result

    def stand_aside(self, amendment_id: int, reason: str = "") -> AmendmentRead:
        """ "I can live with it": no objection, counted apart from consents."""
        return self.answer(amendment_id, "stand_aside", reason)

    def withdraw_objection(self, amendment_id: int, reason: str = "") -> AmendmentRead:
        result: AmendmentRead = self._post(
            AmendmentRead,
            f"/v1/amendments/{amendment_id}/withdraw-objection",
            {"reason": reason},
        )
        return result

    def close_blocked(self, amendment_id: int, reason: str = "") -> AmendmentRead:
        """The chair ends an open round as blocked, for good (If-Match: read fresh)."""
        return self._act(amendment_id, "close-blocked", {"reason": reason})

    def remind(self, amendment_id: int) -> AmendmentRead:
        """A `consent.reminder` to the voters who have not answered (chair or secretariat)."""
        result: AmendmentRead = self._post(AmendmentRead, f"/v1/amendments/{amendment_id}/remind")
        return result
