"""The ledger (台账): SQLite store, units directory, and the workspace commands that fill it."""

from .records import ExecutionRow
from .store import Ledger, LedgerError

__all__ = ["ExecutionRow", "Ledger", "LedgerError"]
