"""Units directory (单位名录) and tabular reading shared by units, monitor and rectify.

A units.xlsx has the header labels 单位编码, 单位名称, 简称/别名, 主管部门, 类别, 联系人
in any column order, possibly below title lines.  Submissions and export rows are
matched to a unit by code, then exact normalised name, then alias; an unmatched
unit becomes a U401 finding naming the closest names.
"""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..model import Finding

_ALIAS_SPLIT = re.compile(r"[、,，;；/／\s]+")
_PAREN = re.compile(r"[（(][^）)]*[）)]")
_SPACE = re.compile(r"\s+")
_SPREADSHEET = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}

UNIT_HEADERS: dict[str, tuple[str, ...]] = {
    "code": ("单位编码", "单位代码", "编码", "代码"),
    "name": ("单位名称", "单位", "名称"),
    "aliases": ("简称/别名", "简称", "别名", "简称别名"),
    "department": ("主管部门", "主管单位"),
    "category": ("类别", "单位类别", "类型"),
    "contact": ("联系人", "联系方式", "联系人及电话"),
}


@dataclass(frozen=True)
class Unit:
    """One budget unit of the directory."""

    code: str
    name: str
    aliases: tuple[str, ...] = ()
    department: str = ""
    category: str = ""
    contact: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "aliases": list(self.aliases),
                "department": self.department, "category": self.category, "contact": self.contact}


def normalize(text: object) -> str:
    """Full-width → half-width, no whitespace: the key for name and label comparisons."""
    if text is None:
        return ""
    if isinstance(text, float) and text.is_integer():
        text = int(text)
    return _SPACE.sub("", unicodedata.normalize("NFKC", str(text))).strip()


def label_key(text: object) -> str:
    """A header label without units in brackets: 「全年预算数（万元）」 → 全年预算数."""
    return _PAREN.sub("", normalize(text))


