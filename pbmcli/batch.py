"""Batch runner: apply one picklable ``work(item, pack)`` to many items, in order.

Design (reading-notes.md: a process pool's start-up eats the gain on small
batches):

* ``jobs <= 1`` or fewer than ``pack``-independent ``SMALL_BATCH`` items: run in
  this process, no pool.
* otherwise one ``ProcessPoolExecutor`` is started once; the pack and the work
  function are sent to each worker once (initializer) and the items go in
  chunks, so each worker gets many files per message.  At most a few chunks
  per worker are in flight, so memory stays flat however many files there are.
* a failure on one item is caught inside the worker, per item, and becomes an
  error result for that item (``on_error``); the batch goes on.  If a worker
  process dies (``BrokenProcessPool``: a native crash, the OOM killer), the pool
  is re-created and the lost chunk re-run one item at a time, so the item that
  kills its worker gets an error result and everything else is checked; the
  main process never runs an item that might crash it.
* a rich progress bar goes to stderr, only when stderr is a terminal.

Results are yielded in the order of ``items``; nothing but the small results is
kept.
"""

from __future__ import annotations

import math
import os
from collections import deque
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from .config import RulePack

T = TypeVar("T")
R = TypeVar("R")

SMALL_BATCH = 64  # below this a pool costs more than it saves
MAX_CHUNK = 128
IN_FLIGHT_PER_WORKER = 3
WORKER_DIED = "处理该文件时工作进程异常退出（读取库崩溃或内存耗尽）"


@dataclass(frozen=True)
class ItemFailure(Generic[T]):
    """Default result for an item whose work raised (when no ``on_error`` is given)."""

    item: T
    error: str


def describe_error(exc: BaseException) -> str:
    """One-line description of an unexpected exception (for an error result)."""
    return f"{type(exc).__name__}: {exc}"


def default_jobs() -> int:
    return os.cpu_count() or 1


# --- worker side ---------------------------------------------------------------------------

_WORKER: dict[str, Any] = {}


def _init_worker(work: Callable[[Any, RulePack], Any], pack: RulePack,
                 on_error: Callable[[Any, str], Any] | None) -> None:
    _WORKER.update(work=work, pack=pack, on_error=on_error)
    _die_with_parent()


def _die_with_parent() -> None:
    """A worker ends when the process that started it is gone, even killed with SIGKILL (no
    clean-up runs then): otherwise it would wait for work forever, holding memory and files."""
    import multiprocessing
    import threading
    from multiprocessing.connection import wait

    parent = multiprocessing.parent_process()
    if parent is None or parent.sentinel is None:
        return

    def watch(sentinel: int) -> None:
        wait([sentinel])
        os._exit(1)

    threading.Thread(target=watch, args=(parent.sentinel,), name="pbm-parent-watch", daemon=True).start()


def _run_one(work: Callable[[T, RulePack], R], item: T, pack: RulePack,
             on_error: Callable[[T, str], R] | None) -> R | ItemFailure[T]:
    try:
        return work(item, pack)
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the batch
        message = describe_error(exc)
        return on_error(item, message) if on_error else ItemFailure(item, message)


def _run_chunk(chunk: Sequence[Any]) -> list[Any]:
    work, pack, on_error = _WORKER["work"], _WORKER["pack"], _WORKER["on_error"]
    return [_run_one(work, item, pack, on_error) for item in chunk]


# --- driver side ---------------------------------------------------------------------------

def chunk_size(n: int, jobs: int) -> int:
    """About 8 chunks per worker (load balance + progress), capped."""
    return max(1, min(MAX_CHUNK, math.ceil(n / (jobs * 8))))


class _Progress:
    """A rich progress bar on stderr, or nothing."""

    def __init__(self, total: int, enabled: bool, label: str) -> None:
        self._bar: Any = None
        if not enabled:
            return
        from .cli.output import err

        if not err.is_terminal:
            return
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        # no refresh thread (auto_refresh=False): worker processes are forked while it runs
        self._bar = Progress(label, BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                             console=err, transient=True, auto_refresh=False)
        self._task = self._bar.add_task("", total=total)
        self._bar.start()

    def advance(self, n: int = 1) -> None:
        if self._bar is not None:
            self._bar.advance(self._task, n)
            self._bar.refresh()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()


