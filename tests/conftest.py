"""Shared fixtures; hypothesis keeps its example database in a temporary folder (never in the
repository); the slow end-to-end tests carry the ``slow`` mark (``pytest -m "not slow"``)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import configuration, settings
from hypothesis.database import DirectoryBasedExampleDatabase

from pbmcli.config import RulePack, default_pack

# pytest-xdist's workers set COLUMNS=80 and LINES=24; pbm's console reads them (a 24-line
# terminal cuts long output), so every run sees the same terminal as a plain `pytest`
for _name in ("COLUMNS", "LINES"):
    os.environ.pop(_name, None)

_HYPOTHESIS = Path(tempfile.gettempdir()) / "pbm-hypothesis"
configuration.set_hypothesis_home_dir(str(_HYPOTHESIS))  # not .hypothesis/ in the repository
# CI (`.ci/run` sets PBM_CI=1) runs the same examples every time, so a landing never depends on
# luck; local runs keep exploring new examples (and remember the failures they find)
if os.environ.get("PBM_CI"):
    settings.register_profile("pbm", derandomize=True, database=None)
else:
    settings.register_profile("pbm", database=DirectoryBasedExampleDatabase(str(_HYPOTHESIS / "examples")))
settings.load_profile("pbm")

# whole modules of end-to-end runs: subprocesses, kill -9, the full demo
_SLOW_MODULES = {"test_demo.py", "test_isolated.py", "test_fuzz_forms.py", "test_gbk_console.py", "test_pipes.py"}
_SLOW_TESTS = {"test_no_command_modifies_an_input", "test_ingest_killed_midway_leaves_a_consistent_ledger",
               "test_jobs_2_equals_jobs_1", "test_the_pool_kills_a_worker_stuck_past_the_budget"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        name = getattr(item, "originalname", item.name)
        if item.path.name in _SLOW_MODULES or name in _SLOW_TESTS:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def pack() -> RulePack:
    """The built-in national rule pack, no local files."""
    return default_pack()
