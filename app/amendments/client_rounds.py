"""The consent-round calls of `PlenaryClient` (mixed in there; kept here with their domain):
answer (consent, stand aside, object, or change an answer), withdraw an objection, close a
round as blocked, remind the pending voters, and revise to resolve an objection."""

from __future__ import annotations

from typing import Literal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.amendments.client import AmendmentCalls
from app.amendments.schemas import AmendmentRead
from app.client_base import ProblemError
from app.signatures import answer_message, sign, wording_sha256

Answer = Literal["consent", "stand_aside", "object"]
_ANSWER_PATHS = {"consent": "consent", "stand_aside": "stand-aside", "object": "object"}


class RoundCalls(AmendmentCalls):
    def answer(self, amendment_id: int, answer: Answer, reason: str = "") -> AmendmentRead:
        """Answer in a consent round, or change the answer already given (the latest counts).
        The same answer again is a safe retry: nothing changes. Signed with this device's key
        over the amendment as read now (its round and the wording it holds)."""
        body: dict[str, str] = {} if answer == "consent" else {"reason": reason}
        body["signature"] = self.sign_answer(amendment_id, answer, reason)
        path = f"/v1/amendments/{amendment_id}/{_ANSWER_PATHS[answer]}"
        result: AmendmentRead = self._post(AmendmentRead, path, body)
        return result

    def sign_answer(self, amendment_id: int, answer: str, reason: str = "") -> str:
        """Read the amendment, check the wording it shows is the one the server names, and
        sign the answer over it (app/signatures.py)."""
        amendment = self.get_amendment(amendment_id)
        wording = wording_sha256(amendment.proposed_text)
        if amendment.round is None or wording != amendment.wording_sha256:
            raise ProblemError(
                {
                    "type": "urn:plenary:client:nothing-to-sign",
                    "title": "nothing-to-sign",
                    "detail": f"Amendment {amendment_id} has no open round to answer, or its "
                    "wording does not match its hash.",
                }
            )
        message = answer_message(
            report_id=amendment.report_id,
            amendment_id=amendment.id,
            round=amendment.round,
            wording_sha256=wording,
            answer=answer,
            reason=reason,
        )
        return sign(self.signing_key(), message)

    def signing_key(self) -> Ed25519PrivateKey:
        """This device's key for the caller: `GroupCalls.signing_key`, mixed in beside."""
        raise NotImplementedError

    def consent(self, amendment_id: int) -> AmendmentRead:
        """Consent (on an editorial notice: accept it now), signed with this device's key."""
        return self.answer(amendment_id, "consent")

    def object(self, amendment_id: int, reason: str) -> AmendmentRead:
        return self.answer(amendment_id, "object", reason)

    def stand_aside(self, amendment_id: int, reason: str = "") -> AmendmentRead:
        """ "I can live with it": no objection, counted apart from consents."""
        return self.answer(amendment_id, "stand_aside", reason)

    def withdraw_objection(self, amendment_id: int, reason: str = "") -> AmendmentRead:
        signature = self.sign_answer(amendment_id, "withdraw", reason)
        result: AmendmentRead = self._post(
            AmendmentRead,
            f"/v1/amendments/{amendment_id}/withdraw-objection",
            {"reason": reason, "signature": signature},
        )
        return result

    def close_blocked(self, amendment_id: int, reason: str = "") -> AmendmentRead:
        """The chair ends an open round as blocked, for good (If-Match: read fresh)."""
        return self._act(amendment_id, "close-blocked", {"reason": reason})

    def remind(self, amendment_id: int) -> AmendmentRead:
        """A `consent.reminder` to the voters who have not answered (chair or secretariat)."""
        result: AmendmentRead = self._post(AmendmentRead, f"/v1/amendments/{amendment_id}/remind")
        return result
