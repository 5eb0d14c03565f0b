"""Headless Chromium for browser tests: Debian's /usr/bin/chromium, driven by Playwright
(never a browser Playwright downloads). Without them a browser test skips and says why,
unless PLENARY_REQUIRE_BROWSER=1 (CI sets it: there, a missing browser is a failure)."""

from __future__ import annotations

import importlib.util
import os
import shutil

import pytest

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]


def chromium_or_skip() -> str:
    """The Chromium executable, or a skip (a failure when the browser is required)."""
    missing = None
    if importlib.util.find_spec("playwright") is None:
        missing = "Playwright is not installed (pip install -e '.[dev]')"
    elif shutil.which(CHROMIUM) is None:
        missing = f"Chromium is not at {CHROMIUM} (apt-get install chromium)"
    if missing is None:
        return CHROMIUM
    if os.environ.get("PLENARY_REQUIRE_BROWSER") == "1":
        pytest.fail(f"PLENARY_REQUIRE_BROWSER=1 but {missing}")
    pytest.skip(missing)