def cell_text(value: object) -> str:
    """A cell as text: 1001.0 → "1001", None → ""."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# --------------------------------------------------------------------------- tables


def read_csv_rows(path: Path, max_rows: int = 0, max_cols: int = 0) -> tuple[list[list[Any]], str]:
    """A CSV file (UTF-8 or GBK, comma/semicolon/tab) as rows of strings, read as a stream and
    cut at ``max_rows`` × ``max_cols`` (the bounds of a spreadsheet sheet): (rows, what was
    left out, in Chinese; "" when nothing)."""
    max_rows, max_cols = max_rows or EXPORT_MAX_ROWS, max_cols or EXPORT_MAX_COLS
    for enc in ("utf-8-sig", "gb18030"):  # GB18030 is a superset of GBK
        try:
            return _csv_rows(path, enc, max_rows, max_cols)
        except UnicodeDecodeError:
            continue
    raise InputError(str(path), "无法识别文本编码（既不是 UTF-8 也不是 GBK），请在 Excel 中另存为 xlsx 后重试。")


def _csv_rows(path: Path, encoding: str, max_rows: int, max_cols: int) -> tuple[list[list[Any]], str]:
    rows: list[list[Any]] = []
    wide = beyond = False
    with path.open(encoding=encoding, newline="") as fh:
        try:
            dialect: Any = csv.Sniffer().sniff(fh.read(4096), delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        fh.seek(0)
        try:
            for row in csv.reader(fh, dialect):
                if len(rows) >= max_rows:
                    if any(c.strip() for c in row):  # a row with content past the last row read
                        beyond = True
                        break
                    continue
                wide = wide or any(c.strip() for c in row[max_cols:])
                rows.append(row[:max_cols])
        except csv.Error as exc:
            raise InputError(str(path), f"CSV 文件格式有误（第 {len(rows) + 1} 行附近：{exc}），"
                             "请在 Excel 中打开后另存为 xlsx 再试。") from None
    cut = [f"第 {max_rows:,} 行之后" if beyond else "", f"第 {max_cols} 列之后" if wide else ""]
    left = "和".join(c for c in cut if c)
    return rows, f"{left}还有内容，已忽略这些内容" if left else ""


# bounds for tabular exports (far larger than a form, still bounded).  python-calamine
# allocates rows × columns densely up to the farthest cell: 1,000,000 × 100 let one cell
# at CV999999 abort the process; 100,000 × 60 is ~6M cells (a few hundred MB at most).
EXPORT_MAX_ROWS = 100_000
EXPORT_MAX_COLS = 60


def read_sheets(path: str | Path, max_rows: int = EXPORT_MAX_ROWS) -> list[tuple[str, list[list[Any]]]]:
    """Every sheet of a spreadsheet (or the one table of a CSV) as (name, rows).

    Spreadsheets go through the reader's sniffing and bounds (encrypted, renamed,
    far cells: F-coded InputError, never a crash).
    """
    return read_sheets_noted(path, max_rows)[0]


def read_whole_sheets(path: str | Path, what: str) -> list[tuple[str, list[list[Any]]]]:
    """``read_sheets`` for a list that must be read whole (a units directory, a rectification
    list): content beyond the bounds stops with F009 instead of importing part of it."""
    sheets, notes = read_sheets_noted(path)
    cut = [n.actual.replace("，已忽略这些内容", "") for n in notes if n.code == "F009" and n.actual]
    if cut:
        raise InputError(str(path), f"{'；'.join(cut)}。{what}不能只读入一部分，本次未导入任何内容：请检查是否选错了文件，"
                         f"或删去多余的行、列后重试（每个工作表最多读取前 {EXPORT_MAX_ROWS:,} 行 × {EXPORT_MAX_COLS} 列）。",
                         "F009")
    return sheets


# what the reader noticed while opening a table → (rule code, severity) of the finding
_ISSUE_CODES = {"wrong_extension": "F011", "out_of_bounds": "F009"}


def read_sheets_noted(path: str | Path, max_rows: int = EXPORT_MAX_ROWS
                      ) -> tuple[list[tuple[str, list[list[Any]]]], list[Finding]]:
    """``read_sheets`` plus what the reader noticed (a renamed file read by its real format,
    content beyond the bounds ignored) as warning findings naming the file."""
    from ..rules import finding_for

    p = Path(path)
    if not p.is_file():
        raise InputError(str(p), "文件不存在，请检查路径。")
    if p.stat().st_size == 0:
        raise InputError(str(p), "文件是空的（0 字节）。", "F008")
    if p.suffix.lower() in (".csv", ".txt"):
        rows, left = read_csv_rows(p, max_rows, EXPORT_MAX_COLS)
        cut = [finding_for("F009", path=str(p), reason=f"{p.name}：{left}", actual=left)] if left else []
        return [(p.stem, rows)], cut
    from ..readers import open_item

    wb = open_item(p, max_rows=max_rows, max_cols=EXPORT_MAX_COLS)
    notes = [finding_for(_ISSUE_CODES.get(i.kind, "F001"), path=str(p), reason=f"{p.name}：{i.detail}",
                         actual=i.detail)
             for i in wb.issues if i.detail]
    return [(s.name, wb.sheet(s.name).rows) for s in wb.sheets], notes


def find_header(rows: Sequence[Sequence[Any]], aliases: Mapping[str, Sequence[str]],
                required: Iterable[str], scan: int = 30,
                min_cols: int = 2) -> tuple[int, dict[str, int]] | None:
    """The first row (within ``scan``) whose labels cover ``required`` and at least ``min_cols``
    known columns (a title line naming one word is no header): (row index, {key: col})."""
    need = set(required)
    for i, row in enumerate(rows[:scan]):
        cols = match_columns(row, aliases)
        if need <= set(cols) and len(cols) >= min_cols:
            return i, cols
    return None


def match_columns(row: Sequence[Any], aliases: Mapping[str, Sequence[str]]) -> dict[str, int]:
    """Map keys to column indexes: exact label first, then the longest alias contained."""
    labels = [label_key(c) for c in row]
    cols: dict[str, int] = {}
    taken: set[int] = set()
    for exact in (True, False):
        for key, names in aliases.items():
            if key in cols:
                continue
            keys = sorted((label_key(n) for n in names), key=len, reverse=True)
            for j, lab in enumerate(labels):
                if j in taken or not lab:
                    continue
                if any((lab == k) if exact else (k in lab) for k in keys):
                    cols[key] = j
                    taken.add(j)
                    break
    return cols


# --------------------------------------------------------------------------- directory


def split_aliases(text: object) -> tuple[str, ...]:
    """「财政局、县财政，czj」 → ("财政局", "县财政", "czj")."""
    return tuple(a for a in _ALIAS_SPLIT.split(cell_text(text)) if a)


def read_units(path: str | Path) -> list[Unit]:
    """Read a units directory (xlsx/xls/csv) by its header labels."""
    for _sheet, rows in read_whole_sheets(path, "单位名录"):
        found = find_header(rows, UNIT_HEADERS, ("code", "name"))
        if found is None:
            continue
        start, cols = found
        units: list[tuple[int, Unit]] = []
        no_code: list[tuple[int, Unit]] = []
        for n, r in enumerate(rows[start + 1:], start=start + 2):
            if (got := _unit_from_row(r, cols)) is not None:
                units.append((n, got[0]))
                if not got[1]:
                    no_code.append((n, got[0]))
        _refuse_duplicates(path, units)
        _refuse_ambiguous(path, units, no_code)
        return [u for _, u in units]
    raise InputError(str(path), "没有找到单位名录的表头（需要「单位编码」和「单位名称」两列）。", "F003")


def _refuse_duplicates(path: str | Path, units: Sequence[tuple[int, Unit]]) -> None:
    """Two rows with the same unit code: stop (one would silently overwrite the other)."""
    rows: dict[str, list[int]] = {}
    for row, u in units:
        rows.setdefault(normalize(u.code), []).append(row)
    dups = [f"单位编码「{code}」重复（第 {'、'.join(map(str, r))} 行）" for code, r in rows.items() if len(r) > 1]
    if dups:
        raise InputError(str(path), f"单位名录中有 {len(dups)} 个重复的单位编码：{'；'.join(dups[:20])}"
                         f"{'；等' if len(dups) > 20 else ''}。每个单位编码只能出现一次，"
                         "请删除或改正重复的行后重试（本次未导入任何单位）。", "F003")


def _refuse_ambiguous(path: str | Path, units: Sequence[tuple[int, Unit]],
                      no_code: Sequence[tuple[int, Unit]]) -> None:
    """A row without a 单位编码, or a name or 简称 that names two units (a form written with it
    would go to either): stop, saying which rows, before anything is imported."""
    problems = [f"第 {row} 行「{u.name}」没有填单位编码" for row, u in no_code]
    named: dict[str, dict[str, int]] = {}
    for row, u in units:
        for text in (u.name, *u.aliases):
            named.setdefault(normalize(text), {}).setdefault(u.code, row)
    problems += [f"「{text}」同时是第 {'、'.join(str(r) for r in rows.values())} 行几个单位的名称或简称"
                 for text, rows in named.items() if text and len(rows) > 1]
    if problems:
        raise InputError(str(path), f"单位名录有 {len(problems)} 处需要改正：{'；'.join(problems[:20])}"
                         f"{'；等' if len(problems) > 20 else ''}。每个单位要有自己的编码，一个简称只能指一个单位；"
                         "请改正后重试（本次未导入任何单位）。", "F003")


def _unit_from_row(row: Sequence[Any], cols: dict[str, int]) -> tuple[Unit, bool] | None:
    """The row's unit, and whether its 单位编码 was written (else the name stands in)."""
    def get(key: str) -> str:
        j = cols.get(key)
        return cell_text(row[j]) if j is not None and j < len(row) else ""

    code, name = get("code"), get("name")
    if not name or name.startswith(("合计", "说明", "注：")):
        return None
    return Unit(code=code or name, name=name, aliases=split_aliases(get("aliases")),
                department=get("department"), category=get("category"), contact=get("contact")), bool(code)


