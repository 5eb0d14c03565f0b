"""What lets the PostgreSQL pass of .ci/run skip a test: the `engine_independent` marker.

tests/conftest.py sets it on every test whose fixture closure lacks `database_url`, the one
fixture that reads PLENARY_TEST_DATABASE_URL. That is only sound while nothing else reads the
variable, which these tests check; and a test that takes the app is never marked."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parent.parent
READS = re.compile(r"""(environ\.get|environ\[|getenv)\(?\s*["']PLENARY_TEST_DATABASE_URL""")


def test_only_the_database_url_fixture_reads_the_engine_under_test() -> None:
    readers = [
        str(path.relative_to(ROOT))
        for folder in ("app", "bench", "tests")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if READS.search(path.read_text(encoding="utf-8"))
    ]
    assert readers == ["tests/conftest.py"]


def test_a_test_that_takes_the_app_runs_on_every_engine(
    request: pytest.FixtureRequest, client: TestClient
) -> None:
    assert request.node.get_closest_marker("engine_independent") is None


def test_a_test_without_the_database_runs_on_one_engine(request: pytest.FixtureRequest) -> None:
    assert request.node.get_closest_marker("engine_independent") is not None
