"""The CLI is a thin layer: it parses options and calls the core; storage and file formats
(SQLite, Excel writers and readers, Word) live in the core only."""

from __future__ import annotations

import ast
from pathlib import Path

CLI = Path(__file__).resolve().parent.parent / "pbmcli" / "cli"
FORBIDDEN = {"sqlite3", "openpyxl", "xlsxwriter", "docx", "python_calamine"}


def test_no_cli_module_imports_storage_or_file_formats():
    found = []
    for path in CLI.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else [])
            found += [f"{path.name}: {n}" for n in names if n.split(".")[0] in FORBIDDEN]
    assert found == []


def test_the_cli_writes_no_ledger_itself():
    """Recording in the ledger is core work (monitor.record, workspace.ingest …)."""
    text = "\n".join(p.read_text("utf-8") for p in CLI.glob("*.py"))
    assert "record_execution(" not in text and "log_run(" not in text


def test_only_the_ledger_store_speaks_sqlite():
    """Rankings, results application and notices read typed records (SubmissionRecord,
    ExecutionRecord, FindingRecord), never ``sqlite3.Row``."""
    root = CLI.parent
    users = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import) and any(a.name == "sqlite3" for a in node.names):
                users.append(path.relative_to(root).as_posix())
    assert users == ["ledger/store.py"]
