"""Contract fuzzing: schemathesis against a live plenary on 127.0.0.1, in CI.

    python -m tests.fuzz [--database URL] [--max-time SECONDS]

Seeds the demo room (a 40-member group, the WGIG report, a meeting with an amendment on the
floor) into a fresh database, serves it, and runs every schemathesis phase (examples, coverage,
fuzzing, stateful) as the chair, with every built-in check plus `problem_details`
(tests/fuzz/hooks.py). Exits with schemathesis's status: non-zero on any
finding. The live stream is left out: it never ends, and tests/live covers it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from sqlalchemy import select

from app.auth import hash_token
from app.groups.models import Token
from app.wiring import open_database
from tests.server import live_server, seed_demo

HERE = Path(__file__).resolve().parent
# Every check runs: schemathesis enables every built-in check and ours (`problem_details`,
# hooks.py) by default. Not `--checks all`: a check named on the command line is enabled for
# every operation, over the per-operation exceptions of schemathesis.toml.


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz")
    parser.add_argument("--database", help="an empty database (default: a fresh SQLite file)")
    parser.add_argument("--max-time", type=int, default=120, help="schemathesis budget, seconds")
    parser.add_argument("--seed", help="replay a run with schemathesis's seed")
    options = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="plenary-fuzz-"))
    url = options.database or f"sqlite:///{workdir / 'fuzz.db'}"
    room = seed_demo(url)
    chair_token = room.tokens["The Chair"]
    database = open_database(url)
    with database.session() as session:
        keep = session.scalar(select(Token.id).where(Token.token_hash == hash_token(chair_token)))
    database.dispose()
    env = {
        # The fuzzer writes far faster than a person; the limiter has its own tests.
        "PLENARY_WRITE_RATE_PER_SECOND": "100000",
        "PLENARY_WRITE_BURST": "100000",
        "PLENARY_AUTH_FAILURE_RATE_PER_SECOND": "0",
    }
    log = workdir / "server.log"
    with live_server(url, extra_env=env, log=log) as server:
        command = [
            "st",
            "--config-file",
            str(HERE / "schemathesis.toml"),
            "run",
            f"{server.url}/openapi.json",
            "--phases",
            "examples,coverage,fuzzing,stateful",
            "--max-time",
            str(options.max_time),
            # One worker: with two, CPython 3.11's ast.parse (used by hypothesis to describe
            # filters) sometimes fails with "AST constructor recursion depth mismatch".
            "--workers",
            "1",
            "--request-timeout",
            "30",
            "--exclude-path-regex",
            "/stream$",
            "--no-color",
        ]
        if options.seed:
            command += ["--seed", options.seed]
        fuzzer_env = {
            **os.environ,
            "SCHEMATHESIS_HOOKS": "tests.fuzz.hooks",
            "PLENARY_FUZZ_KEEP_TOKEN_ID": str(keep),
            "PLENARY_FUZZ_TOKEN": chair_token,  # schemathesis.toml: [auth.openapi.HTTPBearer]
        }
        code = subprocess.run(command, env=fuzzer_env).returncode
    server_log = log.read_text(errors="replace")
    tracebacks = server_log.count("Traceback")
    if tracebacks:
        print(f"the server log has {tracebacks} tracebacks: {log}")
        for summary in _distinct_errors(server_log):
            print(summary)
        return code or 1
    if code:
        print(f"the server log is kept: {log}")  # the requests before a finding
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    return code


def _distinct_errors(server_log: str) -> list[str]:
    """Each distinct server error in a few lines: the app's frames, the exception, the request
    that met it. CI prints only the end of the logs, and the server log dies with the machine."""
    summaries: dict[str, str] = {}
    lines = server_log.splitlines()
    for start, line in enumerate(lines):
        if not line.startswith("Traceback"):
            continue
        end = start + 1
        while end < len(lines) and lines[end].startswith((" ", "\t")):
            end += 1
        frames = [
            f.strip() for f in lines[start:end] if "/app/" in f and f.strip().startswith("File")
        ]
        error = lines[end][:300] if end < len(lines) else "?"
        if "direct cause of the following" in "".join(lines[end : end + 3]):
            continue  # the chained traceback that follows names the request's frames
        request = next(
            (later[:300] for later in lines[end : end + 40] if '" 500 ' in later), "request: ?"
        )
        summaries.setdefault(error, "\n".join(["--", *frames[-6:], error, request]))
    return list(summaries.values())


if __name__ == "__main__":
    sys.exit(main())
