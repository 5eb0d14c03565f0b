from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.server import free_port


def test_serve_demo_opens_the_year_at_the_final_night(tmp_path: Path) -> None:
    """The WGIG's year (app/demo_year/) up to the plenary at Bossey, 17 June 2005, 23:00:
    an amendment on the floor, the whole year behind it."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLENARY_")}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])  # this checkout's app
    log = tmp_path / "demo.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve", "--demo", "--port", str(port)],
            cwd=tmp_path,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 180  # the first start on a machine builds the year
        while time.monotonic() < deadline and process.poll() is None:
            try:
                if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        printed = log.read_text()
        observer = re.search(r"Observer 1\s+(plen_\S+)", printed)
        screen = re.search(r"Projection screen: (\S+)", printed)
        assert observer and screen, printed
        demo_env = (tmp_path / "plenary-demo.env").read_text()
        report = re.search(r"export DEMO_REPORT=(\d+)", demo_env)
        group = re.search(r"export DEMO_GROUP=(\d+)", demo_env)
        assert report and group and "export DEMO_REPORT_FINAL=" in demo_env
        assert screen.group(1).startswith(f"{url}/reports/{report.group(1)}/screen#token=plen_")
        headers = {"Authorization": f"Bearer {observer.group(1)}"}
        floor = httpx.get(
            f"{url}/v1/reports/{report.group(1)}/floor", headers=headers, timeout=10
        ).json()
        assert (
            floor["meeting"]["closed_at"] is None
            and floor["floor"]["amendment"]["status"] == "on_floor"
        )
        assert floor["floor"]["preview"]["applies"] and len(floor["sections"]) == 9
        assert floor["floor"]["amendment"]["proposer_id"] is None  # observers see no names
        chair = re.search(r"The Chair\s+(plen_\S+)", printed)
        assert chair
        listed = httpx.get(
            f"{url}/v1/groups/{group.group(1)}/participants",
            headers={"Authorization": f"Bearer {chair.group(1)}"},
            timeout=10,
        ).json()["items"]
        roles = [p["role"] for p in listed]
        assert (
            roles.count("chair"),
            roles.count("secretariat"),
            roles.count("member"),
            roles.count("observer"),
        ) == (1, 1, 39, 8)
        assert (tmp_path / "plenary-demo.db").exists()
        # every participant holds its own signing key, and the CLI finds the members' keys
        keys = httpx.get(
            f"{url}/v1/groups/{group.group(1)}/signing-keys?limit=500",
            headers={"Authorization": f"Bearer {chair.group(1)}"},
            timeout=10,
        ).json()["items"]
        assert len(keys) == 49 and {k["origin"] for k in keys} == {"first"}
        # the year behind it: the timeline, from the first meeting to the night at Bossey
        timeline = httpx.get(
            f"{url}/v1/groups/{group.group(1)}/timeline",
            headers={"Authorization": f"Bearer {chair.group(1)}"},
            timeout=10,
        ).json()["entries"]
        assert timeline[0]["at"].startswith("2004-11") and timeline[-1]["at"] < "2005-06-18"
        assert "timeline?format=markdown" in printed
        key_dir = re.search(r"export PLENARY_KEY_DIR=(\S+)", demo_env)
        assert key_dir and (Path(key_dir.group(1)) / "member-07.pem").is_file()
        assert oct((Path(key_dir.group(1)) / "member-07.pem").stat().st_mode)[-3:] == "600"
    finally:
        process.terminate()
        process.wait(timeout=10)
