"""Idempotency-Key on every POST: a retried request gets the first answer, never a second effect.

The key is scoped to the caller's token and the request path. A placeholder row is written
in the request's own transaction before the endpoint runs; the route class fills in the
answer just before that transaction commits, so only committed outcomes are ever replayed.
A duplicate sent while the first request still runs gets 409 `idempotency-key-in-use` with
Retry-After (the Python client waits and sends it again, then gets the replay): within a
process the route sees the key in flight before the request waits for anything; across
PostgreSQL processes a transaction-scoped advisory lock on the key says the same.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Coroutine
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import Depends, Header, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials
from sqlalchemy import JSON, Integer, String, Text, UniqueConstraint, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column
from starlette.concurrency import run_in_threadpool
from starlette.convertors import Convertor, register_url_convertor

from app.auth import OptionalPrincipal, Principal, bearer_scheme
from app.clock import utcnow
from app.db import Base, SessionDep, end_transaction
from app.errors import (
    PROBLEM_MEDIA_TYPE,
    PROBLEM_TYPE_PREFIX,
    IdempotencyKeyInUse,
    InvalidIdempotencyKey,
    Unprocessable,
)
from app.preparing import (
    Caller,
    deferred_caller,
    defers_caller,
    prepare_step,
    refused_caller_first,
)
from app.ratelimit import limit_writes

REPLAYED_HEADER = "Idempotent-Replayed"
REPLAYED_HEADERS = ("location", "etag")  # a replay carries them as the first answer did
# Printable ASCII, as in the IETF draft (an sf-string). Other control characters never get
# here (the HTTP parser refuses them: app/http_protocol.py); a tab does.
KEY_PATTERN = r"^[\x20-\x7E]+$"
_PRINTABLE = re.compile(KEY_PATTERN)


class IdempotencyRecord(Base):
    __tablename__ = "idempotency_key"
    __table_args__ = (UniqueConstraint("principal_key", "route", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    principal_key: Mapped[str] = mapped_column(String(64))
    route: Mapped[str] = mapped_column(String(300))
    key: Mapped[str] = mapped_column(String(200))
    body_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer, default=0)
    response_body: Mapped[str] = mapped_column(Text, default="")
    # Location and ETag of the first answer, so a replay says the same.
    response_headers: Mapped[dict[str, str] | None] = mapped_column(JSON, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class IdempotentReplay(Exception):
    def __init__(self, record: IdempotencyRecord) -> None:
        super().__init__("replay")
        self.status_code = record.status_code
        self.body = record.response_body
        self.headers = dict(record.response_headers or {})


def replay_response(replay: IdempotentReplay) -> Response:
    return Response(
        content=replay.body,
        status_code=replay.status_code,
        media_type=PROBLEM_MEDIA_TYPE if replay.status_code >= 400 else "application/json",
        headers={**replay.headers, REPLAYED_HEADER: "true"},
    )


def _mark_secret_answer(request: Request) -> None:
    request.state.answer_has_secret = True


# On a route whose answer shows a secret once (a token, an invitation code, a webhook's
# secret, a stream ticket): the answer is never stored for replay, since a replay would show
# the secret again and the record would keep in clear what its own table keeps as a hash (or
# shows once). A retry with the same key still has no second effect; it gets 409
# secret-not-replayed instead of the secret.
SecretAnswer = Depends(_mark_secret_answer)
SECRET_NOT_REPLAYED = json.dumps(
    {
        "type": PROBLEM_TYPE_PREFIX + "secret-not-replayed",
        "title": "The first answer showed a secret once and is not replayed",
        "status": 409,
        "detail": "A request with this Idempotency-Key succeeded; its answer carried a secret "
        "(a token, an invitation code, a webhook's secret or a stream ticket), shown once and "
        "not kept. If it was lost, revoke or delete what was created and make another (a lost "
        "stream ticket simply expires: ask for a new one).",
    }
)


def _principal_key(principal: Principal) -> str:
    return f"token:{principal.token_id}" if principal.token_id is not None else "admin-setting"


async def _body_hash(request: Request) -> str:
    """What a retry must repeat: the body, and the query when there is one (the Word import
    takes its title there), so the same key with another query is refused, not replayed."""
    digest = hashlib.sha256(await request.body())
    if request.url.query:
        digest.update(b"?" + request.url.query.encode())
    return digest.hexdigest()


def _find(session: Session, scope: tuple[str, str, str]) -> IdempotencyRecord | None:
    principal_key, route, key = scope
    return session.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.principal_key == principal_key,
            IdempotencyRecord.route == route,
            IdempotencyRecord.key == key,
        )
    )


def _check(record: IdempotencyRecord, body_hash: str) -> None:
    if record.body_hash != body_hash:
        raise Unprocessable(
            "This Idempotency-Key was already used with a different request body.",
        )
    if record.status_code == 0:
        raise _in_use()
    raise IdempotentReplay(record)


def _in_use() -> IdempotencyKeyInUse:
    return IdempotencyKeyInUse(
        "A request with this Idempotency-Key is still running; send it again shortly to get "
        "its answer.",
        headers={"Retry-After": "1"},
    )


def _advisory_key(scope: tuple[str, str, str]) -> int:
    digest = hashlib.sha256("\x1f".join(scope).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _in_flight_identity(request: Request) -> tuple[str, str, str] | None:
    """The token (hashed), route and key of a POST that carries both, as seen before any
    dependency runs."""
    key = request.headers.get("idempotency-key")
    authorization = request.headers.get("authorization")
    if not key or not authorization:
        return None
    token = hashlib.sha256(authorization.encode("utf-8", "surrogateescape")).hexdigest()
    return token, f"{request.method} {request.url.path}", key


IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=200,
        description="Retry-safe POST: the same key and body replay the first answer "
        "(printable ASCII, else 400 invalid-idempotency-key)",
        json_schema_extra={"pattern": KEY_PATTERN},
    ),
]


async def claim_key(
    request: Request,
    session: SessionDep,
    principal: OptionalPrincipal,
    idempotency_key: IdempotencyKey = None,
) -> None:
    if idempotency_key is None or principal is None:
        return  # without a key, no hop to the threadpool (and the body is not hashed)
    body_hash = await _body_hash(request)
    await run_in_threadpool(_claim, request, session, principal, body_hash, idempotency_key)


async def deferred_caller_claiming(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    idempotency_key: IdempotencyKey = None,
) -> Caller:
    """The caller of an endpoint that resolves it itself (`preparing.Caller`), and its
    Idempotency-Key claimed: with a key, the caller is resolved (and its write taken) in the
    claim's thread, before the claim, as the rate limit comes before the claim on other
    routes. One dependency for both: FastAPI solves a dependency's own dependencies again
    wherever it is named, cached or not."""
    caller = deferred_caller(request, session, credentials)
    if idempotency_key is None:
        return caller
    body_hash = await _body_hash(request)

    def claim(key: str) -> None:
        _claim(request, session, caller.resolve(), body_hash, key)

    await run_in_threadpool(claim, idempotency_key)
    return caller


DeferredCaller = Annotated[Caller, Depends(deferred_caller_claiming)]
"""The caller of a POST endpoint that resolves it itself, as its first step, in its own thread
(`preparing.prepared_by(..., defers_caller=True)` or `preparing.resolves_its_caller`)."""


def _claim(
    request: Request, session: Session, principal: Principal, body_hash: str, idempotency_key: str
) -> None:
    scope = (
        _principal_key(principal),
        f"{request.method} {request.url.path}"[:300],
        idempotency_key,
    )
    if session.get_bind().dialect.name == "postgresql":
        # Held until this transaction ends: another process's duplicate sees it at once.
        taken = session.scalar(select(func.pg_try_advisory_xact_lock(_advisory_key(scope))))
        if not taken:
            raise _in_use()
    now = utcnow()
    existing = _find(session, scope)
    if existing is not None:
        if existing.expires_at > now:
            _check(existing, body_hash)
        session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id == existing.id))
    ttl = timedelta(hours=request.app.state.settings.idempotency_ttl_hours)
    record = IdempotencyRecord(
        principal_key=scope[0],
        route=scope[1],
        key=scope[2],
        body_hash=body_hash,
        expires_at=now + ttl,
    )
    try:
        with session.begin_nested():
            session.add(record)
    except IntegrityError:
        # A concurrent request with this key committed first (we waited on its index entry).
        winner = _find(session, scope)
        if winner is None:
            raise
        _check(winner, body_hash)
    request.state.idempotency = record


def _complete(
    session: Session, record: IdempotencyRecord, response: Response, *, secret: bool
) -> None:
    if 200 <= response.status_code < 300 and secret:
        record.status_code = 409
        record.response_body = SECRET_NOT_REPLAYED
    elif 200 <= response.status_code < 300:
        record.status_code = response.status_code
        record.response_body = bytes(response.body).decode("utf-8")
        kept = {n: response.headers[n] for n in REPLAYED_HEADERS if n in response.headers}
        record.response_headers = kept or None
    else:
        session.delete(record)
    session.flush()


def answered(request: Request, response: Response) -> Response:
    """A sync write endpoint's last step, in its own thread, once its answer is made: the
    Idempotency-Key's record takes the answer and the transaction commits here, instead of
    in two more thread hops after the endpoint returns (the route class then has nothing to
    complete). Only for an endpoint that returns a `Response` it made itself."""
    record: IdempotencyRecord | None = getattr(request.state, "idempotency", None)
    if record is not None:
        secret = bool(getattr(request.state, "answer_has_secret", False))
        _complete(request.state.session, record, response, secret=secret)
        request.state.idempotency = None
    end_transaction(request)
    return response


WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class _IdConvertor(Convertor[str]):
    """A path segment that can be an id: digits, perhaps signed. The text goes on to the
    endpoint's validation (so -1 or 2**63 is a 422 there); a word never matches, so
    `/v1/invitations/redeem` is that path's, never `/v1/invitations/{invitation_id}`'s
    (DELETE on it is a 405, not a 422 for an id "redeem")."""

    regex = "[-+]?[0-9]+"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return str(value)


register_url_convertor("id", _IdConvertor())


_ID_SEGMENT = re.compile(r"\{(\w+_id|number)\}")


class IdempotentRoute(APIRoute):
    """Every write route: the per-token rate limit, and Idempotency-Key handling on POSTs.
    Its `{..._id}` and `{number}` path segments match numbers only (_IdConvertor)."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        path = _ID_SEGMENT.sub(r"{\1:id}", path)
        methods = {m.upper() for m in kwargs.get("methods") or []}
        # An endpoint that resolves its caller itself takes its write from the rate there
        # (`preparing.Caller`): no dependency asks for the caller in a thread hop of its own.
        deferred = defers_caller(endpoint)
        extra = []
        # A write's place in the write queue is taken with its session (`db.get_session`).
        if methods & WRITE_METHODS and not deferred:
            extra.append(Depends(limit_writes))
        if "POST" in methods and not deferred:  # else its caller's dependency claims the key
            extra.append(Depends(claim_key))
        if extra:
            kwargs["dependencies"] = [*(kwargs.get("dependencies") or []), *extra]
        super().__init__(path, endpoint, **kwargs)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            key = request.headers.get("idempotency-key")
            if key is not None and request.method == "POST" and not _PRINTABLE.match(key):
                raise InvalidIdempotencyKey(
                    "An Idempotency-Key is printable ASCII: no tabs or other control "
                    "characters, nothing beyond ASCII."
                )
            identity = _in_flight_identity(request) if request.method == "POST" else None
            if identity is None:
                return await run(request)
            in_flight: set[tuple[str, str, str]] = request.app.state.idempotency_in_flight
            if identity in in_flight:
                raise _in_use()
            in_flight.add(identity)
            try:
                return await run(request)
            finally:
                in_flight.discard(identity)

        step = prepare_step(self.endpoint)
        deferred = defers_caller(self.endpoint)

        async def run(request: Request) -> Response:
            if step is not None and request.app.state.settings.prepare_writes:
                await step[0](request, step[1])  # checks its caller first
            try:
                response = await handler(request)
            except RequestValidationError:
                if deferred:
                    # No dependency resolved the caller (the endpoint would have): a bad
                    # token or a spent rate still answers first (401, 429), then the 422.
                    await run_in_threadpool(refused_caller_first, request)
                raise
            # Still inside the request's transaction: the session commits after this returns.
            record: IdempotencyRecord | None = getattr(request.state, "idempotency", None)
            session: Session | None = getattr(request.state, "session", None)
            if record is not None and session is not None:
                secret = bool(getattr(request.state, "answer_has_secret", False))
                await run_in_threadpool(_complete, session, record, response, secret=secret)
            return response

        return handle
