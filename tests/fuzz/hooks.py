"""schemathesis hooks for plenary: one check of our own on top of the built-in ones."""

from __future__ import annotations

import itertools
import json
import os
from typing import Any

import schemathesis


@schemathesis.check
def problem_details(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every error is RFC 9457 problem+json whose `status` is the HTTP status."""
    if response.status_code < 400:
        return None
    media_type = response.headers.get("content-type", [""])[0].split(";")[0].strip()
    if media_type != "application/problem+json":
        raise AssertionError(
            f"{response.status_code} answered as {media_type!r}, not application/problem+json"
        )
    body = json.loads(response.content)
    missing = {"type", "title", "status", "detail"} - set(body)
    if missing:
        raise AssertionError(f"problem body lacks {sorted(missing)}: {body}")
    if body["status"] != response.status_code:
        raise AssertionError(f"problem status {body['status']} != HTTP {response.status_code}")
    if not str(body["type"]).startswith("urn:plenary:problem:"):
        raise AssertionError(f"unstable problem type {body['type']!r}")
    return None


_calls = itertools.count()


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: Any) -> None:
    """Keep the fuzzer's own token alive: revoking it would turn the rest of the run into 401s.
    Revoking one's own token is tested in tests/groups.

    And make each generated Idempotency-Key unique: the generator sends "0" with many bodies,
    and a key reused with another body is refused (422) by design (tests/test_idempotency.py
    covers replays and reuse)."""
    headers = case.headers or {}
    key = headers.get("Idempotency-Key")
    if isinstance(key, str) and key and key.isascii() and key.isprintable():
        headers["Idempotency-Key"] = f"{key[:180]}-{next(_calls)}"
    keep = os.environ.get("PLENARY_FUZZ_KEEP_TOKEN_ID")
    if (
        keep
        and case.method.upper() == "DELETE"
        and case.operation.path == "/v1/tokens/{token_id}"
        and str((case.path_parameters or {}).get("token_id")) == keep
    ):
        case.path_parameters["token_id"] = 2**31 - 1


def _word_file() -> bytes:
    """A small real Word file, so the DOCX import is fuzzed past its first check too."""
    import io

    import docx

    document = docx.Document()
    document.add_paragraph("Fuzzed report", style="Title")
    document.add_heading("I. Introduction", level=1)
    document.add_paragraph("The group met.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _register_word_bodies() -> None:
    from hypothesis import strategies as st

    from app.client import DOCX_MEDIA

    schemathesis.openapi.media_type(
        DOCX_MEDIA, st.one_of(st.just(_word_file()), st.binary(max_size=4096))
    )


_register_word_bodies()