def _sequential(items: Sequence[T], work: Callable[[T, RulePack], R], pack: RulePack,
                on_error: Callable[[T, str], R] | None, bar: _Progress) -> Iterator[Any]:
    for item in items:
        yield _run_one(work, item, pack, on_error)
        bar.advance()


class _Workers:
    """The process pool, re-created after a worker process dies.

    A chunk whose worker died is re-run one item at a time in a fresh pool: the
    item that kills its worker again gets an error result, the others are
    checked normally.  The main process never runs an item that may crash it.
    """

    def __init__(self, jobs: int, work: Callable[[Any, RulePack], Any], pack: RulePack,
                 on_error: Callable[[Any, str], Any] | None) -> None:
        self._jobs, self._initargs, self._on_error = jobs, (work, pack, on_error), on_error
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self._jobs, initializer=_init_worker,
                                             initargs=self._initargs)
        return self._pool

    def restart(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def submit(self, chunk: Sequence[Any]) -> Future[list[Any]]:
        from concurrent.futures.process import BrokenProcessPool

        try:
            return self._executor().submit(_run_chunk, chunk)
        except BrokenProcessPool:  # a worker died since the last submission
            self.restart()
            return self._executor().submit(_run_chunk, chunk)

    def results(self, chunk: Sequence[Any], fut: Future[list[Any]]) -> list[Any]:
        """A chunk's results, in order; isolates the items of a chunk whose worker died."""
        from concurrent.futures import CancelledError
        from concurrent.futures.process import BrokenProcessPool

        try:
            return fut.result()
        except CancelledError:  # cancelled when the pool restarted for another chunk's dead worker
            try:
                return self._executor().submit(_run_chunk, chunk).result()
            except (BrokenProcessPool, CancelledError):
                self.restart()
        except BrokenProcessPool:
            self.restart()
        return [self._isolated(item) for item in chunk]

    def _isolated(self, item: Any) -> Any:
        from concurrent.futures.process import BrokenProcessPool

        try:
            return self._executor().submit(_run_chunk, [item]).result()[0]
        except BrokenProcessPool:
            self.restart()
            message = WORKER_DIED
            return self._on_error(item, message) if self._on_error else ItemFailure(item, message)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)


def _pooled(items: Sequence[T], work: Callable[[T, RulePack], R], pack: RulePack,
            on_error: Callable[[T, str], R] | None, jobs: int, bar: _Progress) -> Iterator[Any]:
    size = chunk_size(len(items), jobs)
    workers = _Workers(jobs, work, pack, on_error)
    pending: deque[tuple[Sequence[T], Future[list[Any]]]] = deque()

    def collect() -> list[Any]:
        chunk, fut = pending.popleft()
        results = workers.results(chunk, fut)
        bar.advance(len(chunk))
        return results

    try:
        for start in range(0, len(items), size):
            chunk = items[start:start + size]
            pending.append((chunk, workers.submit(chunk)))
            if len(pending) > jobs * IN_FLIGHT_PER_WORKER:
                yield from collect()
        while pending:
            yield from collect()
    finally:
        workers.close()


def run_batch(items: Sequence[T], work: Callable[[T, RulePack], R], pack: RulePack,
              jobs: int | None = None, progress: bool = False,
              on_error: Callable[[T, str], R] | None = None, label: str = "处理中") -> Generator[R, None, None]:
    """Yield ``work(item, pack)`` for every item, in order.

    ``work`` and ``on_error`` must be module-level functions (picklable).  When
    ``work`` raises for an item, ``on_error(item, message)`` is yielded instead
    (an :class:`ItemFailure` when ``on_error`` is None).  ``jobs`` None or 0
    means ``os.cpu_count()``.  ``label`` names the progress bar (Chinese).
    """
    items = list(items)
    jobs = min(jobs or default_jobs(), max(len(items), 1))
    bar = _Progress(len(items), progress, label)
    try:
        if jobs <= 1 or len(items) < SMALL_BATCH:
            yield from _sequential(items, work, pack, on_error, bar)
        else:
            yield from _pooled(items, work, pack, on_error, jobs, bar)
    finally:
        bar.close()
