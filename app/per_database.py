"""Machinery kept per database in this process: one store per connection pool (every engine
of a `Database` shares its pool; another database in the same process, a test's fresh one
even at the same URL, has its own store), switched on or off per database by its setting.

A server process serves one database, but tests and the benchmarks create several apps with
different settings in one process: a module-level switch would follow whichever app was
created last, and a module-level store would mix their databases' rows.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar
from weakref import WeakKeyDictionary, WeakSet

from sqlalchemy import Connection, Engine
from sqlalchemy.pool import Pool

T = TypeVar("T")


class PerDatabase(Generic[T]):
    def __init__(self, make: Callable[[], T]) -> None:
        self._make = make
        self._lock = threading.Lock()
        self._stores: WeakKeyDictionary[Pool, T] = WeakKeyDictionary()
        self._off: WeakSet[Pool] = WeakSet()

    def switch(self, bind: Engine | Connection, on: bool) -> None:
        """The setting for the database `bind` reaches (create_app)."""
        pool = bind.engine.pool
        with self._lock:
            if on:
                self._off.discard(pool)
            else:
                self._off.add(pool)
                self._stores.pop(pool, None)

    def of(self, bind: Engine | Connection) -> T | None:
        """The store of the database `bind` reaches; None when its setting is off."""
        pool = bind.engine.pool
        with self._lock:
            if pool in self._off:
                return None
            store = self._stores.get(pool)
            if store is None:
                store = self._stores[pool] = self._make()
            return store
