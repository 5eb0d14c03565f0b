"""The public form's guards, applied before anything is parsed or stored: a small body, a
rate per address, plain text only, and a honeypot field."""

from __future__ import annotations

import math
import re
from typing import Any

from fastapi import Request

from app.consultations.errors import SuspectedSpam, TooManyComments
from app.errors import PayloadTooLarge, Unprocessable
from app.ratelimit import WriteLimiter

MAX_PUBLIC_BODY_BYTES = 16 * 1024
# A person writes a few comments in a sitting; a script writes hundreds.
PUBLIC_PER_MINUTE = 6.0
PUBLIC_BURST = 10
LIMITER = "public_comment_limiter"
# Public comments are plain text. Anything that would open markup (a tag, a comment, a
# script URL) or hide text (control characters) is refused outright rather than cleaned:
# the commenter learns at once, and nothing half-sanitised is ever stored.
_MARKUP = re.compile(r"<[a-zA-Z/!?]|javascript\s*:|data\s*:\s*text/html", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def limiter_of(request: Request) -> WriteLimiter:
    """One bucket per client address, in this process (replaced by tests that flood)."""
    limiter: WriteLimiter | None = getattr(request.app.state, LIMITER, None)
    if limiter is None:
        limiter = WriteLimiter(per_second=PUBLIC_PER_MINUTE / 60, burst=PUBLIC_BURST)
        setattr(request.app.state, LIMITER, limiter)
    return limiter


async def guard_public_form(request: Request) -> None:
    """A route dependency of the public form."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_PUBLIC_BODY_BYTES:
        raise _too_large()
    if len(await request.body()) > MAX_PUBLIC_BODY_BYTES:
        raise _too_large()
    address = request.client.host if request.client else "unknown"
    wait = limiter_of(request).take(f"address:{address}")
    if wait > 0:
        seconds = max(1, math.ceil(wait))
        raise TooManyComments(
            f"Too many comments from this address; retry in {seconds} s.",
            headers={"Retry-After": str(seconds)},
            retry_after=seconds,
        )


def _too_large() -> PayloadTooLarge:
    return PayloadTooLarge(
        f"A public comment is at most {MAX_PUBLIC_BODY_BYTES} bytes.",
        max_bytes=MAX_PUBLIC_BODY_BYTES,
    )


def check_plain_text(fields: dict[str, Any], *, honeypot: str) -> None:
    if honeypot.strip():
        raise SuspectedSpam("The submission filled a field people never see; it was not stored.")
    for name, value in fields.items():
        if not isinstance(value, str):
            continue
        if _MARKUP.search(value):
            raise Unprocessable(
                f"`{name}` looks like markup or a script; comments are plain text.", field=name
            )
        if _CONTROL.search(value):
            raise Unprocessable(f"`{name}` holds control characters.", field=name)
