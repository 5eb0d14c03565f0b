"""Per-token rate limit on writes: a token bucket per caller, in this process.

A token's bucket is named by the hash of its secret (`write_key`), so the ASGI layer finds it
from the Authorization header alone (`middleware.WriteRateLimit`): a token over its rate gets
its 429 before its body is read, and that check takes nothing from the bucket. The request's
own write is taken once its token is resolved (`take_write`)."""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

from fastapi import Request

from app.auth import OptionalPrincipal, Principal, bearer_secret, hash_token
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
            self._refill(bucket, now)
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0.0
            return (1.0 - bucket.tokens) / self.per_second

    def spent_for(self, key: str) -> float:
        """As `take`, without taking: 0 when a write may go ahead (or the key has no bucket
        yet), else the seconds until it may."""
        if self.per_second <= 0:
            return 0.0
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                return 0.0
            self._refill(bucket, time.monotonic())
            return 0.0 if bucket.tokens >= 1.0 else (1.0 - bucket.tokens) / self.per_second

    def _refill(self, bucket: _Bucket, now: float) -> None:
        bucket.tokens = min(
            float(self.burst), bucket.tokens + (now - bucket.updated) * self.per_second
        )
        bucket.updated = now


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


def write_key(authorization: str | None) -> str | None:
    """The bucket of the token an Authorization header carries (None: no bearer token). The
    secret is read as `auth.principal_from_header` reads it, so no spelling of the header
    gives one token a second bucket."""
    secret = bearer_secret(authorization)
    return None if secret is None else "token:" + hash_token(secret)


def too_many_writes(wait: float) -> TooManyRequests:
    seconds = max(1, math.ceil(wait))
    return TooManyRequests(
        f"Too many writes with this token; retry in {seconds} s.",
        headers={"Retry-After": str(seconds)},
        retry_after=seconds,
    )


def take_write(request: Request, principal: Principal) -> None:
    """One write of `principal`'s rate, once per request (429 when its bucket is empty)."""
    if getattr(request.state, _TAKEN, False):
        return  # taken already, before the request's prepare step
    setattr(request.state, _TAKEN, True)
    limiter: WriteLimiter = request.app.state.write_limiter
    key = write_key(request.headers.get("authorization")) or f"token-id:{principal.token_id}"
    wait = limiter.take(key)
    if wait > 0:
        raise too_many_writes(wait)


async def limit_writes(request: Request, principal: OptionalPrincipal) -> None:
    if principal is None:
        return  # unauthenticated writes are refused anyway
    take_write(request, principal)
