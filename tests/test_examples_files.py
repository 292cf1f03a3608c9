"""The bundled examples (examples/): reproducible, consistent, correctly scored.

The generator is run into tmp_path and must reproduce the committed files by
content; planted.json must point at real files and cells; every clean
self-evaluation must carry exactly the national self-scores, recomputed here
with independent arithmetic (openpyxl values + Fraction, not the generator).
"""

from __future__ import annotations

import importlib.util
import io
import json
import re
import sys
import zipfile
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
GENERATOR = EXAMPLES / "generate_examples.py"
SPREADSHEETS = (".xlsx", ".xlsm")
COMPLETION = ("达成年度指标", "部分达成年度指标并具有一定效果", "未达成年度指标且效果较差")


def _load_generator():
    spec = importlib.util.spec_from_file_location("pbm_examples_generator", GENERATOR)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("examples")
    _load_generator().generate(out)
    return out


@pytest.fixture(scope="module")
def planted() -> dict:
    return json.loads((EXAMPLES / "planted.json").read_text("utf-8"))


def _files(root: Path) -> set[str]:
    skip = {"generate_examples.py"}
    return {p.relative_to(root).as_posix() for p in root.rglob("*")
            if p.is_file() and p.name not in skip and "__pycache__" not in p.parts}


def _sheets(data: bytes) -> dict[str, list[list]]:
    wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return {name: wb.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in wb.sheet_names}


def _zip_members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data), metadata_encoding="gbk") as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def _content(path: Path):
    data = path.read_bytes()
    if path.suffix in SPREADSHEETS and not path.name.startswith("~$"):
        return _sheets(data)
    if path.suffix == ".zip":
        return {name: _sheets(blob) for name, blob in _zip_members(data).items()}
    return data


def _blob(rel: str) -> bytes:
    """The bytes of a planted/clean file, looking inside a .zip when the path runs through one."""
    if ".zip/" in rel:
        archive, member = rel.split(".zip/", 1)
        return _zip_members((EXAMPLES / f"{archive}.zip").read_bytes())[member]
    return (EXAMPLES / rel).read_bytes()


# ----------------------------------------------------------------------------- reproduction

def test_generator_reproduces_committed_files(generated: Path) -> None:
    committed, fresh = _files(EXAMPLES), _files(generated)
    assert committed == fresh
    for rel in sorted(committed):
        assert _content(EXAMPLES / rel) == _content(generated / rel), rel


def test_generator_is_deterministic(generated: Path, tmp_path: Path) -> None:
    _load_generator().generate(tmp_path)
    for rel in _files(generated):
        assert (generated / rel).read_bytes() == (tmp_path / rel).read_bytes(), rel


def test_generator_does_not_import_pbmcli() -> None:
    source = GENERATOR.read_text("utf-8")
    assert not re.search(r"^\s*(from|import)\s+pbmcli", source, re.M)


def test_zip_member_names_are_gbk_without_utf8_flag() -> None:
    data = (EXAMPLES / "submissions/2026/自评/乡镇自评表打包.zip").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
    assert len(infos) == 2
    for info in infos:
        assert not info.flag_bits & 0x800
        raw = info.filename.encode("cp437")
        assert raw.decode("gbk").endswith(".xlsx")


def test_csv_months_are_gbk() -> None:
    for name in ("2026-02.csv", "2026-07.csv"):
        raw = (EXAMPLES / "execution" / name).read_bytes()
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")
        assert raw.decode("gbk").splitlines()[0].startswith("序号,单位编码,单位名称")


# ----------------------------------------------------------------------------- planted.json

_MUST_BE_BLANK = {"missing_header", "missing_target", "actual_missing", "deviation_reason_missing",
                  "pre_assessment_missing"}


def _a1(cell: str) -> tuple[int, int]:
    m = re.fullmatch(r"([A-Z]+)(\d+)", cell)
    assert m, cell
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)) - 1, col - 1


def test_planted_references_existing_files_and_cells(planted: dict) -> None:
    kinds = set()
    for m in planted["mistakes"]:
        kinds.add(m["kind"])
        data = _blob(m["file"])
        if m["cell"] is None:
            continue
        rows = _sheets(data)[m["sheet"]]
        r, c = _a1(m["cell"])
        value = rows[r][c] if r < len(rows) and c < len(rows[r]) else ""
        blank = value in ("", None)
        assert blank == (m["kind"] in _MUST_BE_BLANK), (m, value)
    assert len(kinds) == 30  # every kind of the vocabulary is planted at least once
    for rel in planted["clean_files"]:
        assert _blob(rel)
    planted_files = {m["file"] for m in planted["mistakes"]}
    assert not planted_files & set(planted["clean_files"])


def test_readme_lists_every_planted_mistake(planted: dict) -> None:
    readme = (EXAMPLES / "README.md").read_text("utf-8")
    for m in planted["mistakes"]:
        assert f"`{m['kind']}`" in readme and m["detail"] in readme


