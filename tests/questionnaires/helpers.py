"""Building questionnaires through the HTTP API: the WGIG's process-functions questionnaire."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from tests.factories import Person, Room, ok

FUNCTIONS = ["forum", "oversight", "international coordination", "national coordination"]
INTERNAL_CHAPEAU = "Members are asked for their views on the four process functions."
PUBLIC_CHAPEAU = (
    "The Working Group invites stakeholders to say what action is needed on the four "
    "process functions. Replies are published after review."
)


def process_functions(deadline: datetime, **fields: Any) -> dict[str, Any]:
    """The questionnaire the Secretariat circulated after the third meeting."""
    return {
        "title": "Process functions",
        "internal_chapeau": INTERNAL_CHAPEAU,
        "public_chapeau": PUBLIC_CHAPEAU,
        "deadline": deadline.isoformat(),
        "questions": [
            {
                "kind": "single",
                "prompt": "Should a new forum be created for all stakeholders?",
                "required": True,
                "options": ["yes", "no", "undecided"],
            },
            {
                "kind": "multiple",
                "prompt": "Which functions need improvement?",
                "options": FUNCTIONS,
            },
            {
                "kind": "scale",
                "prompt": "How adequate is oversight today?",
                "scale_min": 1,
                "scale_max": 5,
            },
            {"kind": "ranking", "prompt": "Rank the functions by urgency.", "options": FUNCTIONS},
            {"kind": "text", "prompt": "What action is needed?", "max_chars": 500},
        ],
        **fields,
    }


def in_days(days: float) -> datetime:
    return datetime.now(UTC) + timedelta(days=days)


def create(client: TestClient, room: Room, body: dict[str, Any]) -> dict[str, Any]:
    return ok(  # type: ignore[no-any-return]
        client.post(
            f"/v1/groups/{room.group_id}/questionnaires",
            json=body,
            headers=room.secretariat.headers,
        ),
        201,
    )


def answers_for(questions: list[dict[str, Any]], index: int) -> dict[str, Any]:
    """A plausible reply that varies with `index`."""
    q = {question["number"]: str(question["id"]) for question in questions}
    order = FUNCTIONS[index % 4 :] + FUNCTIONS[: index % 4]
    return {
        q[1]: ["yes", "no", "undecided"][index % 3],
        q[2]: order[: 1 + index % 3],
        q[3]: 1 + index % 5,
        q[4]: order,
        q[5]: f"Reply {index}: strengthen {order[0]}.",
    }


def reply(
    client: TestClient, who: Person, qid: int, answers: dict[str, Any], submit: bool = True
) -> Any:
    body = {"answers": answers, "submit": submit}
    return client.post(f"/v1/questionnaires/{qid}/replies", json=body, headers=who.headers)


def link(client: TestClient, room: Room, qid: int, **body: Any) -> dict[str, Any]:
    return ok(  # type: ignore[no-any-return]
        client.post(f"/v1/questionnaires/{qid}/links", json=body, headers=room.secretariat.headers),
        201,
    )


def all_replies(
    client: TestClient, qid: int, headers: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    return ok(client.get(f"/v1/questionnaires/{qid}/replies?limit=500", headers=headers or {}))[  # type: ignore[no-any-return]
        "items"
    ]


def is_problem(response: Any, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/problem+json")
    problem: dict[str, Any] = response.json()
    assert problem["type"] == f"urn:plenary:problem:{slug}", problem
    return problem
