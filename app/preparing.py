"""A write's prepare step: work whose cost grows with the input (diffing a new wording,
reading a Word file) done before the request waits for the write gate, outside every lock,
and only for a caller the endpoint would not refuse outright (issue 29). The route class
(`idempotency.IdempotentRoute`) runs it; the endpoint checks under the lock that what was
prepared still matches."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import cache
from typing import Any, NamedTuple, TypeVar

from fastapi import Request
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel, ValidationError
from sqlalchemy import true
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from app.auth import (
    Principal,
    bearer_secret,
    hash_token,
    is_admin_setting,
    principal_from_header,
    principal_of_row,
    resolve_token,
    token_statement,
)
from app.config import Settings
from app.drafting_groups.models import Stage
from app.errors import Unauthorized
from app.groups.models import Role
from app.ratelimit import take_write
from app.schemas import MAX_ID
from app.visibility import stage_hides

Prepare = Callable[[Request], Awaitable[None]]
Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])
Body = TypeVar("Body", bound=BaseModel)
Done = TypeVar("Done")
_PREPARE = "__plenary_prepare__"
_DEFERS_CALLER = "__plenary_defers_caller__"
# The request's `Caller`, kept for the route's refusal path (`refused_caller_first`).
_CALLER = "deferred_caller"


def prepared_path_id(request: Request, name: str) -> int | None:
    """An id from the path for a prepare step; None unless it is one the endpoint accepts
    (the endpoint then answers 422 itself)."""
    try:
        value = int(request.path_params[name])
    except (KeyError, ValueError):
        return None
    return value if 1 <= value <= MAX_ID else None


async def prepared_body(request: Request, schema: type[Body]) -> Body | None:
    """The body as the endpoint will see it, for a prepare step; None when it is invalid
    (the endpoint refuses it). Parsed in a thread: a large body would hold up the event loop."""
    raw = await request.body()

    def parse() -> Body | None:
        try:
            return schema.model_validate_json(raw)
        except ValidationError:
            return None

    return await run_in_threadpool(parse)


class Part(NamedTuple):
    """The target section of a staged report (`visibility.part_hidden`): its stage (None: no
    stage row) and the drafting group holding it."""

    stage: Stage | None
    drafting_group_id: int | None


class Owner(NamedTuple):
    """A write's target: its group, whether its report is public, and its part when the
    target is a section of a staged report (whose parts are not all read by everyone)."""

    group_id: int
    is_public: bool
    part: Part | None = None


@dataclass(frozen=True)
class Entitlement:
    """Who a prepare step may work for: a caller the endpoint would refuse costs a token
    lookup and one read of the target's owner, never the analysis of its body. `path_id`
    names the target in the path, `owner` reads its group (one indexed statement; None when
    there is no such target), `roles` are the roles of that group the endpoint accepts at
    most (None: whoever may read the target, for a dry run that writes nothing)."""

    path_id: str
    owner: Callable[[Session, int], Owner | None]
    roles: frozenset[Role] | None
    # `owner`'s statement (bound by `target`, its columns read by `owner_row`), when it can
    # be read beside the token in one statement (`_caller_and_owner`).
    owner_statement: Callable[[], Any] | None = None
    owner_row: Callable[..., Owner | None] | None = None

    def admits(self, principal: Principal, owner: Owner) -> bool:
        group_id, is_public, _ = owner
        if self.roles is None:
            return principal.is_admin or principal.group_id == group_id or is_public
        return principal.group_id == group_id and principal.role in self.roles


# A step that checks its caller itself (`entitled_to_prepare` with its own work), so that
# the check and the work share one thread hop.
CheckedPrepare = Callable[[Request, "Entitlement"], Awaitable[None]]


def prepared_by(
    prepare: Prepare | CheckedPrepare,
    entitlement: Entitlement,
    *,
    checks_itself: bool = False,
    defers_caller: bool = False,
) -> Callable[[Endpoint], Endpoint]:
    """Run `prepare(request)` before the request waits for the write gate: work whose cost
    grows with the input (diffing a new text, reading a Word file) is done there, outside
    every lock, and left on `request.state` for the endpoint, which checks it still matches
    under the lock. Only for a caller `entitlement` admits (`entitled_to_prepare`).
    `checks_itself`: `prepare(request, entitlement)` calls `entitled_to_prepare` with its
    own work, run in the same thread as the check. `defers_caller`: the endpoint takes a
    `DeferredCaller` and resolves it itself, first of all, in its own thread."""

    def mark(endpoint: Endpoint) -> Endpoint:
        step = prepare if checks_itself else _after_the_check(prepare)  # type: ignore[arg-type]
        setattr(endpoint, _PREPARE, (step, entitlement))
        if defers_caller:
            setattr(endpoint, _DEFERS_CALLER, True)
        return endpoint

    return mark


def _after_the_check(prepare: Prepare) -> CheckedPrepare:
    async def checked(request: Request, entitlement: Entitlement) -> None:
        if await entitled_to_prepare(request, entitlement, lambda: True):
            await prepare(request)

    return checked


async def entitled_to_prepare(
    request: Request, entitlement: Entitlement, work: Callable[[], Done]
) -> Done | None:
    """`work()` if a prepare step may work for this request, else None: its token is known
    (else 401), its holder has a role the endpoint accepts in the target's group (another
    group's target is a 404, an observer's write a 403) and its write rate is not spent
    (else 429), all checked before the body is looked at, so a caller the endpoint would
    refuse costs a token lookup and one read of the target's group, never the analysis of
    its body; the endpoint then refuses the request itself, having been given nothing.
    `work` runs in the thread that checked, right after the check (one hop for both)."""
    authorization = request.headers.get("authorization")
    target = prepared_path_id(request, entitlement.path_id)
    if not authorization or target is None:
        return None
    database = request.app.state.database
    settings = request.app.state.settings

    def resolve() -> tuple[Principal, Owner] | None:
        # Two statements outside a transaction (on PostgreSQL no BEGIN and COMMIT round
        # trips): each sees its own snapshot, which is enough for a check the endpoint makes
        # again under the lock.
        with database.session(write=False, one_statement=True) as session:
            found = _caller_and_owner(session, authorization, settings, entitlement, target)
            if found is None:
                return None
            principal, owner = found
            if owner is None or _part_hidden(session, principal, owner):
                return None
            return principal, owner

    def check_then_work() -> Done | None:
        found = resolve()
        if found is None or not entitlement.admits(*found):
            return None
        take_write(request, found[0])
        return work()

    return await run_in_threadpool(check_then_work)


def _caller_and_owner(
    session: Session,
    authorization: str,
    settings: Settings,
    entitlement: Entitlement,
    target: int,
) -> tuple[Principal, Owner | None] | None:
    """The caller (as `principal_from_header` finds it: None without a bearer token, 401 for
    an unknown one) and the target's owner: in one statement when the entitlement's owner
    statement can be read beside the token's (on PostgreSQL one round trip, not two)."""
    secret = bearer_secret(authorization)
    if (
        entitlement.owner_statement is None
        or entitlement.owner_row is None
        or secret is None
        or is_admin_setting(secret, settings)
    ):
        principal = principal_from_header(session, authorization, settings)
        return None if principal is None else (principal, entitlement.owner(session, target))
    statement = _with_owner(entitlement.owner_statement)
    row = session.execute(statement, {"token_hash": hash_token(secret), "target": target}).first()
    principal = None if row is None else principal_of_row(row[0], row[1], row[2])
    if row is None or principal is None:
        raise Unauthorized(
            "The token is unknown or revoked.",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    return principal, entitlement.owner_row(*row[3:])


@cache
def _with_owner(owner_statement: Callable[[], Any]) -> Any:
    # The token's row, and the target's owner beside it (NULLs when there is no such
    # target): built once per owner statement.
    owner = owner_statement().subquery()
    return token_statement().add_columns(*owner.c).outerjoin(owner, true())


def _part_hidden(session: Session, principal: Principal, owner: Owner) -> bool:
    """A part of a staged report the caller may not read is a 404 to the endpoint: nothing
    is prepared for it (the caller's drafting groups are read only for a plain member)."""
    if owner.part is None:
        return False
    return stage_hides(
        session, principal, owner.group_id, owner.part.stage, owner.part.drafting_group_id
    )


def prepare_step(endpoint: Callable[..., Any]) -> tuple[CheckedPrepare, Entitlement] | None:
    """The prepare step `prepared_by` gave `endpoint`, and whom it works for."""
    step: tuple[CheckedPrepare, Entitlement] | None = getattr(endpoint, _PREPARE, None)
    return step


def defers_caller(endpoint: Callable[..., Any]) -> bool:
    """Whether `endpoint` resolves its caller itself (`prepared_by(..., defers_caller=True)`):
    the route then asks no dependency for the caller before it (`idempotency.IdempotentRoute`)."""
    return bool(getattr(endpoint, _DEFERS_CALLER, False))


class Caller:
    """A prepared write's caller, resolved once, in the thread that first needs it: the
    endpoint's own, as its first step, or the Idempotency-Key's claim before it. A caller is
    resolved in the request's transaction (a token revoked or a participant deactivated since
    the prepare step is refused, 401), and its write is taken from its rate then (429), as
    the route's rate-limit dependency would, before anything else of the endpoint's."""

    def __init__(self, request: Request, session: Session, secret: str) -> None:
        self.request = request
        self.session = session
        self._secret = secret
        self._principal: Principal | None = None

    @property
    def resolved(self) -> bool:
        return self._principal is not None

    def resolve(self) -> Principal:
        if self._principal is None:
            settings = self.request.app.state.settings
            self._principal = self._checked(resolve_token(self.session, self._secret, settings))
        return self._principal

    def token_hash(self) -> str | None:
        """The hash of the caller's token, for a statement that reads its row beside what it
        reads (`resolve_row`); None when `resolve()` reads nothing (resolved already, or the
        site admin's token of the settings)."""
        if self._principal is not None:
            return None
        if is_admin_setting(self._secret, self.request.app.state.settings):
            return None
        return hash_token(self._secret)

    def resolve_row(self, token_id: int | None, is_admin: bool, participant: Any) -> Principal:
        """`resolve()` from the token's columns read beside another statement (`beside_token`:
        NULLs for no such token), by the same rules: 401, then the write taken from its rate."""
        if self._principal is None:
            found = None if token_id is None else principal_of_row(token_id, is_admin, participant)
            self._principal = self._checked(found)
        return self._principal

    def _checked(self, principal: Principal | None) -> Principal:
        if principal is None:
            raise Unauthorized(
                "The token is unknown or revoked.",
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
        take_write(self.request, principal)
        return principal


def deferred_caller(
    request: Request, session: Session, credentials: HTTPAuthorizationCredentials | None
) -> Caller:
    """The caller of an endpoint that resolves it itself, in its own thread: no thread hop
    here (the dependency is `app.idempotency.DeferredCaller`, which claims an
    Idempotency-Key with it too). A request FastAPI refuses before the endpoint runs (422)
    has its caller resolved by the route first (`refused_caller_first`), so it is still
    refused 401 or 429 before 422, as with `CurrentPrincipal`."""
    if credentials is None:
        raise Unauthorized(
            "Send a token as 'Authorization: Bearer <token>'.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    caller = Caller(request, session, credentials.credentials)
    setattr(request.state, _CALLER, caller)
    return caller


def refused_caller_first(request: Request) -> None:
    """For a request whose endpoint resolves its caller itself and that FastAPI refuses
    before the endpoint runs (its body or a parameter invalid, 422): the caller resolved
    now, so that an unknown token is a 401 and a spent rate a 429 first. Only on this
    refused path, in a read-only session of its own (the request writes nothing); a caller
    already resolved (by an Idempotency-Key's claim) has had its write taken."""
    caller: Caller | None = getattr(request.state, _CALLER, None)
    if caller is not None and caller.resolved:
        return
    database = request.app.state.database
    with database.session(write=False, one_statement=True) as session:
        principal = principal_from_header(
            session, request.headers.get("authorization"), request.app.state.settings
        )
    if principal is None:
        raise Unauthorized(
            "Send a token as 'Authorization: Bearer <token>'.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    take_write(request, principal)


def resolves_its_caller(endpoint: Endpoint) -> Endpoint:
    """Mark a write endpoint that takes a `DeferredCaller` and resolves it as its first
    step, without a prepare step (`prepared_by(..., defers_caller=True)` marks one that has
    one): the route asks no dependency for the caller in a thread hop of its own."""
    setattr(endpoint, _DEFERS_CALLER, True)
    return endpoint