def test_local_pack_loads_and_overrides() -> None:
    from pbmcli.config import load

    pack = load(rules=EXAMPLES / "local-pack.toml", isolated=True)
    assert pack.name == "示例县本地规则包"
    assert pack.goal.satisfaction_min == 85.0
    assert pack.scoring.reverse_mode == "linear_penalty"
    assert pack.monitor.warning_yellow == 8.0
    assert pack.rank.top == 3


# ----------------------------------------------------------------------------- independent scoring

def _round(x: Fraction) -> Fraction:
    d = (Decimal(x.numerator) / Decimal(x.denominator)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return Fraction(d)


_NUM = re.compile(r"^(≥|≤|=|>|<)?\s*(\d+(?:\.\d+)?)\s*(.*)$")


def _split(text) -> tuple[str | None, Fraction | None, str]:
    if isinstance(text, int | float):
        return None, Fraction(str(text)), ""
    m = _NUM.match(str(text).strip())
    if not m:
        return None, None, str(text).strip()
    return m.group(1), Fraction(m.group(2)), m.group(3).strip()


def _header_cols(row) -> dict[str, int]:
    cols = {}
    for i, cell in enumerate(row):
        label = re.sub(r"\([A-Z/]+\)$", "", str(cell.value or "")).strip()
        if label:
            cols.setdefault(label, i)
    return cols


def _actual(cell) -> Fraction | str | None:
    value = cell.value
    if value in (None, ""):
        return None
    if isinstance(value, int | float):
        f = Fraction(str(value))
        return f * 100 if "%" in cell.number_format else f
    op, num, unit = _split(value)
    return num if num is not None else str(value).strip()


def _indicator_score(op, target, actual, weight: Fraction) -> Fraction:
    if op in ("≤", "<"):
        return weight if actual <= target else _round(target / actual * weight)
    if op == "=" and target == 0:
        return weight if actual <= 0 else Fraction(0)
    return weight if actual >= target else _round(actual / target * weight)


def _check_selfeval(data: bytes) -> int:
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(data), data_only=True).worksheets[0]
    rows = list(ws.iter_rows())
    head_i = next(i for i, r in enumerate(rows) if any(c.value == "三级指标" for c in r))
    cols = _header_cols(rows[head_i])
    fund_i = next(i for i, r in enumerate(rows) if any(c.value == "全年执行数" or str(c.value).startswith("全年执行数(")
                                                         for c in r))
    fcols = _header_cols(rows[fund_i])
    total_row = rows[fund_i + 1]
    budget = _split(total_row[fcols["全年预算数"]].value)[1]  # may be text "150万元"
    spent = _split(total_row[fcols["全年执行数"]].value)[1]
    exec_score = _round(min(spent / budget, Fraction(1)) * 10)
    assert Fraction(str(total_row[fcols["得分"]].value)) == exec_score
    total, checked = exec_score, 0
    for row in rows[head_i + 1:]:
        if row[0].value == "总分":
            assert Fraction(str(row[cols["得分"]].value)).limit_denominator(1000) == total
            return checked
        name = row[cols["三级指标"]].value
        if not name:
            continue
        weight = Fraction(str(row[cols["分值"]].value))
        written = Fraction(str(row[cols["得分"]].value)).limit_denominator(1000)
        target_cell = row[cols.get("年度指标值", cols.get("指标值"))]
        op, target, _unit = _split(target_cell.value)
        if "指标性质" in cols:
            op = row[cols["指标性质"]].value if row[cols["指标性质"]].value != "定性" else None
        actual = _actual(row[cols["实际完成值"]])
        if target is None:  # qualitative: the self-score must lie in its band
            band = {COMPLETION[0]: (Fraction(8, 10), 1), COMPLETION[1]: (Fraction(6, 10), Fraction(8, 10))}[actual]
            assert band[0] * weight <= written <= band[1] * weight, name
        else:
            assert written == _indicator_score(op, target, actual, weight), name
        if written < weight:
            reason_col = next(v for k, v in cols.items() if "原因" in k)
            assert row[reason_col].value, f"{name}: 得分低于分值却没有偏差原因"
        total += written
        checked += 1
    raise AssertionError("no 总分 row")


def test_clean_selfevals_carry_national_scores(planted: dict) -> None:
    clean = [f for f in planted["clean_files"] if "/自评/" in f]
    assert len(clean) >= 8
    for rel in clean:
        assert _check_selfeval(_blob(rel)) >= 6, rel


def test_independent_scorer_catches_a_wrong_score(planted: dict) -> None:
    """The arithmetic above is not vacuous: the inflated self-evaluation fails it."""
    inflated = next(m["file"] for m in planted["mistakes"] if m["kind"] == "inflated_total")
    with pytest.raises(AssertionError):
        _check_selfeval(_blob(inflated))
