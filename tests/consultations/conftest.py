from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI

from app.consultations.limits import PUBLIC_BURST, PUBLIC_PER_MINUTE
from tests.consultations.helpers import public_limit


@pytest.fixture(autouse=True)
def _fresh_address_limit(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test starts with the default per-address budget (the app outlives tests, and
    all test requests come from one address)."""
    if "app" not in request.fixturenames:
        yield
        return
    app: FastAPI = request.getfixturevalue("app")
    with public_limit(app, per_second=PUBLIC_PER_MINUTE / 60, burst=PUBLIC_BURST):
        yield
