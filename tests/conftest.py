"""Shared fixtures."""

from __future__ import annotations

import pytest

from pbmcli.config import RulePack, default_pack


@pytest.fixture(scope="session")
def pack() -> RulePack:
    """The built-in national rule pack, no local files."""
    return default_pack()
