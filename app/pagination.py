"""One pagination style for every list: a cursor `after` and a bounded `limit` in, an envelope
`{items, next}` and an RFC 8288 `Link: <...>; rel="next"` header out.

The cursor is the key of the last item of the page (an id, or a version or revision number):
pass `next` as `after` to get the following page; `next` is null on the last page. A cursor
is stable while items are added, unlike an offset.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Annotated, Generic, TypeVar

from fastapi import Query, Request, Response
from pydantic import Field
from sqlalchemy import Select
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.schemas import MAX_ID, ReadModel

MAX_PAGE = 500
DEFAULT_PAGE = 100

After = Annotated[
    int,
    Query(
        ge=0,
        le=MAX_ID,
        description="Cursor: the `next` of the previous page (0, the default: the first page)",
    ),
]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description="At most this many items")]

ItemT = TypeVar("ItemT")
RowT = TypeVar("RowT")


class Page(ReadModel, Generic[ItemT]):
    items: list[ItemT]
    next: int | None = Field(
        description="Pass as `after` for the next page (also in the `Link` header, "
        'rel="next"); null on the last page'
    )


def cut(
    rows: Sequence[RowT], limit: int, key: Callable[[RowT], int]
) -> tuple[list[RowT], int | None]:
    """The first `limit` of `rows` (fetched `limit + 1`: one more says there is a next page)
    and the cursor of the next page."""
    if len(rows) > limit:
        kept = list(rows[:limit])
        return kept, key(kept[-1])
    return list(rows), None


def page_query(
    session: Session,
    query: Select[RowT],
    key: InstrumentedAttribute[int],
    *,
    after: int,
    limit: int,
    newest_first: bool = False,
) -> tuple[list[RowT], int | None]:
    """One page of `query`'s rows in order of `key` (ascending, or descending from the newest
    with `newest_first`, where `after` is then the last key seen, and the next keys are smaller)."""
    if newest_first:
        if after:
            query = query.where(key < after)
        query = query.order_by(key.desc())
    else:
        query = query.where(key > after).order_by(key)
    rows = list(session.scalars(query.limit(limit + 1)))
    return cut(rows, limit, lambda row: int(getattr(row, key.key)))


def page_list(
    items: Iterable[RowT], key: Callable[[RowT], int], *, after: int, limit: int
) -> tuple[list[RowT], int | None]:
    """One page of a list already in memory (short lists computed whole, e.g. alternatives)."""
    ordered = sorted((i for i in items if key(i) > after), key=key)
    return cut(ordered[: limit + 1], limit, key)


def link_next(request: Request, response: Response, next_cursor: int | None) -> None:
    """`Link: <path?...&after=N>; rel="next"` (a reference relative to the request, so it
    holds behind a proxy), when there is a next page."""
    if next_cursor is None:
        return
    url = request.url.include_query_params(after=next_cursor)
    response.headers["Link"] = f'<{url.path}?{url.query}>; rel="next"'
