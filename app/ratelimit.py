"""Per-token rate limit on writes: a token bucket per caller, in this process."""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

from fastapi import Request

from app.auth import OptionalPrincipal, Principal
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


class FailureLimiter:
    """A bucket per key that failures drain: `burst` of them at once, then `per_second`."""

    MAX_KEYS = 10_000

    def __init__(self, *, per_second: float, burst: int) -> None:
        self.per_second = per_second
        self.burst = burst
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def _refilled(self, key: str, now: float) -> _Bucket | None:
        bucket = self._buckets.get(key)
        if bucket is not None:
            bucket.tokens = min(
                float(self.burst), bucket.tokens + (now - bucket.updated) * self.per_second
            )
            bucket.updated = now
        return bucket

    def blocked_for(self, key: str) -> float:
        """0 when the key may try again, else the seconds until it may."""
        with self._lock:
            bucket = self._refilled(key, time.monotonic())
            if bucket is None or bucket.tokens >= 1.0:
                return 0.0
            return (1.0 - bucket.tokens) / self.per_second

    def record_failure(self, key: str) -> None:
        now = time.monotonic()
        with self._lock:
            bucket = self._refilled(key, now)
            if bucket is None:
                if len(self._buckets) >= self.MAX_KEYS:
                    self._forget_refilled(now)
                bucket = self._buckets[key] = _Bucket(tokens=float(self.burst), updated=now)
            bucket.tokens = max(0.0, bucket.tokens - 1.0)

    def _forget_refilled(self, now: float) -> None:
        """Keys whose bucket is full again are the same as keys never seen."""
        for key in list(self._buckets):
            bucket = self._refilled(key, now)
            if bucket is not None and bucket.tokens >= self.burst:
                del self._buckets[key]


_TAKEN = "write_rate_taken"


def take_write(request: Request, principal: Principal) -> None:
    """One write of `principal`'s rate, once per request (429 when its bucket is empty)."""
    if getattr(request.state, _TAKEN, False):
        return  # taken already, before the request's prepare step
    setattr(request.state, _TAKEN, True)
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


async def limit_writes(request: Request, principal: OptionalPrincipal) -> None:
    if principal is None:
        return  # unauthenticated writes are refused anyway
    take_write(request, principal)
