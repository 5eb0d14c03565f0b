"""What a member checks of the answers on the record (`plenary verify` with a member's token).

Given the report's events (the members' view: actors, salts, signatures), the group's signing
keys and the report's amendments with their tallies, each finding names something a member
must not take on trust:

- `bad-signature`: an answer event whose signature is missing, does not verify with the key
  it names over what the event says was answered, or is not the one the chain covers
  (`signature_commitment` = SHA-256(salt || signature));
- `wrong-key`: the key is not the actor's, or was not its current key at that moment;
- `not-on-record`: a standing answer in a tally with no signed answer event behind it (a row
  written into the database by someone other than the member);
- `replaced-key`: an answer signed with a key that replaced the participant's earlier key
  without that key's endorsement (a new invitation: a lost device, or someone else holding
  the code). The member concerned can say which; `trusted_keys` lists the ones confirmed.

Pure: plain dictionaries as the API serves them, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.signatures import answer_message, signature_commitment, verifies

ANSWER_EVENTS = {
    "consent.consent": "consent",
    "consent.stand_aside": "stand_aside",
    "consent.object": "object",
    "consent.withdrawn": "withdraw",
}


@dataclass(frozen=True)
class Finding:
    kind: str
    event_id: int | None
    amendment_id: int
    participant_id: int | None
    detail: str


@dataclass(frozen=True)
class AnswerCheck:
    signed: int  # answer events whose signature checked
    unsigned: int  # answer events recorded before answers were signed
    findings: list[Finding]


def _time(value: Any) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=None)


def check_answers(
    events: list[dict[str, Any]],
    keys: list[dict[str, Any]],
    amendments: list[dict[str, Any]],
    trusted_keys: frozenset[int] = frozenset(),
) -> AnswerCheck:
    by_id = {int(k["id"]): k for k in keys}
    findings: list[Finding] = []
    signed = unsigned = 0
    # (amendment, round, voter) -> the latest answer and its signature
    latest: dict[tuple[int, str, int], tuple[str, str | None]] = {}
    for event in events:
        answer = ANSWER_EVENTS.get(event["type"])
        if answer is None:
            continue
        payload = event["payload"]
        amendment_id = int(payload["amendment_id"])
        actor = event.get("actor_id")
        round = str(payload.get("round") or "")
        if "signature_commitment" not in payload:
            unsigned += 1
            if actor is not None:
                latest[(amendment_id, round, actor)] = (answer, None)
            continue
        problem = _event_problem(event, answer, by_id)
        if problem is not None:
            findings.append(Finding(problem[0], event["id"], amendment_id, actor, problem[1]))
            continue
        signed += 1
        latest[(amendment_id, round, int(event["actor_id"]))] = (answer, event.get("signature"))
        key = by_id[int(event["signing_key_id"])]
        if key["origin"] == "replaced" and int(key["id"]) not in trusted_keys:
            findings.append(
                Finding(
                    "replaced-key",
                    event["id"],
                    amendment_id,
                    actor,
                    f"signed with key {key['id']}, which replaced this participant's earlier "
                    f"key through a new invitation at {key['created_at']}, without its "
                    "endorsement: ask the participant whether this answer is theirs",
                )
            )
    findings += _standing_answers_on_record(amendments, latest)
    return AnswerCheck(signed=signed, unsigned=unsigned, findings=findings)


def _event_problem(
    event: dict[str, Any], answer: str, keys: dict[int, dict[str, Any]]
) -> tuple[str, str] | None:
    payload = event["payload"]
    signature, key_id = event.get("signature"), event.get("signing_key_id")
    if not signature or key_id is None or not event.get("actor_salt"):
        return "bad-signature", "the signature is not in the members' view of this event"
    if signature_commitment(event["actor_salt"], signature) != payload["signature_commitment"]:
        return "bad-signature", "the signature is not the one the chain covers"
    key = keys.get(int(key_id))
    if key is None or key["participant_id"] != event.get("actor_id"):
        return "wrong-key", f"key {key_id} is not the answering participant's"
    at = _time(event["created_at"])
    replaced = key.get("replaced_at")
    if _time(key["created_at"]) > at or (replaced is not None and _time(replaced) <= at):
        return "wrong-key", f"key {key_id} was not the participant's current key at {at}"
    message = answer_message(
        report_id=int(event["report_id"]),
        amendment_id=int(payload["amendment_id"]),
        round=str(payload.get("round") or ""),
        wording_sha256=str(payload.get("wording_sha256") or ""),
        answer=answer,
        reason=str(payload.get("reason", "")),
    )
    if not verifies(key["public_key"], signature, message):
        return "bad-signature", "the signature does not verify over what the event records"
    return None


def _standing_answers_on_record(
    amendments: list[dict[str, Any]],
    latest: dict[tuple[int, str, int], tuple[str, str | None]],
) -> list[Finding]:
    findings = []
    for amendment in amendments:
        tally = amendment.get("tally") or {}
        for row in tally.get("answers", []):
            voter = row.get("participant_id")
            if voter is None:
                continue  # the public view: nothing to tie to a person
            key = (int(amendment["id"]), str(amendment.get("round") or ""), int(voter))
            recorded = latest.get(key)
            if recorded is None and row.get("signature") is None:  # before answers were signed
                recorded = latest.get((int(amendment["id"]), "", int(voter)))
            standing = (row["answer"], row.get("signature"))
            if recorded is None or recorded[0] == "withdraw" or recorded != standing:
                findings.append(
                    Finding(
                        "not-on-record",
                        None,
                        int(amendment["id"]),
                        int(voter),
                        f"the tally shows {row['answer']!r} with no signed answer event of "
                        "this participant behind it",
                    )
                )
    return findings
