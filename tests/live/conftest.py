"""Fixtures every browser test module shares: one Chromium per module (Debian's, driven by
Playwright: `tests/browser.py`) and axe-core's script for the accessibility checks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser import axe_script, chromium_browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from chromium_browser()


@pytest.fixture(scope="module")
def axe() -> str:
    return axe_script()
