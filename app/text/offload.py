"""One worker process for text work that may run long.

Pure-Python diffing holds the GIL: two unrelated 200 KB texts, or a 1 MB proposal, would
otherwise stall every other request of the process for the whole diff. Inputs below
`OFFLOAD_CHARS` run where they are called (a process hop costs more than they do).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import Any, TypeVar

import anyio.to_thread

T = TypeVar("T")
OFFLOAD_CHARS = 50_000

_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


def _yield_to_the_server() -> None:
    # A long diff takes a core for a long while; on a machine with few cores the scheduler
    # should prefer the server's own requests to it.
    with contextlib.suppress(OSError):
        os.nice(10)


def _worker() -> ProcessPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ProcessPoolExecutor(
                max_workers=1, mp_context=get_context("spawn"), initializer=_yield_to_the_server
            )
        return _pool


def run(fn: Callable[..., T], *args: Any, size: int, **kwargs: Any) -> T:
    """`fn(*args, **kwargs)`, in the worker process when `size` (characters) is large."""
    if size < OFFLOAD_CHARS:
        return fn(*args, **kwargs)
    return _worker().submit(fn, *args, **kwargs).result()


async def run_async(fn: Callable[..., T], *args: Any, size: int, **kwargs: Any) -> T:
    """`run` for the event loop: small inputs in a thread, large ones in the worker."""
    if size < OFFLOAD_CHARS:
        return await anyio.to_thread.run_sync(lambda: fn(*args, **kwargs))
    # The first submit starts the worker process (and multiprocessing's resource tracker):
    # tens of milliseconds of blocking calls that must not stall the event loop.
    future = await anyio.to_thread.run_sync(lambda: _worker().submit(fn, *args, **kwargs))
    return await asyncio.wrap_future(future)


class TookTooLong(TimeoutError):
    """A bounded task ran past its time; its worker process was stopped."""


async def run_bounded(fn: Callable[..., T], *args: Any, seconds: float, **kwargs: Any) -> T:
    """`fn(*args, **kwargs)` in the worker process, stopped after `seconds`: for work whose
    length the caller's input decides (a document to parse), which must cost nobody else more
    than that. A task past its time takes the worker process with it (a running task cannot
    be cancelled otherwise); the next task starts a new one."""
    pool = await anyio.to_thread.run_sync(_worker)
    future = await anyio.to_thread.run_sync(lambda: pool.submit(fn, *args, **kwargs))
    try:
        return await asyncio.wait_for(asyncio.wrap_future(future), timeout=seconds)
    except TimeoutError as error:
        await anyio.to_thread.run_sync(_stop, pool)
        raise TookTooLong(f"stopped after {seconds:g} s") from error


def _stop(pool: ProcessPoolExecutor) -> None:
    global _pool
    with _pool_lock:
        if _pool is pool:
            _pool = None
    for process in list(getattr(pool, "_processes", {}).values()):
        process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)


def shutdown() -> None:
    """Stop the worker process (at server shutdown; a running task ends by its timeout)."""
    global _pool
    with _pool_lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=False, cancel_futures=True)
