"""Time budgets: a file that takes too long becomes a finding (F009), not a hung batch.

``time_limit(seconds)`` arms a timer for the code inside it.  When it expires,
``OverBudget`` is raised in the main thread at the next Python instruction; a long
regular-expression match is interrupted too.  ``OverBudget`` derives from
``BaseException``, so the readers' ``except Exception`` cannot turn it into an
ordinary "file damaged" reason.  Native code that never returns to Python is not
interrupted: the batch's worker pool (``batch.py``) kills such a worker from the
parent process instead.

POSIX uses ``setitimer(ITIMER_REAL)`` and SIGALRM (a blocking system call is
interrupted as well); elsewhere (Windows) a timer thread interrupts the main
thread.  Outside the main thread no limit is applied (signals reach the main
thread only).  A limit inside another one is not armed: the outer one applies.
"""

from __future__ import annotations

import contextlib
import math
import os
import signal
import threading
from collections.abc import Iterator
from types import FrameType
from typing import Any

from .errors import UsageError

FILE_SECONDS = 60.0  # default time budget of one file (README: 安全与可靠性)
FILE_SECONDS_ENV = "PBM_FILE_TIMEOUT"


class OverBudget(BaseException):
    """The time limit of the running ``time_limit`` block expired."""

    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.seconds = seconds


def seconds_text(seconds: float) -> str:
    """60 → "60", 0.5 → "0.5" (for messages)."""
    return f"{seconds:g}"


_OVER_BUDGET = "处理用时超过每个文件 "


def over_budget_reason(seconds: float) -> str:
    """The Chinese reason of an F009 finding for a file that ran out of time."""
    return (f"{_OVER_BUDGET}{seconds_text(seconds)} 秒的上限，已停止处理该文件"
            "（文件内部结构异常，可能已损坏或是特意构造的）")


def is_over_budget(reason: str) -> bool:
    return reason.startswith(_OVER_BUDGET)


def file_seconds() -> float:
    """The time budget of one file: PBM_FILE_TIMEOUT (seconds, 0 = no limit), default 60."""
    raw = os.environ.get(FILE_SECONDS_ENV, "").strip()
    if not raw:
        return FILE_SECONDS
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not math.isfinite(value) or value < 0:
        raise UsageError(f"环境变量 {FILE_SECONDS_ENV} 应为每个文件的处理时间上限（秒，0 表示不限），"
                         f"现为「{raw}」。")
    return value


_active: list[object] = []  # the armed limit (at most one)
_fired: list[object] = []  # the limit whose timer thread interrupted the main thread (no SIGALRM)


def _raise_if_active(token: object, seconds: float) -> None:
    if _active and _active[0] is token:
        raise OverBudget(seconds)


@contextlib.contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise ``OverBudget`` inside the block once ``seconds`` have passed (None/0: no limit)."""
    if not seconds or seconds <= 0 or _active or threading.current_thread() is not threading.main_thread():
        yield
        return
    token = object()
    arm = _itimer if hasattr(signal, "setitimer") else _timer_thread
    with arm(token, seconds):
        yield


@contextlib.contextmanager
def _itimer(token: object, seconds: float) -> Iterator[None]:
    def on_alarm(signum: int, frame: FrameType | None) -> None:
        _raise_if_active(token, seconds)

    previous = signal.signal(signal.SIGALRM, on_alarm)
    _active.append(token)
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds)
        yield
    finally:
        _active.clear()  # an alarm handled after this point is ignored
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def _timer_thread(token: object, seconds: float) -> Iterator[None]:
    """Without SIGALRM: a timer thread simulates SIGINT in the main thread; the handler
    raises OverBudget for this limit, and behaves as before for a real Ctrl-C."""
    import _thread

    previous: Any = signal.getsignal(signal.SIGINT)

    def on_interrupt(signum: int, frame: FrameType | None) -> None:
        if _fired and _fired[0] is token:
            _fired.clear()
            _raise_if_active(token, seconds)
        if previous == signal.SIG_IGN:
            return
        if callable(previous):
            previous(signum, frame)
            return
        raise KeyboardInterrupt

    def expire() -> None:
        if _active and _active[0] is token:
            _fired[:] = [token]
            _thread.interrupt_main(signal.SIGINT)

    signal.signal(signal.SIGINT, on_interrupt)
    _active.append(token)
    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    try:
        timer.start()
        yield
    finally:
        _active.clear()
        timer.cancel()
        _fired.clear()
        signal.signal(signal.SIGINT, previous)
