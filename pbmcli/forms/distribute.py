"""One pre-filled template per unit of a units directory, for distribution.

The directory is read by header labels (pbmcli.ledger.units); rows without a code or a
name and duplicate codes stop the run with a message naming the rows, since
every file is named after its unit code.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import RulePack
from ..errors import InputError, OutputExistsError, UsageError
from . import TITLES, build_template, check_kind

DISTRIBUTABLE = ("goal", "selfeval", "monitor")
_BAD_NAME = re.compile(r'[\\/:*?"<>|\s\x00-\x1f]+')
_SKIP_PREFIXES = ("合计", "说明", "注：", "注:")
_MAX_LISTED = 10


@dataclass(frozen=True)
class UnitEntry:
    """A unit of the directory with the spreadsheet row it came from (1-based)."""

    code: str
    name: str
    department: str
    row: int


def unit_filename(kind: str, unit: UnitEntry) -> str:
    """{单位编码}_{单位名称}_项目支出绩效自评表.xlsx, with characters Windows forbids removed."""
    code = _BAD_NAME.sub("_", unit.code).strip("_.")
    name = _BAD_NAME.sub("_", unit.name).strip("_.")[:60]
    return f"{code}_{name}_{TITLES[kind]}.xlsx"


def read_distribution_units(path: str | Path) -> list[UnitEntry]:
    """Units with code and name; blank rows skipped; missing or duplicate codes raise InputError."""
    from ..ledger.units import UNIT_HEADERS, find_header, read_whole_sheets

    aliases: dict[str, Sequence[str]] = dict(UNIT_HEADERS)
    for _sheet, rows in read_whole_sheets(path, "单位名录"):
        found = find_header(rows, aliases, ("code", "name"))
        if found is not None:
            start, cols = found
            return _entries(str(path), rows, start, cols)
    raise InputError(str(path), "没有找到单位名录的表头：需要「单位编码」和「单位名称」两列"
                     "（可用 pbm template units 生成标准单位名录）。", "F003")


def _entries(path: str, rows: Sequence[Sequence[Any]], start: int,
             cols: dict[str, int]) -> list[UnitEntry]:
    from ..ledger.units import cell_text

    def get(row: Sequence[Any], key: str) -> str:
        j = cols.get(key)
        return cell_text(row[j]) if j is not None and j < len(row) else ""

    entries: list[UnitEntry] = []
    problems: list[str] = []
    for index, row in enumerate(rows[start + 1:], start=start + 2):
        code, name = get(row, "code"), get(row, "name")
        if (not code and not name) or name.startswith(_SKIP_PREFIXES):
            continue
        if not code:
            problems.append(f"第 {index} 行「{name}」缺少单位编码")
        elif not name:
            problems.append(f"第 {index} 行编码「{code}」缺少单位名称")
        else:
            entries.append(UnitEntry(code, name, get(row, "department"), index))
    problems += _duplicates(entries)
    if problems:
        shown = "；".join(problems[:_MAX_LISTED])
        more = f"；另有 {len(problems) - _MAX_LISTED} 处" if len(problems) > _MAX_LISTED else ""
        raise InputError(path, f"单位名录有 {len(problems)} 处问题：{shown}{more}。"
                         "请补齐单位编码和名称、去掉重复编码后重试。", "F003")
    if not entries:
        raise InputError(path, "单位名录中没有任何单位（表头下方都是空行）。", "F003")
    return entries


def _duplicates(entries: Sequence[UnitEntry]) -> list[str]:
    rows_by_code: dict[str, list[int]] = {}
    for e in entries:
        rows_by_code.setdefault(e.code, []).append(e.row)
    return [f"单位编码「{code}」重复（第 {'、'.join(map(str, rows))} 行）"
            for code, rows in rows_by_code.items() if len(rows) > 1]


def _distinct_names(path: str, entries: Sequence[UnitEntry], targets: Sequence[Path]) -> None:
    """Two codes that differ only in characters a file name cannot hold would collide."""
    seen: dict[str, UnitEntry] = {}
    for entry, target in zip(entries, targets, strict=True):
        key = target.name.casefold()  # Windows file names ignore case
        if key in seen:
            first = seen[key]
            raise InputError(path, f"第 {first.row} 行和第 {entry.row} 行的单位编码「{first.code}」"
                             f"「{entry.code}」生成的文件名相同（{target.name}），请修改其中一个编码。",
                             "F003")
        seen[key] = entry


def write_unit_copies(kind: str, units_path: str | Path, out_dir: str | Path, *,
                      force: bool = False, pack: RulePack | None = None) -> list[Path]:
    """Write one pre-filled copy per unit into ``out_dir``; nothing is written if any
    target exists and ``force`` is not set."""
    from ..fileio import write_bytes

    if check_kind(kind) not in DISTRIBUTABLE:
        raise UsageError(f"「{kind}」模板不能按单位分发；--units 只能用于 "
                         + "、".join(DISTRIBUTABLE) + "。")
    entries = read_distribution_units(units_path)
    folder = Path(out_dir)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"--out-dir 指向的是一个文件而不是文件夹：{folder}")
    targets = [folder / unit_filename(kind, e) for e in entries]
    _distinct_names(str(units_path), entries, targets)
    existing = [t for t in targets if t.exists()]
    if existing and not force:
        extra = f" 等 {len(existing)} 个文件" if len(existing) > 1 else ""
        raise OutputExistsError(f"{existing[0]}{extra}")
    for entry, target in zip(entries, targets, strict=True):
        prefill = {"unit": entry.name, "unit_code": entry.code, "department": entry.department}
        write_bytes(target, build_template(kind, pack, prefill), force)
    return targets
