"""Fuzz real workbooks: random hostile cell contents in an otherwise valid self-evaluation.

Each example writes a real .xlsx (xlsxwriter), then runs the whole pure pipeline:
``read_submission`` → ``engine.check`` → ``scoring.score_submission``.  No
exception may escape; every outcome is a value or a Finding (an unreadable
workbook is an ``InputError`` with an F code, the reader's documented outcome),
and no number reported is NaN or infinite.  (``values.parse_value`` has its own
fuzz test in tests/test_values.py.)
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pbmcli.config import default_pack
from pbmcli.engine import check
from pbmcli.errors import InputError
from pbmcli.model import Finding
from pbmcli.readers import read_submission
from pbmcli.rules import RULES
from pbmcli.scoring import score_submission

try:  # `python -m pytest` from the repository root, or tests/ on sys.path
    from tests.hostile.factory import _write_selfeval
except ImportError:
    from hostile.factory import _write_selfeval  # type: ignore[no-redef]

PACK = default_pack()

# cells of the national self-evaluation in tests/hostile/factory.py: header, funds, indicators, totals
CELLS = ["B3", "E3", "B4", "C6", "D6", "E6", "F6", "G6", "H6", "D7", "E7", "B11", "E11",
         *[f"{c}{r}" for c in "BCDEFGHI" for r in range(13, 18)], "G18", "H18"]


class Formula(str):
    """A formula written without a cached value (what scripts produce)."""


class Date(dt.datetime):
    pass


CONTROL = "".join(chr(c) for c in (*range(0, 9), 11, 12, *range(14, 32), 127))
TEXT = st.text(alphabet=st.one_of(
    st.characters(codec="utf-8", exclude_categories=("Cs",)),
    st.sampled_from("达成年度指标≥≤％%万元个人次公里，。、—－‑―／·😀✓✗\u200b\ufeff\u3000" + CONTROL),
), max_size=40)
VALUE = st.one_of(
    TEXT,
    st.text(max_size=2_000).map(lambda t: t * 5),  # long text
    st.floats(allow_nan=True, allow_infinity=True),  # NaN/inf become #NUM! error cells
    st.floats(min_value=-1e308, max_value=1e308),
    st.sampled_from([1e-300, -1e-300, 5e-324, 1.7976931348623157e308, -0.0, 1e15, 123456789012.345]),
    st.integers(min_value=-(10**18), max_value=10**18),
    st.sampled_from(["NaN", "nan", "inf", "-inf", "Infinity", "1e309", "-1e309", "#DIV/0!", "#N/A",
                     "#REF!", "TRUE", "１２３", "1,234.5", "1.2.3", "—", "-", "/", "", " ", "\n"]),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 12, 31)).map(
        lambda d: Date(d.year, d.month, d.day, d.hour, d.minute)),
    st.sampled_from(["=1/0", "=F6*G6", "=SUM(H13:H17)", '=HYPERLINK("x")', "=A1"]).map(Formula),
    st.none(),
)


def _write(path: Path, changes: dict[str, Any]) -> Path:
    wb = xlsxwriter.Workbook(str(path), {"nan_inf_to_errors": True, "strings_to_formulas": False,
                                         "strings_to_numbers": False})
    ws = wb.add_worksheet("自评表")
    _write_selfeval(ws, big_text=None, amount=100.0)
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    for cell, value in changes.items():
        if value is None:
            ws.write_blank(cell, None)
        elif isinstance(value, Formula):
            ws.write_formula(cell, str(value))
        elif isinstance(value, bool):
            ws.write_boolean(cell, value)
        elif isinstance(value, dt.datetime):
            ws.write_datetime(cell, value, date_fmt)
        elif isinstance(value, int | float):
            ws.write_number(cell, value)
        else:
            ws.write_string(cell, value)
    wb.close()
    return _drop_formula_cache(path) if any(isinstance(v, Formula) for v in changes.values()) else path


def _drop_formula_cache(path: Path) -> Path:
    """xlsxwriter stores 0 as the cached value; scripts (openpyxl) store none."""
    buf = io.BytesIO()
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.startswith("xl/worksheets/"):
                data = re.sub(rb"(</f>)<v>[^<]*</v>", rb"\1", data)
            zout.writestr(info.filename, data)
    path.write_bytes(buf.getvalue())
    return path


def _finite(x: Any) -> bool:
    return x is None or not isinstance(x, float) or math.isfinite(x)


def _assert_findings(findings: list[Finding]) -> None:
    for f in findings:
        assert isinstance(f, Finding) and re.fullmatch(r"[A-Z]\d{3}", f.code)
        placeholders = RULES[f.code].placeholders if f.code in RULES else ()
        assert f.message and "Traceback" not in f.message
        assert not any("{" + name + "}" in f.message for name in placeholders), f.message
        assert len(f.message) < 2_000, f"{f.code}: message quotes a whole cell ({len(f.message)} chars)"


def _assert_score(result: Any) -> None:
    for name in ("total", "self_total", "difference"):
        assert _finite(getattr(result, name)), (name, getattr(result, name))
    ex = result.execution
    for name in ("budget", "spent", "rate", "points", "score"):
        assert _finite(getattr(ex, name, None)), (name, getattr(ex, name, None))
    for item in result.indicators:
        assert _finite(item.score), (item.indicator.name, item.score)
    _assert_findings(list(result.findings))


def _pipeline(changes: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = _write(Path(tmp) / "模糊.xlsx", changes)
        try:
            sub = read_submission(path)
        except InputError as exc:  # the reader's documented outcome for an unreadable file
            assert re.fullmatch(r"F0\d\d", exc.code) and exc.reason
            return
    _assert_findings(check(sub, PACK))
    _assert_score(score_submission(sub, PACK))


@settings(max_examples=120, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(CELLS), VALUE, min_size=1, max_size=8))
def test_random_cells_never_crash_the_pipeline(changes: dict[str, Any]) -> None:
    _pipeline(changes)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.sampled_from(["C6", "D6", "E6", "F6", "G6", "H6", "G13", "H13", "G18", "H18"]),
       st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([1e308, -1e308, 1e300])))
def test_extreme_numbers_where_amounts_and_scores_go(cell: str, value: float) -> None:
    _pipeline({cell: value})


def test_known_hard_cases() -> None:
    """Regression examples: overflowing sums, non-finite cached values, control characters."""
    for changes in ({"D6": 1e308, "E6": 1e308}, {"G13": 1e308, "G14": 1e308}, {"H13": -1e308},
                    {"D6": float("nan")}, {"B3": "\x00\x07项目\x1f"}, {"E13": "≥" + "9" * 400 + "%"},
                    {"H6": Formula("=F6*G6"), "H18": Formula("=SUM(H13:H17)")}):
        _pipeline(changes)
