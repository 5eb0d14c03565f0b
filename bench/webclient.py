"""python -m bench.webclient: the room's web client on the 200-section bench report, in Chromium.

Seeds the bench's report (200 sections, 40 voters; bench/seed.py) into a fresh SQLite file,
files open amendments against it through the API, starts `plenary serve` on 127.0.0.1 and
drives Debian's Chromium with Playwright. Each row is the median of fresh browser contexts:

- first render: from navigation to the room ready (`body[data-ready=yes]`: the report, the
  floor, the amendments and their margin marks drawn), signed in as a member;
- scroll to the last chapter: from `scrollIntoView` to the second animation frame after it.

The ceiling does the same in the same browser and run: a static page holding the same
report text (the same headings and paragraphs, no script) served by the same process, so
the ratio is what the client adds to painting the text. The client is measured as shipped
(sections off screen are skipped by `content-visibility: auto`) and with that switched off.
"""

from __future__ import annotations

import argparse
import html
import os
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.config import Settings  # noqa: E402
from app.migrate import upgrade  # noqa: E402
from app.wiring import open_database  # noqa: E402
from bench.seed import seed  # noqa: E402
from tests.browser import CHROMIUM, FLAGS  # noqa: E402
from tests.server import live_server  # noqa: E402

NO_SKIPPING = "#report-body > section { content-visibility: visible !important; }"


def static_page(outline: list[dict[str, Any]], sections: list[dict[str, Any]]) -> str:
    """The report's text as plain HTML: what the browser paints with no client at all."""
    depth = {entry["id"]: entry["depth"] for entry in outline}
    parts = ["<!doctype html><html lang=en><meta charset=utf-8><title>text</title><main>"]
    for section in sections:
        level = min(3 + depth.get(section["id"], 0), 6)
        title = html.escape(f"{section['label']} {section['heading']}".strip())
        parts.append(f"<section><h{level}>{title}</h{level}>")
        number = section["first_paragraph"]
        for paragraph in section["text"].split("\n\n"):
            if paragraph.strip():
                parts.append(f"<p><span>{number}.</span> {html.escape(paragraph)}</p>")
                number += 1
        parts.append("</section>")
    parts.append("</main></html>")
    return "".join(parts)


def file_amendments(base: str, token: str, report_id: int, count: int) -> None:
    """Open amendments spread over the report: each rewrites a sentence of its section."""
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        floor = client.get(f"/v1/reports/{report_id}/floor").json()
        report = client.get(f"/v1/reports/{report_id}").json()
        heads = {entry["id"]: entry["head_version"] for entry in report["outline"]}
        sections = floor["sections"]
        step = max(1, len(sections) // count)
        for section in sections[::step][:count]:
            text = section["text"]
            cut = text.find(". ")
            if cut < 0:
                continue
            proposed = "This sentence was rewritten by a member of the group" + text[cut:]
            answer = client.post(
                f"/v1/sections/{section['id']}/amendments",
                json={
                    "text": proposed,
                    "base_version": heads[section["id"]],
                    "kind": "substantive",
                },
            )
            answer.raise_for_status()


def measure(base: str, token: str, page_html: str, runs: int) -> list[tuple[str, float, float]]:
    from playwright.sync_api import sync_playwright

    results: dict[str, list[tuple[float, float]]] = {"client": [], "no-skipping": [], "text": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        for _ in range(runs):
            for variant in results:
                context = browser.new_context(viewport={"width": 1280, "height": 800})
                page = context.new_page()
                if variant == "text":
                    page.route(
                        f"{base}/bench-text",
                        lambda route: route.fulfill(
                            status=200, content_type="text/html; charset=utf-8", body=page_html
                        ),
                    )
                    page.goto(f"{base}/bench-text")
                    page.wait_for_selector("main section:last-of-type")
                    page.wait_for_function("document.readyState === 'complete'", polling="raf")
                    last = "main > section:last-of-type"
                else:
                    page.add_init_script(
                        f"sessionStorage.setItem('plenary.api', {base!r});"
                        f"sessionStorage.setItem('plenary.token', {token!r});"
                        + (
                            "document.addEventListener('DOMContentLoaded', () => {"
                            "const s = document.createElement('style');"
                            f"s.textContent = {NO_SKIPPING!r}; document.head.append(s); }});"
                            if variant == "no-skipping"
                            else ""
                        )
                    )
                    page.goto(f"{base}/app/")
                    page.wait_for_function("document.body.dataset.ready === 'yes'", polling="raf")
                    last = "#report-body > section:last-of-type"
                first = page.evaluate("performance.now()")
                scroll = page.evaluate(
                    """async (selector) => {
                      const t = performance.now();
                      document.querySelector(selector).scrollIntoView();
                      const frame = () => new Promise((r) => requestAnimationFrame(r));
                      await frame(); await frame();
                      return performance.now() - t;
                    }""",
                    last,
                )
                results[variant].append((first, scroll))
                context.close()
        browser.close()
    return [
        (
            variant,
            statistics.median(f for f, _s in samples),
            statistics.median(s for _f, s in samples),
        )
        for variant, samples in results.items()
    ]


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.webclient")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--amendments", type=int, default=40)
    options = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="plenary-webbench-"))
    url = f"sqlite:///{workdir / 'bench.db'}"
    settings = Settings(database_url=url)
    upgrade(settings)
    database = open_database(url)
    data = seed(database, voters=40, observers=5, deep=10)
    database.engine.dispose()
    env = {"PLENARY_WRITE_RATE_PER_SECOND": "100000", "PLENARY_WRITE_BURST": "100000"}
    with live_server(url, extra_env=env, log=workdir / "server.log") as server:
        file_amendments(server.url, data.members[0], data.report_id, options.amendments)
        headers = {"Authorization": f"Bearer {data.members[1]}"}
        report = httpx.get(f"{server.url}/v1/reports/{data.report_id}", headers=headers).json()
        floor = httpx.get(f"{server.url}/v1/reports/{data.report_id}/floor", headers=headers)
        sections = floor.json()["sections"]
        page_html = static_page(report["outline"], sections)
        rows = measure(server.url, data.members[1], page_html, options.runs)
    text_first, text_scroll = next((f, s) for v, f, s in rows if v == "text")
    load = os.getloadavg()[0]
    print(
        f"Web client on the 200-section bench report ({len(sections)} sections, "
        f"{sum(len(s['text']) for s in sections):,} characters, {options.amendments} open "
        f"amendments), Chromium {CHROMIUM}, median of {options.runs} fresh contexts, "
        f"load average {load:.2f}"
    )
    print(f"{'page':<34}{'first render ms':>17}{'x text':>8}{'scroll to end ms':>18}{'x text':>8}")
    names = {
        "client": "room (as shipped)",
        "no-skipping": "room, off-screen sections painted",
        "text": "the same text, static (ceiling)",
    }
    for variant, first, scroll in rows:
        print(
            f"{names[variant]:<34}{first:>17.0f}{first / text_first:>8.1f}"
            f"{scroll:>18.1f}{scroll / max(text_scroll, 0.1):>8.1f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
