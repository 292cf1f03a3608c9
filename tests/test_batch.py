"""Batch runner: order, per-item failures, pool fallback when a worker dies."""

from __future__ import annotations

import os
import sys

import pytest

from pbmcli.batch import SMALL_BATCH, WORKER_DIED, ItemFailure, chunk_size, run_batch

MAIN_PID = os.getpid()
N = SMALL_BATCH + 37  # large enough to use the pool


def square(item: int, pack: object) -> tuple[int, int]:
    return item, item * item


def fragile(item: int, pack: object) -> tuple[int, int]:
    if item % 17 == 3:
        raise ValueError(f"bad item {item}")
    return item, item * item


def dies_in_worker(item: int, pack: object) -> tuple[int, int]:
    if item == 50 and os.getpid() != MAIN_PID:
        os._exit(1)  # simulate a crashed worker process (segfault, OOM kill)
    return item, os.getpid()


def kills_on_multiples_of_30(item: int, pack: object) -> tuple[int, int]:
    if item % 30 == 0 and os.getpid() != MAIN_PID:
        os._exit(1)
    return item, os.getpid()


def as_error(item: int, message: str) -> tuple[int, str]:
    return item, message


@pytest.mark.parametrize("jobs", [1, 2])
def test_results_are_in_input_order(pack, jobs: int):
    items = list(range(N))
    assert list(run_batch(items, square, pack, jobs=jobs)) == [(i, i * i) for i in items]


@pytest.mark.parametrize("jobs", [1, 2])
def test_one_failure_does_not_stop_the_batch(pack, jobs: int):
    results = list(run_batch(range(N), fragile, pack, jobs=jobs, on_error=as_error))
    assert [r[0] for r in results] == list(range(N))
    failed = [r for r in results if isinstance(r[1], str)]
    assert [r[0] for r in failed] == [i for i in range(N) if i % 17 == 3]
    assert failed[0][1] == "ValueError: bad item 3"


def test_default_failure_result(pack):
    results = list(run_batch([3, 4], fragile, pack, jobs=1))
    assert results[0] == ItemFailure(3, "ValueError: bad item 3")
    assert results[1] == (4, 16)


def test_a_worker_killer_gets_an_error_result_and_the_rest_goes_on(pack):
    results = list(run_batch(range(N), dies_in_worker, pack, jobs=2, on_error=as_error))
    assert [r[0] for r in results] == list(range(N))
    assert results[50] == (50, WORKER_DIED)
    # every other item was processed in a worker; the main process never ran one
    assert all(isinstance(pid, int) and pid != MAIN_PID for i, pid in results if i != 50)


def test_several_killers(pack):
    results = list(run_batch(range(N), kills_on_multiples_of_30, pack, jobs=2))
    failed = [r.item for r in results if isinstance(r, ItemFailure)]
    assert failed == [i for i in range(N) if i % 30 == 0]
    assert [r[0] for r in results if not isinstance(r, ItemFailure)] == [
        i for i in range(N) if i % 30]


def test_small_batches_run_in_process(pack):
    results = list(run_batch(range(5), dies_in_worker, pack, jobs=2))
    assert {pid for _, pid in results} == {MAIN_PID}


def test_pool_uses_worker_processes(pack):
    results = list(run_batch(range(N), dies_in_worker, pack, jobs=2))
    assert any(pid != MAIN_PID for i, pid in results if i < 40)


def test_chunk_size_balances_and_caps():
    assert chunk_size(100, 2) == 7
    assert chunk_size(100_000, 2) == 128
    assert chunk_size(1, 8) == 1


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork is pinned on Linux (and other POSIX but macOS)")
def test_workers_are_forked_whatever_the_default_start_method() -> None:
    import multiprocessing

    from pbmcli.batch import start_context

    assert start_context().get_start_method() == "fork"
    before = multiprocessing.get_start_method(allow_none=True)
    assert multiprocessing.get_start_method(allow_none=True) == before  # asking changes nothing
