"""Build the real-world corpus workbooks from their transcriptions.

Each ``forms/<id>.toml`` is a faithful transcription of one published form
(see README.md beside this file for the format).  This script turns it into an
.xlsx with openpyxl, cell by cell, with the merges and number formats it lists.
It never imports pbm: the corpus must not depend on the code it tests.

    python tests/realworld/build.py OUT_DIR [ID ...]
    python tests/realworld/build.py --manifest > tests/realworld/manifest.md
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

HERE = Path(__file__).resolve().parent
FORMS = HERE / "forms"


def load(form_id: str) -> dict[str, Any]:
    with (FORMS / f"{form_id}.toml").open("rb") as fh:
        return tomllib.load(fh)


def all_ids() -> list[str]:
    return sorted(p.stem for p in FORMS.glob("*.toml"))


def _cell_value(raw: Any) -> tuple[Any, str | None]:
    """A transcribed cell: "" (blank), a string, a number, or {v = …, fmt = "0.00%"}."""
    if isinstance(raw, dict):
        return raw.get("v"), raw.get("fmt")
    if raw == "":
        return None, None
    return raw, None


def _fill_sheet(ws: Any, spec: dict[str, Any]) -> None:
    widths: dict[int, int] = {}
    for r, row in enumerate(spec.get("rows", []), start=1):
        for c, raw in enumerate(row, start=1):
            value, fmt = _cell_value(raw)
            if value is None:
                continue
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # text typed as "=8个", not a formula
            if fmt:
                cell.number_format = fmt
            widths[c] = max(widths.get(c, 8), min(40, len(str(value)) * 2))
    for rng in spec.get("merges", []):
        ws.merge_cells(rng)
    for c, w in widths.items():
        ws.column_dimensions[get_column_letter(c)].width = w


def build(form_id: str, out_dir: Path) -> Path:
    """Write ``out_dir/<file name>`` for one transcription and return its path."""
    spec = load(form_id)
    wb = Workbook()
    sheets = spec.get("sheets") or [spec["sheet"]]
    for i, sheet in enumerate(sheets):
        ws = wb.active if i == 0 else wb.create_sheet()
        ws.title = sheet.get("name", f"Sheet{i + 1}")
        _fill_sheet(ws, sheet)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / spec.get("file_name", f"{form_id}.xlsx")
    wb.save(path)
    return path


_LEVELS = {"county": "县区乡镇", "city": "市州", "province": "省级"}
_KINDS = {"goal": "绩效目标表", "selfeval": "绩效自评表"}


def manifest() -> str:
    """The corpus table of contents (manifest.md), one row per transcription."""
    lines = [
        "# 真实表格样本清单（自动生成，请勿手改）",
        "",
        "由 `python tests/realworld/build.py --manifest > tests/realworld/manifest.md` 从 forms/*.toml 生成。"
        "每张表的转录、人工推导的读取结果、应报问题和复核算式都在对应的 .toml 文件里。",
        "",
        "| 编号 | 省份 | 层级 | 表格 | 截断 | 应报问题 | 复核总分 | 来源 | 发布日期 | 读取日期 |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    provinces: set[str] = set()
    for form_id in all_ids():
        spec = load(form_id)
        exp = spec.get("expected", {})
        provinces.add(spec["province"])
        total = exp.get("total", "")
        total = "数据不足" if total == "insufficient" else (f"{total:g}" if isinstance(total, float | int) else "")
        lines.append(
            f"| `{form_id}` | {spec['province']} | {_LEVELS[spec['level']]} | {_KINDS[spec['kind']]} | "
            f"{'是' if spec.get('truncated') else '否'} | {len(exp.get('findings', []))} | {total} | "
            f"{spec['source_url']} | {spec.get('published') or '—'} | {spec['retrieved']} |")
    lines += ["", f"共 {len(all_ids())} 张，{len(provinces)} 个省（区、市）。", ""]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if argv == ["--manifest"]:
        sys.stdout.write(manifest())
        return 0
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if argv else 2
    if argv[0].startswith("-"):
        print(f"unknown option {argv[0]}\n{__doc__}", file=sys.stderr)
        return 2
    out = Path(argv[0])
    for form_id in argv[1:] or all_ids():
        print(build(form_id, out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
