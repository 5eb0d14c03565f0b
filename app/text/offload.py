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
# Setting `text_worker` (create_app sets it): off, long inputs run where they are called too.
enabled = True
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
    if size < OFFLOAD_CHARS or not enabled:
        return fn(*args, **kwargs)
    return _worker().submit(fn, *args, **kwargs).result()


async def run_async(fn: Callable[..., T], *args: Any, size: int, **kwargs: Any) -> T:
    """`run` for the event loop: small inputs in a thread, large ones in the worker."""
    if size < OFFLOAD_CHARS or not enabled:
        return await anyio.to_thread.run_sync(lambda: fn(*args, **kwargs))
    # The first submit starts the worker process (and multiprocessing's resource tracker):
    # tens of milliseconds of blocking calls that must not stall the event loop.
    future = await anyio.to_thread.run_sync(lambda: _worker().submit(fn, *args, **kwargs))
    return await asyncio.wrap_future(future)


class TookTooLong(TimeoutError):
    """A bounded task ran past its time; its process was stopped."""


# At most this many bounded tasks at once (each a process of its own, a core's worth of work);
# the others wait their turn in a thread, holding no lock of the server's.
BOUNDED_AT_ONCE = 2
_bounded_slots = threading.BoundedSemaphore(BOUNDED_AT_ONCE)


def _run_alone(
    fn: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any], seconds: float
) -> T:
    with _bounded_slots:
        pool = ProcessPoolExecutor(
            max_workers=1, mp_context=get_context("spawn"), initializer=_yield_to_the_server
        )
        try:
            future = pool.submit(fn, *args, **kwargs)
            try:
                return future.result(timeout=seconds)
            except TimeoutError as error:
                for process in list(getattr(pool, "_processes", {}).values()):
                    process.terminate()
                raise TookTooLong(f"stopped after {seconds:g} s") from error
        finally:
            pool.shutdown(wait=False, cancel_futures=True)


async def run_bounded(fn: Callable[..., T], *args: Any, seconds: float, **kwargs: Any) -> T:
    """`fn(*args, **kwargs)` in a process of its own, stopped after `seconds`: for work whose
    length the caller's input decides (a document to parse), which must cost nobody else more
    than that. A process per task, never the diff worker: stopping one stops nothing else."""
    return await anyio.to_thread.run_sync(lambda: _run_alone(fn, args, kwargs, seconds))


def shutdown() -> None:
    """Stop the worker process (at server shutdown; a running task ends by its timeout)."""
    global _pool
    with _pool_lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=False, cancel_futures=True)
