"""Headless Chromium for browser tests: Debian's /usr/bin/chromium, driven by Playwright
(never a browser Playwright downloads). Without them a browser test skips and says why,
unless PLENARY_REQUIRE_BROWSER=1 (CI sets it: there, a missing browser is a failure)."""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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


AXE = Path(__file__).resolve().parent.parent / ".ci" / "node" / "node_modules" / "axe-core"


def chromium_browser() -> Iterator[Any]:
    """Debian's Chromium launched by Playwright, for a module's browser fixture
    (`yield from chromium_browser()`); closed when the module is done."""
    executable = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=FLAGS)
        try:
            yield launched
        finally:
            launched.close()


def axe_script() -> str:
    """axe-core's script for accessibility checks, or a skip (a failure when required)."""
    script = AXE / "axe.min.js"
    if script.exists():
        return script.read_text(encoding="utf-8")
    why = f"axe-core is not at {script} (npm install --prefix .ci/node axe-core@4.14.1, as .ci/run does)"
    if os.environ.get("PLENARY_REQUIRE_BROWSER") == "1":
        pytest.fail(f"PLENARY_REQUIRE_BROWSER=1 but {why}")
    pytest.skip(why)
