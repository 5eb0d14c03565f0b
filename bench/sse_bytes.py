"""What the fan-out ceilings change in plenary's message bytes before sending them: each
message's `created_at`, set to the moment of publishing, so that the client measures the
ceiling's lag as it measures plenary's. Nothing else, and not the length (a test holds it)."""

from __future__ import annotations

import re

_CREATED_AT = re.compile(rb'"created_at":"[^"]*"')


def stamped(body: bytes, stamp: bytes) -> bytes:
    """Each message of `body` with its (first) `created_at` set to `stamp`."""
    messages = body.split(b"\n\n")
    fresh = b'"created_at":"' + stamp + b'"'
    return b"\n\n".join(_CREATED_AT.sub(fresh, m, count=1) for m in messages)
