"""Hostile execution exports through `pbm monitor` (one export file per run).

An unreadable export stops the command (exit 2) with the Chinese reason; a
readable one with odd content is read, its figures right, and what was odd is
said on stderr.  Exports that may kill the process run in a child under RLIMIT_AS.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from . import factory as hf
from .conftest import Corpus, Run, assert_clean_run, invoke, run_isolated, squash

TOTAL = {"budget": 1500.0, "spent": 1000.0}


def _strict_json(text: str) -> Any:
    def refuse(token: str) -> None:
        raise AssertionError(f"invalid JSON token {token} in the output")

    return json.loads(text, parse_constant=refuse)


def _numeric(value: bytes) -> Callable[[Path], Path]:
    """The export with the budget of 项目A (D3) stored as the raw number text ``value``."""
    def build(folder: Path) -> Path:
        def change(name: str, data: bytes) -> bytes:
            if name != "xl/worksheets/sheet1.xml":
                return data
            return re.sub(rb'(<c r="D3"[^>]*>)<v>[^<]*</v>', rb"\1<v>" + value + b"</v>", data, count=1)

        return hf._rewrite(hf.export(folder / "_e.xlsx"), folder / f"执行_{value.decode()}.xlsx", change)

    return build


def _on(base: Callable[..., Path]) -> Callable[[Path], Path]:
    return lambda folder: base(folder, hf.export)


# name -> (builder, in a child process?, expected: "read" or the Chinese reason of exit 2)
EXPORTS: dict[str, tuple[Callable[[Path], Path], bool, str]] = {
    "clean": (lambda folder: hf.export(folder / "执行情况.xlsx"), False, "read"),
    "zero_byte": (hf.zero_byte, False, "0 字节"),
    "truncated_zip": (_on(hf.truncated_zip), False, "损坏"),
    "encrypted": (_on(hf.encrypted), False, "密码"),
    "xls_renamed": (hf.export_xls_renamed, False, "read"),
    "csv_renamed": (hf.export_csv_renamed, False, "read or 扩展名"),  # read as CSV, or refused (F001 naming the extension)
    "zip_bomb": (_on(hf.zip_bomb), True, "上限"),
    "laughs_shared_strings": (_on(hf.laughs_shared_strings), True, "无法读取"),
    "laughs_sheet_ref": (_on(hf.laughs_sheet_ref), True, "无法读取"),
    "laughs_sheet": (_on(hf.laughs_sheet), True, "read"),
    "dimension_claim": (_on(hf.dimension_claim), True, "read"),
    "far_cell": (_on(hf.far_cell), True, "read"),
    # inside a 1,000,000 × 100 table bound, this one cell made calamine allocate ~100M cells
    "far_cell_cv999999": (lambda folder: hf.far_cell_at(folder, "CV999999", hf.export), True, "read"),
}


def _monitor(path: Path, child: bool) -> Run:
    db = path.parent / "台账.sqlite"
    args: list[str | Path] = ["monitor", "-p", "2026-10", "--db", db, "--format", "json", path]
    return run_isolated(args)[0] if child else invoke(*args)


@pytest.mark.parametrize("name", EXPORTS)
def test_hostile_export(name: str, corpus: Corpus) -> None:
    build, child, expected = EXPORTS[name]
    path = corpus.export(name, build)
    run = _monitor(path, child)
    assert_clean_run(run)
    if expected.startswith("read") and run.exit_code in (0, 1):
        total = _strict_json(run.stdout)["total"]
        assert {k: total[k] for k in TOTAL} == TOTAL
    elif expected.startswith("read or "):
        assert run.exit_code == 2 and expected[len("read or "):] in squash(run.stderr)
    else:
        assert run.exit_code == 2
        assert squash(expected) in squash(run.stderr) and path.name in run.stderr


def _said(run: Run) -> str:
    """What monitor told the clerk: stderr, and the notes of its JSON."""
    notes = _strict_json(run.stdout).get("notes", []) if run.exit_code in (0, 1) else []
    return squash(run.stderr + json.dumps(notes, ensure_ascii=False))


@pytest.mark.parametrize("name", ["xls_renamed", "csv_renamed"])
def test_renamed_export_is_read_and_the_extension_reported(name: str, corpus: Corpus) -> None:
    build, child, _ = EXPORTS[name]
    assert "扩展名" in _said(_monitor(corpus.export(name, build), child))


def test_far_cell_in_export_is_reported(corpus: Corpus) -> None:
    build, _, _ = EXPORTS["far_cell"]
    assert "已忽略" in _said(_monitor(corpus.export("far_cell", build), True))


@pytest.mark.parametrize("value", [b"inf", b"NaN", b"1E+308", b"-1E+308"])
def test_non_finite_or_absurd_amount_is_no_crash(value: bytes, corpus: Corpus, tmp_path: Path) -> None:
    path = corpus.export(f"number_{value.decode()}", _numeric(value))
    run = _monitor(path, False)
    assert_clean_run(run)
    assert run.exit_code in (0, 1)
    data = _strict_json(run.stdout)  # NaN/Infinity are not JSON
    assert all(v is None or math.isfinite(v) for v in data["total"].values())
    if value in (b"inf", b"NaN"):  # not a number: said, naming the row, unit and cell
        assert "第 3 行" in run.stderr and "县财政局" in run.stderr and "D3" in run.stderr
    else:
        assert data["total"]["spent"] == 1000.0
    out = tmp_path / "监控.xlsx"  # the xlsx writer refuses NaN/inf: none may reach it
    assert_clean_run(invoke("monitor", "-p", "2026-10", "--db", tmp_path / "台账.sqlite", "--format", "xlsx",
                            "-o", out, path))
    assert out.is_file()


def test_text_amounts_are_findings(corpus: Corpus) -> None:
    run = _monitor(corpus.export("bad_amounts", hf.export_bad_amounts), False)
    assert_clean_run(run)
    said = squash(run.stderr)
    assert "「NaN」" in said and "「-inf」" in said and said.count("不是数字") >= 2
    assert "D3" in said and "E4" in said  # each bad cell named
    assert all(v is None or math.isfinite(v) for v in _strict_json(run.stdout)["total"].values())


TABLE_CASES = {"zero_byte": "0 字节", "truncated_zip": "损坏", "encrypted": "密码", "zip_bomb": "上限",
               "far_cell": ""}


def test_hostile_tables_for_units_and_rectification(corpus: Corpus, tmp_path: Path) -> None:
    """units.xlsx (template --units, ledger --units) and 整改清单 (rectify import) are read by the
    same bounded reader: an unreadable table stops with its Chinese reason, a far cell never kills."""
    files = {name: corpus.export(name, EXPORTS[name][0]) for name in TABLE_CASES}
    db = tmp_path / "台账.sqlite"
    invocations = [args for path in files.values() for args in (
        ["template", "selfeval", "--units", path, "--out-dir", tmp_path / f"分发_{path.stem}"],
        ["ledger", "--units", path, "--db", db],
        ["rectify", "import", path, "--db", db])]
    runs = run_isolated(*invocations)
    assert len(runs) == 3 * len(TABLE_CASES)
    for i, (name, reason) in enumerate(TABLE_CASES.items()):
        for run in runs[3 * i:3 * i + 3]:
            assert_clean_run(run)
            if reason:
                assert run.exit_code == 2 and squash(reason) in squash(run.stderr), (name, run.stderr)
