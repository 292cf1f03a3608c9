"""Official-layout xlsx templates (xlsxwriter): goal, selfeval, monitor, units.

Every workbook has the form sheet (first, active), a 填表说明 sheet and a hidden
``_pbm_meta`` sheet: A1 = "pbm-template", B1 = kind, C1 = TEMPLATE_VERSION,
D1 = "请勿修改此工作表".  Generation is deterministic (fixed document
properties), so regenerating gives the same content; formulas carry cached
values so value readers never see an uncached formula.
"""

from __future__ import annotations

import datetime as _dt
import io
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..config import RulePack
from ..errors import UsageError

TEMPLATE_VERSION = "2026.1"
META_SHEET = "_pbm_meta"
META_MARK = "pbm-template"
META_NOTE = "请勿修改此工作表"
GUIDE_SHEET = "填表说明"
KINDS = ("goal", "selfeval", "monitor", "units")
TITLES = {
    "goal": "项目支出绩效目标申报表",
    "selfeval": "项目支出绩效自评表",
    "monitor": "项目支出绩效运行监控表",
    "units": "单位名录",
}
# fixed so that regenerating a template gives identical bytes
_CREATED = _dt.datetime(2026, 1, 1, 0, 0, 0)
_CN_NUMBERS = "一二三四五六七八九十"
FIXED_SCALE = ("goal", "selfeval")  # printed at a fixed scale so no row spills onto a page alone
LISTS_ROW = 2  # on the hidden sheet: from this row, one 一级 and its 二级 per row

__all__ = [
    "KINDS", "META_SHEET", "TEMPLATE_VERSION", "TITLES",
    "build_template", "check_kind", "default_filename", "write_template",
]


def check_kind(kind: str) -> str:
    """Validate a template kind (raises UsageError in Chinese)."""
    if kind not in KINDS:
        names = "、".join(f"{k}（{TITLES[k]}）" for k in KINDS)
        raise UsageError(f"未知的模板种类「{kind}」。可选：{names}。")
    return kind


def default_filename(kind: str) -> str:
    """项目支出绩效自评表.xlsx etc."""
    return f"{TITLES[check_kind(kind)]}.xlsx"


def build_template(kind: str, pack: RulePack | None = None,
                   prefill: Mapping[str, str] | None = None) -> bytes:
    """The template workbook as bytes.  ``prefill`` maps input keys (unit, unit_code,
    department …) to values written into locked cells."""
    import xlsxwriter

    from .forms import LAYOUTS
    from .sheet import FormSheet

    check_kind(kind)
    pack = pack or _default_pack()
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False,
                                   "strings_to_numbers": False, "strings_to_urls": False})
    _properties(wb, kind)
    form = FormSheet(wb, wb.add_worksheet(TITLES[kind]), dict(prefill or {}))
    last_row, last_col = LAYOUTS[kind](form, pack)
    form.finish(last_row, last_col, landscape=True, title_rows=1 if kind == "units" else 2,
                options={"sort": True, "autofilter": True} if kind == "units" else None,
                fixed=kind in FIXED_SCALE)
    _guide(FormSheet(wb, wb.add_worksheet(GUIDE_SHEET)), kind, pack)
    _meta(FormSheet(wb, wb.add_worksheet(META_SHEET)), kind, pack)
    wb.close()
    return buf.getvalue()


def write_template(kind: str, path: str | Path | None = None, *, force: bool = False,
                   pack: RulePack | None = None, prefill: Mapping[str, str] | None = None) -> Path:
    """Write a template (default name in the current folder); never overwrites without force."""
    from ..fileio import check_writable, write_bytes

    target = Path(path) if path is not None else Path(default_filename(kind))
    if target.is_dir():
        target = target / default_filename(kind)
    elif not target.suffix:
        target = target.with_name(target.name + ".xlsx")
    elif target.suffix.lower() != ".xlsx":
        raise UsageError(f"模板只能保存为 .xlsx 文件，不能保存为「{target.suffix}」：{target}")
    check_writable(target, force)  # before the (slower) build
    return write_bytes(target, build_template(kind, pack, prefill), force)


def _default_pack() -> RulePack:
    from ..config import default_pack

    return default_pack()


def _properties(wb: Any, kind: str) -> None:
    wb.set_properties({
        "title": TITLES[kind], "subject": "预算绩效管理表格模板", "author": "pbm",
        "company": "", "comments": f"pbm 模板 {kind} 版本 {TEMPLATE_VERSION}",
        "created": _CREATED,
    })
    wb.set_custom_property("pbm_template", kind)
    wb.set_custom_property("pbm_template_version", TEMPLATE_VERSION)


def _guide(fs: Any, kind: str, pack: RulePack) -> None:
    """The 填表说明 sheet: one wrapped paragraph per row, A4 portrait."""
    from .guide import sections

    width = 78  # fits A4 portrait unscaled (LibreOffice ignores fit-to-width here)
    fs.widths((width,))
    fs.label(0, 0, f"填表说明（{TITLES[kind]}，模板版本 {TEMPLATE_VERSION}）", style="guide_title")
    fs.heights({0: 30})
    row = 2
    for number, (heading, lines) in zip(_CN_NUMBERS, sections(kind, pack), strict=False):
        fs.label(row, 0, f"{number}、{heading}", style="guide_head")
        fs.heights({row: 22})
        row += 1
        for line in lines:
            fs.label(row, 0, line, style="guide")
            # deterministic height: ~2 width units per CJK character, 15 pt per line
            fs.heights({row: 15 * max(1, math.ceil(len(line) * 2 / (width - 4)))})
            row += 1
        row += 1
    fs.finish(row, 0, landscape=False, title_rows=0)


def _meta(fs: Any, kind: str, pack: RulePack) -> None:
    """The hidden version marker the reader turns into Submission.template_version, and
    the 二级 lists of each 一级 under a defined name (the dependent drop-downs use them)."""
    from xlsxwriter.utility import xl_rowcol_to_cell

    from .blocks import Lists

    for col, value in enumerate((META_MARK, kind, TEMPLATE_VERSION, META_NOTE)):
        fs.put(0, col, value, "plain")
    for row, (first, seconds) in enumerate(Lists.from_pack(pack).named(), start=LISTS_ROW):
        for col, value in enumerate((first, *seconds)):
            fs.put(row, col, value, "plain")
        cells = f"{xl_rowcol_to_cell(row, 1, True, True)}:{xl_rowcol_to_cell(row, len(seconds), True, True)}"
        fs.workbook.define_name(first, f"='{META_SHEET}'!{cells}")
    fs.sheet.hide()
    fs.sheet.protect("")
