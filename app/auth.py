"""Bearer tokens: who is asking, and may they."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Select, and_, bindparam, select
from sqlalchemy.orm import Session

from app.config import Settings
from app.db import Database, SessionDep
from app.errors import Forbidden, NotFound, ParticipantInactive, Unauthorized
from app.groups.models import Participant, Role, Token

TOKEN_PREFIX = "plen_"
bearer_scheme = HTTPBearer(auto_error=False, description="A plenary token, shown once when created")
_bearer = bearer_scheme


def new_token_secret() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class Principal:
    """The caller: the site admin, or one participant of one group."""

    token_id: int | None
    participant: Participant | None
    # Reports of other groups this caller has read in this request because they are public:
    # it then sees them as the public does, unattributed (Chatham House rule).
    public_reads: set[int] = field(default_factory=set, compare=False, repr=False)

    @property
    def is_admin(self) -> bool:
        return self.participant is None

    @property
    def participant_id(self) -> int | None:
        return None if self.participant is None else self.participant.id

    @property
    def group_id(self) -> int | None:
        return None if self.participant is None else self.participant.group_id

    @property
    def role(self) -> Role | None:
        return None if self.participant is None else self.participant.role

    def acting(self) -> Participant:
        """The participant making a write only participants make (its role checked already,
        which refuses the site admin): Forbidden for the site admin all the same."""
        if self.participant is None:
            raise Forbidden("The site admin manages groups; this needs a participant's token.")
        return self.participant

    def ensure_in_group(self, group_id: int) -> None:
        """Another group's objects do not exist for this caller: 404, never 403."""
        if not self.is_admin and self.group_id != group_id:
            raise NotFound("No such resource.")

    def ensure_role(self, group_id: int, roles: Iterable[Role], *, admin: bool = False) -> None:
        self.ensure_in_group(group_id)
        allowed = frozenset(roles)
        if self.is_admin:
            if admin:
                return
            raise Forbidden("The site admin manages groups; this needs a participant's token.")
        if self.role not in allowed:
            names = ", ".join(sorted(r.value for r in allowed))
            raise Forbidden(f"This needs one of the roles: {names}.")


def resolve_token(session: Session, secret: str, settings: Settings) -> Principal | None:
    """The caller of `secret`; None if unknown or revoked. A deactivated participant's tokens
    are refused here, for reads and writes alike (ParticipantInactive, 401): deactivation
    takes effect on the next request, and reactivation gives the same tokens back."""
    if is_admin_setting(secret, settings):
        return Principal(token_id=None, participant=None)
    # One query for the token and its participant: this runs on every request.
    row = session.execute(_token_query(), {"token_hash": hash_token(secret)}).first()
    if row is None:
        return None
    return principal_of_row(row[0], row[1], row[2])


def is_admin_setting(secret: str, settings: Settings) -> bool:
    """Whether `secret` is the site-admin token of the settings (no row to read)."""
    admin = settings.admin_token
    return (
        bool(admin)
        and admin is not None
        and hmac.compare_digest(hash_token(secret), hash_token(admin))
    )


def principal_of_row(
    token_id: int, is_admin: bool, participant: Participant | None
) -> Principal | None:
    """The caller of a token row read by `token_statement()` (its first three columns), by
    `resolve_token`'s rules."""
    if is_admin:
        return Principal(token_id=token_id, participant=None)
    if participant is None:
        return None
    if not participant.active:
        raise ParticipantInactive(
            "This token's participant is deactivated; its tokens are refused until the chair "
            "or the site admin reactivates it.",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    return Principal(token_id=token_id, participant=participant)


def token_statement() -> Select[int, bool, Participant]:
    """The token's statement (bound by `token_hash`), for a caller reading more beside it."""
    return _token_query()


def beside_token(statement: Select[*tuple[Any, ...]], left: Any) -> Select[Any]:
    """`statement` with the token's row (bound by `token_hash`) outer-joined to `left`, its
    first entity: the token's three columns as `token_statement()` gives them come last,
    NULLs when there is no such token (unknown or revoked). For a statement that must be read
    whether or not the token is."""
    return (
        statement.add_columns(Token.id, Token.is_admin, Participant)
        .outerjoin_from(
            left,
            Token,
            and_(Token.token_hash == bindparam("token_hash"), Token.revoked_at.is_(None)),
        )
        .outerjoin_from(Token, Participant, Participant.id == Token.participant_id)
    )


@cache
def _token_query() -> Select[int, bool, Participant]:
    # Built once (every request runs it): building a statement costs as much as running it.
    return (
        select(Token.id, Token.is_admin, Participant)
        .outerjoin(Participant, Participant.id == Token.participant_id)
        .where(Token.token_hash == bindparam("token_hash"), Token.revoked_at.is_(None))
    )


def token_is_valid(database: Database, settings: Settings, authorization: str) -> bool:
    """Whether an Authorization header names a token a request would accept (for the
    failure limiter, which must never refuse one: app/middleware.py)."""
    secret = bearer_secret(authorization)
    if secret is None:
        return False
    with database.session(write=False, one_statement=True) as session:
        try:
            return resolve_token(session, secret, settings) is not None
        except ParticipantInactive:
            return False


def principal_of_token(session: Session, token_id: int | None) -> Principal | None:
    """The caller a stored token id stands for (None: the site-admin token of the settings),
    or None once the token is revoked."""
    if token_id is None:
        return Principal(token_id=None, participant=None)
    row = session.execute(
        select(Token.is_admin, Participant)
        .outerjoin(Participant, Participant.id == Token.participant_id)
        .where(Token.id == token_id, Token.revoked_at.is_(None))
    ).first()
    if row is None:
        return None
    is_admin, participant = row
    if is_admin:
        return Principal(token_id=token_id, participant=None)
    if participant is None:
        return None
    return Principal(token_id=token_id, participant=participant)


def principal_from_header(
    session: Session, authorization: str | None, settings: Settings
) -> Principal | None:
    """The same rules as the dependency below, for code that runs outside a request's session."""
    secret = bearer_secret(authorization)
    if secret is None:
        return None
    return known(resolve_token(session, secret, settings))


def bearer_secret(authorization: str | None) -> str | None:
    """The secret of an `Authorization: Bearer` header; None: no header a route reads."""
    if not authorization:
        return None
    scheme, _, secret = authorization.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return secret.strip()


def known(principal: Principal | None) -> Principal:
    """The caller of a token sent, or 401 when the token is unknown or revoked."""
    if principal is None:
        raise Unauthorized(
            "The token is unknown or revoked.",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    return principal


def optional_principal(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal | None:
    if credentials is None:
        return None
    principal = resolve_token(session, credentials.credentials, request.app.state.settings)
    if principal is None:
        raise Unauthorized(
            "The token is unknown or revoked.",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    return principal


async def current_principal(
    principal: Annotated[Principal | None, Depends(optional_principal)],
) -> Principal:
    # async: no I/O here, so FastAPI runs it inline instead of on a worker thread
    if principal is None:
        raise Unauthorized(
            "Send a token as 'Authorization: Bearer <token>'.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
OptionalPrincipal = Annotated[Principal | None, Depends(optional_principal)]


async def require_admin(principal: CurrentPrincipal) -> Principal:
    if not principal.is_admin:
        raise Forbidden("Only the site admin may do this.")
    return principal


AdminPrincipal = Annotated[Principal, Depends(require_admin)]
