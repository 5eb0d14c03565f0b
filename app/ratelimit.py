"""Per-token rate limit on writes: a token bucket per caller, in this process."""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

from fastapi import Request

from app.auth import OptionalPrincipal
from app.errors import AppError


class TooManyRequests(AppError):
    status, slug, title = 429, "rate-limited", "Too many writes"


@dataclass
class _Bucket:
    tokens: float
    updated: float


class WriteLimiter:
    def __init__(self, *, per_second: float, burst: int) -> None:
        self.per_second = per_second
        self.burst = burst
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """0 when the write may go ahead, else the seconds until it may."""
        if self.per_second <= 0:
            return 0.0
        now = time.monotonic()
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = _Bucket(tokens=float(self.burst), updated=now)
            bucket.tokens = min(
                float(self.burst), bucket.tokens + (now - bucket.updated) * self.per_second
            )
            bucket.updated = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0.0
            return (1.0 - bucket.tokens) / self.per_second


async def limit_writes(request: Request, principal: OptionalPrincipal) -> None:
    if principal is None:
        return  # unauthenticated writes are refused anyway
    limiter: WriteLimiter = request.app.state.write_limiter
    key = f"token:{principal.token_id}" if principal.token_id is not None else "admin-setting"
    wait = limiter.take(key)
    if wait > 0:
        seconds = max(1, math.ceil(wait))
        raise TooManyRequests(
            f"Too many writes with this token; retry in {seconds} s.",
            headers={"Retry-After": str(seconds)},
            retry_after=seconds,
        )
