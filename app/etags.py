"""Strong ETags on reports, sections and amendments; If-Match on the writes that change them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Header, Request, Response

from app.errors import PreconditionFailed, PreconditionRequired

IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=200,
        description="The ETag you last read; required: 428 when missing, 412 when stale",
    ),
]


def etag(kind: str, id: int, revision: int) -> str:
    return f'"{kind}{id}-{revision}"'


def matches(header: str, current: str) -> bool:
    """Whether an If-Match or If-None-Match header names `current` (a list of tags, weak
    ones compared as strong, or `*`)."""
    offered = [tag.strip().removeprefix("W/") for tag in header.split(",")]
    return current in offered or "*" in offered


def require_match(if_match: str | None, current: str, *, state: dict[str, Any]) -> None:
    """Raise unless `if_match` names the current ETag. Call with the report lock held."""
    if if_match is None:
        raise PreconditionRequired(
            "This write needs If-Match with the ETag you last read.", etag=current, current=state
        )
    if not matches(if_match, current):
        raise PreconditionFailed(
            f"The resource changed since you read it; it is now {current}.",
            etag=current,
            current=state,
            headers={"ETag": current},
        )


def not_modified(request: Request, response: Response, current: str) -> bool:
    """Set the ETag; True when the caller already holds this version (answer 304)."""
    response.headers["ETag"] = current
    offered = request.headers.get("if-none-match")
    if offered is None:
        return False
    return matches(offered, current)
