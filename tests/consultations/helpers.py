"""Building consultation rounds through the HTTP API."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from app import clock
from app.consultations.limits import LIMITER
from app.ratelimit import WriteLimiter
from tests.factories import Person, Room, ok


def in_days(days: float) -> datetime:
    return datetime.now(UTC) + timedelta(days=days)


def open_round(
    client: TestClient,
    room: Room,
    rid: int,
    *,
    audiences: tuple[str, ...] = ("members", "observers", "public"),
    moderated: bool = False,
    days: float = 14,
    **fields: Any,
) -> dict[str, Any]:
    body = {
        "title": "Draft working paper on Internet governance",
        "closes_at": in_days(days).isoformat(),
        "audiences": list(audiences),
        "moderated": moderated,
        **fields,
    }
    return ok(  # type: ignore[no-any-return]
        client.post(
            f"/v1/reports/{rid}/consultations", json=body, headers=room.secretariat.headers
        ),
        201,
    )


def comment(
    client: TestClient, who: Person, cid: int, body: str, expect: int = 201, **anchor: Any
) -> dict[str, Any]:
    response = client.post(
        f"/v1/consultations/{cid}/comments",
        json={"body": body, "anchor": anchor},
        headers=who.headers,
    )
    assert response.status_code == expect, response.text
    return response.json()  # type: ignore[no-any-return]


def public_comment(
    client: TestClient, cid: int, expect: int = 201, **fields: Any
) -> dict[str, Any]:
    body = {
        "name": "A. Person",
        "organisation": "",
        "category": "individual",
        "body": "A comment.",
        **fields,
    }
    response = client.post(f"/v1/consultations/{cid}/public-comments", json=body)
    assert response.status_code == expect, response.text
    return response.json()  # type: ignore[no-any-return]


def all_comments(
    client: TestClient, cid: int, headers: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    after = 0
    while True:
        page = ok(
            client.get(
                f"/v1/consultations/{cid}/comments?after={after}&limit=7", headers=headers or {}
            )
        )
        items.extend(page["items"])
        if page["next"] is None:
            return items
        after = page["next"]


@contextmanager
def clock_at(app: FastAPI, moment: datetime) -> Iterator[None]:
    """Requests see `moment` as the time (the `Now` dependency of app/clock.py)."""
    app.dependency_overrides[clock.utcnow] = lambda: moment
    try:
        yield
    finally:
        app.dependency_overrides.pop(clock.utcnow, None)


@contextmanager
def public_limit(app: FastAPI, *, per_second: float, burst: int) -> Iterator[None]:
    previous = getattr(app.state, LIMITER, None)
    setattr(app.state, LIMITER, WriteLimiter(per_second=per_second, burst=burst))
    try:
        yield
    finally:
        setattr(app.state, LIMITER, previous)