class UnitMatcher:
    """Match free text (code / name) to a unit: code, exact normalised name, alias."""

    def __init__(self, units: Iterable[Unit]) -> None:
        self.units = list(units)
        self._by_code = {normalize(u.code): u for u in self.units}
        # 001 written as the number 1 by a spreadsheet: digits compare without leading zeros
        self._by_digits = {c.lstrip("0"): u for c, u in self._by_code.items() if c.isdigit()}
        self._by_name = {normalize(u.name): u for u in self.units}
        self._by_alias: dict[str, Unit] = {}
        for u in self.units:
            for a in u.aliases:
                self._by_alias.setdefault(normalize(a), u)

    def match(self, code: object = None, name: object = None) -> Unit | None:
        c, n = normalize(code), normalize(name)
        if c and c in self._by_code:
            return self._by_code[c]
        if c.isdigit() and c.lstrip("0") in self._by_digits:
            return self._by_digits[c.lstrip("0")]
        if n and n in self._by_name:
            return self._by_name[n]
        if n and n in self._by_alias:
            return self._by_alias[n]
        return None

    def suggest(self, text: object, n: int = 3) -> list[str]:
        """The closest unit names (by name or alias) to ``text``."""
        key = normalize(text)
        pool = {normalize(u.name): u.name for u in self.units}
        pool.update({normalize(a): u.name for u in self.units for a in u.aliases})
        close = difflib.get_close_matches(key, list(pool), n=n * 2, cutoff=0.3)
        if not close:
            close = [k for k in pool if key and (key in k or k in key)]
        names: list[str] = []
        for k in close:
            if pool[k] not in names:
                names.append(pool[k])
        return names[:n]

    def unmatched(self, text: str, path: str = "", where: str = "") -> Finding:
        """U401: the unit text matches no code, name or alias of the directory (``where``: the
        row, "第 3 行", when the finding has no cell)."""
        hint = self.suggest(text)
        tip = f"最接近的单位：{'、'.join(hint)}" if hint else "单位名录中没有相近的名称"
        from ..rules import finding_for

        said = f"{where}的单位" if where else "单位"
        return finding_for("U401", path=path, actual=text,
                           detail=(f"{said}「{text}」在单位名录中找不到（按编码、名称、简称均未匹配）。{tip}。"
                                   "请核对单位名称，或在单位名录的「简称/别名」列补充该写法后用 pbm ledger --units 重新导入。"))


def missing_units(units: Iterable[Unit], seen_codes: Iterable[str]) -> list[dict[str, str]]:
    """Units of the directory with no submission / export row: 未报送."""
    seen = set(seen_codes)
    return [{"unit": u.name, "code": u.code} for u in units if u.code not in seen]
