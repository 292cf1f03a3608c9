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
* every item has a time budget (``deadline.file_seconds()``, 60 s unless
  PBM_FILE_TIMEOUT says otherwise).  In this process and in each worker a timer
  interrupts an item that runs past it: the item gets an error result whose
  message is ``over_budget_reason`` (callers report it as F009) and the batch
  goes on.  Native code that never returns to Python cannot be interrupted that
  way, so in the pool the parent also watches what each worker runs since when
  (shared memory): a worker still on one item well past the budget is killed,
  the item gets the same error result and the pool is re-created as for a
  worker that died.
* a rich progress bar goes to stderr, only when stderr is a terminal.

Results are yielded in the order of ``items``; nothing but the small results is
kept.
"""

from __future__ import annotations

import contextlib
import math
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from .config import RulePack
from .deadline import OverBudget, file_seconds, is_over_budget, over_budget_reason, time_limit

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


def file_fault(message: str) -> str | None:
    """The F code of an error result that is the file's fault, not pbm's: a worker process
    the file killed (F001) or a file over its time budget (F009); None for a bug of pbm."""
    if message == WORKER_DIED:
        return "F001"
    if is_over_budget(message):
        return "F009"
    return None


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


def start_context() -> Any:
    """Workers are forked where the platform can (POSIX): they start with pbm already imported
    and the pack in memory, whatever Python's default start method is (3.14 makes it
    forkserver on Linux); elsewhere (Windows, macOS' spawn) the platform's default."""
    import multiprocessing

    if "fork" in multiprocessing.get_all_start_methods() and sys.platform != "darwin":
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def hard_limit(seconds: float) -> float:
    """When the parent kills a worker still on one item: the budget plus a grace period in
    which the worker's own timer should have ended the item."""
    return seconds + max(2.0, seconds / 2)


def _failure(item: T, message: str, on_error: Callable[[T, str], R] | None) -> R | ItemFailure[T]:
    return on_error(item, message) if on_error else ItemFailure(item, message)


def _run_one(work: Callable[[T, RulePack], R], item: T, pack: RulePack,
             on_error: Callable[[T, str], R] | None, seconds: float = 0.0) -> R | ItemFailure[T]:
    try:
        with time_limit(seconds):
            return work(item, pack)
    except OverBudget:
        return _failure(item, over_budget_reason(seconds), on_error)
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the batch
        return _failure(item, describe_error(exc), on_error)


# --- worker side ---------------------------------------------------------------------------

_WORKER: dict[str, Any] = {}
# each worker's row of the shared clock table: pid, sequence number of its item, start time
_PID, _SEQ, _START, _ROW = 0, 1, 2, 3


def _init_worker(work: Callable[[Any, RulePack], Any], pack: RulePack,
                 on_error: Callable[[Any, str], Any] | None, seconds: float,
                 counter: Any, table: Any) -> None:
    with counter.get_lock():
        slot = counter.value % (len(table) // _ROW)
        counter.value += 1
    table[slot * _ROW + _PID] = os.getpid()
    _WORKER.update(work=work, pack=pack, on_error=on_error, seconds=seconds, table=table,
                   row=slot * _ROW)
    _die_with_parent()


def _run_chunk(chunk: Sequence[tuple[int, Any]]) -> list[Any]:
    work, pack, on_error, seconds = (_WORKER[k] for k in ("work", "pack", "on_error", "seconds"))
    table, row = _WORKER["table"], _WORKER["row"]
    out = []
    for seq, item in chunk:
        table[row + _SEQ], table[row + _START] = seq, time.monotonic()
        out.append(_run_one(work, item, pack, on_error, seconds))
        table[row + _START] = 0.0
    return out


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
                on_error: Callable[[T, str], R] | None, bar: _Progress, seconds: float) -> Iterator[Any]:
    for item in items:
        yield _run_one(work, item, pack, on_error, seconds)
        bar.advance()


class _Workers:
    """The process pool, re-created after a worker process dies or is killed.

    A chunk whose worker died is re-run one item at a time in a fresh pool: the
    item that kills its worker again gets an error result, the others are
    checked normally.  The main process never runs an item that may crash it.
    While waiting, the parent kills a worker that has been on one item for longer
    than ``hard_limit(seconds)``; that item's result is the over-budget error.
    Chunks travel as (sequence number, item) pairs so a killed worker's item is known.
    """

    def __init__(self, jobs: int, work: Callable[[Any, RulePack], Any], pack: RulePack,
                 on_error: Callable[[Any, str], Any] | None, seconds: float) -> None:
        self._jobs, self._args, self._on_error = jobs, (work, pack, on_error, seconds), on_error
        self._seconds = seconds
        self._pool: ProcessPoolExecutor | None = None
        self._table: Any = None
        self.timed_out: set[int] = set()

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:

            ctx = start_context()
            counter = ctx.Value("i", 0)
            self._table = ctx.RawArray("d", _ROW * self._jobs)
            self._pool = ProcessPoolExecutor(max_workers=self._jobs, initializer=_init_worker,
                                             initargs=(*self._args, counter, self._table), mp_context=ctx)
        return self._pool

    def restart(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def submit(self, chunk: Sequence[tuple[int, Any]]) -> Future[list[Any]]:
        from concurrent.futures.process import BrokenProcessPool

        try:
            return self._executor().submit(_run_chunk, chunk)
        except BrokenProcessPool:  # a worker died since the last submission
            self.restart()
            return self._executor().submit(_run_chunk, chunk)

    def _wait(self, fut: Future[list[Any]]) -> list[Any]:
        """The future's result; meanwhile kill workers stuck on one item past the hard limit."""
        if self._seconds <= 0:
            return fut.result()
        tick = min(1.0, self._seconds / 4)
        while True:
            try:
                return fut.result(timeout=tick)
            except TimeoutError:
                self._kill_stuck()

    def _kill_stuck(self) -> None:
        table, now = self._table, time.monotonic()
        if table is None:
            return
        for row in range(0, len(table), _ROW):
            started = table[row + _START]
            if started and now - started > hard_limit(self._seconds):
                table[row + _START] = 0.0
                self.timed_out.add(int(table[row + _SEQ]))
                with contextlib.suppress(OSError):  # already gone
                    os.kill(int(table[row + _PID]), getattr(signal, "SIGKILL", signal.SIGTERM))

    def results(self, chunk: Sequence[tuple[int, Any]], fut: Future[list[Any]]) -> list[Any]:
        """A chunk's results, in order; isolates the items of a chunk whose worker died."""
        from concurrent.futures import CancelledError
        from concurrent.futures.process import BrokenProcessPool

        try:
            return self._wait(fut)
        except CancelledError:  # cancelled when the pool restarted for another chunk's dead worker
            try:
                return self._wait(self._executor().submit(_run_chunk, chunk))
            except (BrokenProcessPool, CancelledError):
                self.restart()
        except BrokenProcessPool:
            self.restart()
        return [self._isolated(pair) for pair in chunk]

    def _isolated(self, pair: tuple[int, Any]) -> Any:
        from concurrent.futures.process import BrokenProcessPool

        seq, item = pair
        if seq not in self.timed_out:
            try:
                return self._wait(self._executor().submit(_run_chunk, [pair]))[0]
            except BrokenProcessPool:
                self.restart()
        message = over_budget_reason(self._seconds) if seq in self.timed_out else WORKER_DIED
        return _failure(item, message, self._on_error)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)


def _pooled(items: Sequence[T], work: Callable[[T, RulePack], R], pack: RulePack,
            on_error: Callable[[T, str], R] | None, jobs: int, bar: _Progress,
            seconds: float) -> Iterator[Any]:
    size = chunk_size(len(items), jobs)
    workers = _Workers(jobs, work, pack, on_error, seconds)
    pending: deque[tuple[Sequence[tuple[int, T]], Future[list[Any]]]] = deque()
    numbered = list(enumerate(items))

    def collect() -> list[Any]:
        chunk, fut = pending.popleft()
        results = workers.results(chunk, fut)
        bar.advance(len(chunk))
        return results

    try:
        for start in range(0, len(numbered), size):
            chunk = numbered[start:start + size]
            pending.append((chunk, workers.submit(chunk)))
            if len(pending) > jobs * IN_FLIGHT_PER_WORKER:
                yield from collect()
        while pending:
            yield from collect()
    finally:
        workers.close()


def run_batch(items: Sequence[T], work: Callable[[T, RulePack], R], pack: RulePack,
              jobs: int | None = None, progress: bool = False,
              on_error: Callable[[T, str], R] | None = None, label: str = "处理中",
              seconds: float | None = None) -> Generator[R, None, None]:
    """Yield ``work(item, pack)`` for every item, in order.

    ``work`` and ``on_error`` must be module-level functions (picklable).  When
    ``work`` raises for an item, or runs past ``seconds`` (default
    ``deadline.file_seconds()``; 0 = no limit), ``on_error(item, message)`` is
    yielded instead (an :class:`ItemFailure` when ``on_error`` is None);
    ``file_fault(message)`` tells the file's faults from pbm's bugs.  ``jobs``
    None or 0 means ``os.cpu_count()``.  ``label`` names the progress bar (Chinese).
    """
    items = list(items)
    budget = file_seconds() if seconds is None else seconds
    jobs = min(jobs or default_jobs(), max(len(items), 1))
    bar = _Progress(len(items), progress, label)
    try:
        if jobs <= 1 or len(items) < SMALL_BATCH:
            yield from _sequential(items, work, pack, on_error, bar, budget)
        else:
            yield from _pooled(items, work, pack, on_error, jobs, bar, budget)
    finally:
        bar.close()
