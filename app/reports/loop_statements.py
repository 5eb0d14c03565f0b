"""One read statement, run on the event loop over a few PostgreSQL connections of its own.

The read cache's check (`app/reports/checked_reads.py`) is the hottest statement of the
server: every kept section answer costs one. It is prepared once per connection (SQL
`PREPARE`) and each run goes through libpq directly (`psycopg.pq`): the query is sent with
`PQsendQueryPrepared`, the loop waits for the socket to be readable, and the row is loaded
by psycopg's own (C) loaders. psycopg's async cursor costs about 2.5 times the CPU of that
(measured here: ~100 us against ~40 us per run, on a server whose whole answer costs ~90 us
without the check). Connections run in autocommit: one statement sees one snapshot.
"""

from __future__ import annotations

import asyncio
import logging
import re
import weakref
from collections import namedtuple
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select
from sqlalchemy.engine import make_url

if TYPE_CHECKING:
    import psycopg
    from psycopg import pq
    from psycopg.abc import Transformer

logger = logging.getLogger("plenary.read_cache")

_NAME = b"plenary_loop_statement"


class LoopStatements:
    """One statement over up to `size` connections (opened when first needed, per event loop:
    a test client may run several loops)."""

    def __init__(self, database_url: str, statement: Select[Any], size: int = 8) -> None:
        url = make_url(database_url)
        self.conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self.sql = str(statement.compile(dialect=url.get_dialect()()))
        self.names: list[str] = []  # parameter names, in the order of $1, $2, ...
        self.prepare = "PREPARE {} AS {}".format(
            _NAME.decode(), re.sub(r"%\((\w+)\)s", self._number, self.sql)
        )
        self.size = size
        self._make_row: Callable[[Sequence[Any]], Any] | None = None
        self._pools: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Pool] = (
            weakref.WeakKeyDictionary()
        )

    def _number(self, match: re.Match[str]) -> str:
        if match[1] not in self.names:
            self.names.append(match[1])
        return f"${self.names.index(match[1]) + 1}"

    async def fetch_one(self, params: dict[str, Any]) -> Any | None:
        """The first row (attributes named as the statement's columns), or None when there is
        none or the database could not be asked."""
        loop = asyncio.get_running_loop()
        pool = self._pools.get(loop)
        if pool is None:
            pool = self._pools[loop] = _Pool(self.size, self.conninfo, self.prepare)
        checker = await pool.take()
        if checker is None:
            return None
        values = [None if params[n] is None else str(params[n]).encode() for n in self.names]
        try:
            result = await checker.run(loop, values)
            row = None if result.ntuples == 0 else self._load(checker.transformer, result)
        except Exception:
            logger.warning("read check failed; the request goes on to its own path", exc_info=True)
            await pool.drop(checker)
            return None
        except BaseException:  # cancelled mid-query: what the connection holds is unknown
            await pool.drop(checker)
            raise
        pool.give_back(checker)
        return row

    def _load(self, transformer: Transformer, result: pq.abc.PGresult) -> Any:
        if self._make_row is None:
            names = [(result.fname(i) or b"").decode() for i in range(result.nfields)]
            row_type: Any = namedtuple  # its fields: the statement's columns, known at run time
            self._make_row = row_type("StatementRow", names)._make
        transformer.set_pgresult(result)
        return transformer.load_row(0, self._make_row)

    async def close(self) -> None:
        pool = self._pools.pop(asyncio.get_running_loop(), None)
        if pool is not None:
            await pool.close()


class _Checker:
    """A connection with the statement prepared, and the loaders of its results."""

    def __init__(self, connection: psycopg.AsyncConnection[Any]) -> None:
        from psycopg.adapt import Transformer as loaders_of

        self.connection = connection
        self.transformer: Transformer = loaders_of(connection)

    async def run(self, loop: asyncio.AbstractEventLoop, values: list[bytes | None]) -> Any:
        from psycopg import OperationalError, pq

        pgconn = self.connection.pgconn
        pgconn.send_query_prepared(_NAME, values)
        while pgconn.flush():  # the query did not fit in the socket's buffer at once
            await _ready(loop, pgconn.socket, write=True)
        results = []
        while True:
            pgconn.consume_input()
            if pgconn.is_busy():
                await _ready(loop, pgconn.socket, write=False)
                continue
            result = pgconn.get_result()
            if result is None:
                break
            results.append(result)
        if len(results) != 1 or results[0].status != pq.ExecStatus.TUPLES_OK:
            message = results[-1].error_message if results else b"no result"
            raise OperationalError(message.decode(errors="replace"))
        return results[0]


async def _ready(loop: asyncio.AbstractEventLoop, fd: int, *, write: bool) -> None:
    ready: asyncio.Future[None] = loop.create_future()

    def wake() -> None:
        if not ready.done():
            ready.set_result(None)

    if write:
        loop.add_writer(fd, wake)
    else:
        loop.add_reader(fd, wake)
    try:
        await ready
    finally:
        if write:
            loop.remove_writer(fd)
        else:
            loop.remove_reader(fd)


class _Pool:
    def __init__(self, size: int, conninfo: str, prepare: str) -> None:
        self.size = size
        self.conninfo = conninfo
        self.prepare = prepare
        self.opened = 0
        self.idle: asyncio.Queue[_Checker] = asyncio.Queue()

    async def take(self) -> _Checker | None:
        import psycopg

        if self.idle.empty() and self.opened < self.size:
            self.opened += 1
            connection = None
            try:
                connection = await psycopg.AsyncConnection.connect(self.conninfo, autocommit=True)
                await connection.execute(self.prepare.encode())
                return _Checker(connection)
            except Exception:
                self.opened -= 1
                logger.warning("read check cannot connect", exc_info=True)
                if connection is not None:
                    await connection.close()
                return None
        return await self.idle.get()

    def give_back(self, checker: _Checker) -> None:
        self.idle.put_nowait(checker)

    async def drop(self, checker: _Checker) -> None:
        self.opened -= 1
        await checker.connection.close()

    async def close(self) -> None:
        while not self.idle.empty():
            await self.idle.get_nowait().connection.close()
