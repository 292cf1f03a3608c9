"""The ledger (台账): SQLite store, units directory, and the workspace commands that fill it."""

from .store import ExecutionRow, Ledger, LedgerError

__all__ = ["ExecutionRow", "Ledger", "LedgerError"]
