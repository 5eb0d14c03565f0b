"""Who sees names is decided by schema: a field of a read model is private unless its
public schema declares it (app/visibility.py). The HTTP scenarios (tests/live/
test_unlinkable_record.py, tests/amendments, tests/events) check the answers; these check
the rule itself, so a field added tomorrow cannot leak by default."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from pydantic import BaseModel

from app.amendments.models import AmendmentKind, AmendmentStatus, Answer
from app.amendments.schemas import PUBLIC_VIEWS, AmendmentRead, ConsentAnswer, Tally
from app.events.schemas import EventPublic, EventRead
from app.events.views import event_fields
from app.reports.schemas import PUBLIC_VIEWS as REPORT_PUBLIC_VIEWS
from app.visibility import hidden_value, redacted

NOW = datetime(2026, 11, 28, tzinfo=UTC)


def _amendment(**extra: Any) -> AmendmentRead:
    answer = ConsentAnswer(
        id=11,
        participant_id=7,
        token_id=70,
        answer=Answer.object,
        reason="No.",
        answered_at=NOW,
        changed=False,
    )
    tally = Tally(
        voters=3,
        consented=1,
        stood_aside=0,
        objected=1,
        withdrawn=0,
        pending=1,
        round_open=False,
        answers=[answer],
        pending_participant_ids=[9],
    )
    return AmendmentRead(
        id=1,
        report_id=2,
        section_id=3,
        base_version=1,
        kind=AmendmentKind.substantive,
        suggested_kind=AmendmentKind.substantive,
        status=AmendmentStatus.blocked,
        instruction='In paragraph 2, replace "a" with "b".',
        rationale="Because.",
        patch="",
        proposed_text="b",
        proposer_id=5,
        alternative_to_id=None,
        supersedes_id=None,
        revised_by_id=None,
        resulting_version=None,
        draft_revision=1,
        consent_deadline=None,
        remind_at=None,
        reminded_at=None,
        round_opened_at=NOW,
        outcome_note="Blocked: a voting member objected.",
        decided_at=NOW,
        created_at=NOW,
        updated_at=NOW,
        revision=2,
        tally=tally,
        **extra,
    )


def test_the_public_view_of_an_amendment_names_nobody() -> None:
    public = redacted(_amendment(), PUBLIC_VIEWS).model_dump()
    assert public["proposer_id"] is None
    assert public["tally"]["pending_participant_ids"] == []
    assert public["tally"]["answers"] == [
        {
            "id": None,
            "participant_id": None,
            "token_id": None,
            "answer": Answer.object,
            "reason": "No.",
            "answered_at": NOW,
            "changed": False,
            "signature": None,  # a signature would link the answer to its member's key
            "signing_key_id": None,
        }
    ]
    # Everything else is the record itself, unchanged.
    whole = _amendment().model_dump()
    for key in ("status", "instruction", "outcome_note", "revision"):
        assert public[key] == whole[key]
    assert public["tally"]["objected"] == 1


def test_a_field_nobody_declared_public_is_hidden() -> None:
    class Extended(AmendmentRead):
        proposer_email: str | None = None

    read = Extended.model_validate({**_amendment().model_dump(), "proposer_email": "x@y.z"})
    views: dict[type[BaseModel], type[BaseModel]] = {
        **PUBLIC_VIEWS,
        Extended: PUBLIC_VIEWS[AmendmentRead],
    }
    assert redacted(read, views).proposer_email is None


def test_every_public_schema_names_fields_its_read_model_has_and_hides_the_rest() -> None:
    for read_model, public in {**PUBLIC_VIEWS, **REPORT_PUBLIC_VIEWS}.items():
        for name, field in read_model.model_fields.items():
            if name not in public.model_fields:
                hidden_value(read_model, name, field)  # raises if it cannot be hidden
        assert set(public.model_fields) & set(read_model.model_fields), public.__name__
        if read_model is not public:  # an identity entry declares every field public
            assert set(read_model.model_fields) - set(public.model_fields), read_model.__name__
    assert set(EventPublic.model_fields) < set(EventRead.model_fields)


def test_a_private_field_that_cannot_be_hidden_is_refused() -> None:
    class Careless(BaseModel):
        secret: int

    with pytest.raises(TypeError, match="private but cannot be hidden"):
        hidden_value(Careless, "secret", Careless.model_fields["secret"])


def test_a_nested_model_without_a_public_schema_is_refused() -> None:
    views = {k: v for k, v in PUBLIC_VIEWS.items() if k is not Tally}
    with pytest.raises(TypeError, match="Tally has no public schema"):
        redacted(_amendment(), views)


def test_the_public_view_of_an_event_hides_the_actor() -> None:
    event = SimpleNamespace(
        id=1,
        seq=1,
        report_id=2,
        type="consent.object",
        actor_id=7,
        actor_salt="ab" * 32,
        actor_commitment="cd" * 32,
        payload={"amendment_id": 1},
        created_at=NOW,
        prev_hash="0" * 64,
        hash="1" * 64,
        legacy_hash="2" * 64,
    )
    public = event_fields(event, attributed=False)  # type: ignore[arg-type]
    assert (public["actor_id"], public["actor_salt"], public["legacy_hash"]) == (None, None, None)
    assert public["actor_commitment"] == "cd" * 32
    assert event_fields(event, attributed=True)["actor_id"] == 7  # type: ignore[arg-type]
    EventRead.model_validate(public)
