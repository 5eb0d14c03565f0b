"""The README's curl tour and Python example, run verbatim against `plenary serve --demo`.

A newcomer copies these blocks after the first set-up command; if they drift from the API,
this test fails instead of the newcomer."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.server import free_port

ROOT = Path(__file__).resolve().parents[2]


def readme_block(section: str, language: str) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index(f"## {section}")
    match = re.compile(rf"```{language}\n(.*?)```\n", re.S).search(readme, start)
    assert match, f"no {language} block under {section!r}"
    return match.group(1)


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """`plenary serve --demo` in a fresh directory, as the README's first command runs it."""
    directory = tmp_path_factory.mktemp("demo")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLENARY_")}
    env["PYTHONPATH"] = str(ROOT)
    port = free_port()
    log = (directory / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--demo", "--port", str(port)],
        cwd=directory,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 180  # the first start on a machine builds the year
        while True:
            assert process.poll() is None, (directory / "serve.log").read_text()
            # The port was free when picked, not reserved: while the year is built another
            # test's server may take it and answer /healthz. Ours says it bound the port.
            ours = f"running on http://127.0.0.1:{port}" in (directory / "serve.log").read_text()
            try:
                if ours and httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).is_success:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the demo server did not start"
            time.sleep(0.2)
        yield directory
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def run_in_demo(demo_dir: Path, script: str, *, shell: bool) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLENARY_")}
    env["PYTHONPATH"] = str(ROOT)
    if shell:
        command = ["bash", "-euo", "pipefail", "-c", script]
    else:
        (demo_dir / "example.py").write_text(script, encoding="utf-8")
        command = ["bash", "-c", f". ./plenary-demo.env && {sys.executable} example.py"]
    return subprocess.run(
        command, cwd=demo_dir, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_demo_writes_its_env_file_for_the_owner_only(demo_dir: Path) -> None:
    env_file = demo_dir / "plenary-demo.env"
    assert env_file.stat().st_mode & 0o077 == 0
    names = re.findall(r"^export (\w+)=", env_file.read_text(), re.M)
    assert {"PLENARY_URL", "API", "ADMIN", "CHAIR", "SEC", "MEMBER", "OBSERVER"} <= set(names)


def test_the_curl_tour_runs_verbatim(demo_dir: Path) -> None:
    result = run_in_demo(demo_dir, readme_block("A short tour with curl", "sh"), shell=True)
    assert result.returncode == 0, result.stderr
    assert 'In paragraph 1, after \\"in November 2004\\" insert' in result.stdout
    assert '"status":"adopted"' in result.stdout
    exported = (demo_dir / "report.html").read_text(encoding="utf-8")
    assert "in November 2004 and in June 2005" in exported
    assert "draft working paper" in exported  # the disclaimer while drafting


def test_the_python_example_runs_verbatim(demo_dir: Path) -> None:
    result = run_in_demo(demo_dir, readme_block("Python client and CLI", "python"), shell=False)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == 'In paragraph 1, replace "Geneva" with "Tunis".'
    assert "The group met in Tunis." in lines
    # the adoption, then the session that decided it (decisions are taken in session)
    assert lines[-2:] == ["amendment.adopted", "session.decided"]
