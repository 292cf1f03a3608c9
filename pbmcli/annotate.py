"""Annotated return copies (``pbm validate --annotate DIR``).

For each file with findings a copy is written under DIR, at the same path
relative to the common folder of the inputs (zip members under
``DIR/<zip name>/<member>``).  In the copy:

* each finding's cell is filled (red: error, yellow: warning; info: comment
  only) and carries an Excel comment (author "pbm") with the Chinese messages;
  a cell inside a merged range is marked on the range's top-left cell;
* a FIRST sheet 审核意见 lists every finding (序号, 严重程度, 代码, 工作表,
  单元格, 问题说明) with an internal hyperlink to its cell;
* the workbook recalculates on open (openpyxl drops cached formula values);
  the 审核意见 sheet says so.

The originals are only read.  .xls / .ods / .xlsb inputs (and an .xlsx that
openpyxl cannot open) are converted to .xlsx from the values read (no
formatting, formulas or macros kept) and the 审核意见 sheet says so.  Paths
are sanitised so nothing is ever written outside DIR.

A copy never carries what would act when the unit opens it: macros (the VBA
project; an .xlsm becomes ``name.xlsm.xlsx``), links to other workbooks (a
``file:///\\\\host\\share`` link makes Excel connect to that host; a formula into
one keeps its saved result), defined names into them and cell hyperlinks to
anything outside the workbook (the cell text stays).  The 审核意见 sheet says
what was removed.
"""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config import RulePack
from .errors import UsageError, WriteError
from .fileio import atomic_path, output_set
from .model import Finding, Severity, parse_a1
from .outputs import row_height
from .readers.inputs import common_base, relative_name
from .report import FileResult

if TYPE_CHECKING:
    from .readers.inputs import InputItem

SHEET_TITLE = "审核意见"
OPENPYXL_SUFFIXES = (".xlsx", ".xlsm")
FILL = {Severity.ERROR: "FFC7CE", Severity.WARNING: "FFEB9C"}
# a frame that survives black-and-white printing: solid for errors, dashed for warnings
FRAME = {Severity.ERROR: ("medium", "C00000"), Severity.WARNING: ("mediumDashed", "BF8F00")}
RECALC_NOTE = ("说明：本副本由 pbm 生成，已在出错单元格标色并加粗框（红色实线框=错误，黄色虚线框=警告）、加批注，"
               "批注打印在每张工作表的末尾。"
               "保存副本时公式的计算结果会被清空，用 Excel 或 WPS 打开时会自动重新计算；"
               "请按本表逐条修改原表后重新报送。")
CONVERT_NOTE = "注意：原文件为 {suffix} 格式，本副本按读取到的数值另存为 .xlsx，原格式、公式未保留，请在原文件上修改。"
REMOVED_NOTE = "注意：为安全起见，本副本已删除原文件中的{what}；原文件未改动，请在原文件上修改。"
MACROS = "宏（VBA）"
EXTERNAL = "外部链接（{parts}）"
_EXTERNAL_REF = re.compile(r"\[\d+\]")  # [1]Sheet1!A1: a reference into the workbook's first external link
_MESSAGE_WIDTH = 70
_UNSAFE = re.compile(r'[<>:"|?*\x00-\x1f]')
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class AnnotateTask:
    """One copy to write: the checked file and where its copy goes."""

    result: FileResult
    target: Path
    force: bool = False
    name: str = ""  # the file as the unit knows it: relative to the submissions folder


@dataclass(frozen=True)
class AnnotateOutcome:
    """What happened to one file: the copy written, or why not (Chinese)."""

    source: str
    target: str | None
    note: str = ""
    stop: bool = False  # the disk is full (or read-only): no further copy can be written


# --- where copies go -------------------------------------------------------------------------

def _safe_part(part: str) -> str:
    part = _UNSAFE.sub("_", part).strip().rstrip(".")
    return "_" if part in ("", ".", "..") else part


def _member_parts(member: str) -> list[str]:
    return [_safe_part(p) for p in re.split(r"[\\/]+", member) if p not in ("", ".", "..")]


def member_shown(item: InputItem) -> str | None:
    """A zip member's decoded name (GBK names fixed by the reader), else None."""
    if item.member is None:
        return None
    prefix = f"{item.path}/"
    return item.display[len(prefix):] if item.display.startswith(prefix) else item.member


def target_for(item: InputItem, base: Path | None, out_dir: Path) -> Path:
    """DIR / relative path (/ member), with .xls/.ods turned into .xlsx; always inside DIR."""
    src = Path(item.path).resolve()
    try:
        rel = src.relative_to(base) if base else Path(src.name)
    except ValueError:
        rel = Path(src.name)
    parts = [_safe_part(p) for p in rel.parts]
    if item.member is not None:
        parts += _member_parts(member_shown(item) or "") or ["_"]
    target = out_dir.joinpath(*parts)
    if target.suffix.lower() != ".xlsx":  # .xls, .ods, and .xlsm (its macros are not carried)
        target = target.with_name(target.name + ".xlsx") if target.suffix else target.with_suffix(".xlsx")
    root = out_dir.resolve()
    if not target.resolve().is_relative_to(root):  # defence in depth
        raise UsageError(f"批注副本路径越出输出目录：{target}")
    return target


def _dedupe(target: Path, used: set[Path]) -> Path:
    candidate, n = target, 2
    while candidate in used:
        candidate = target.with_name(f"{target.stem}({n}){target.suffix}")
        n += 1
    used.add(candidate)
    return candidate


def check_out_dir(out_dir: str | Path, roots: Sequence[str | Path]) -> None:
    """The copies' folder is neither the originals' folder nor inside a folder being checked
    (the next check would read the copies as forms): a UsageError, raised before any run."""
    out = Path(out_dir)
    base = common_base(roots)
    if base is not None and out.resolve() == base:
        raise UsageError(f"--annotate 的目录不能是原文件所在的目录（{out}），请另指定一个目录。")
    for root in map(Path, roots):
        if root.is_dir() and root.resolve() in out.resolve().parents:
            raise UsageError(f"--annotate 的目录「{out}」在要审核的文件夹「{root}」里面，下次审核时批注副本会被当作"
                             "报表再审一遍。请换到文件夹外，例如 --annotate 批注副本。")


def plan(results: Sequence[FileResult], out_dir: str | Path, roots: Sequence[str | Path],
         force: bool) -> list[AnnotateTask]:
    """One task per readable file with findings (existing copies: ``annotate_results``)."""
    out = Path(out_dir)
    base = common_base(roots)
    check_out_dir(out, roots)
    used: set[Path] = set()
    return [AnnotateTask(r, _dedupe(target_for(r.item, base, out), used), force,
                         relative_name(r.path, base))
            for r in results if r.findings and not r.unreadable and r.item is not None]


# --- opening -----------------------------------------------------------------------------------

def _from_values(data: bytes) -> Any:
    """An openpyxl workbook rebuilt from the values calamine reads (for .xls/.ods …)."""
    import openpyxl
    from python_calamine import CalamineWorkbook

    src = CalamineWorkbook.from_filelike(io.BytesIO(data))
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name in src.sheet_names:
        sheet = src.get_sheet_by_name(name)
        ws = wb.create_sheet(name[:31])
        for r, row in enumerate(sheet.to_python(skip_empty_area=False), start=1):
            for c, value in enumerate(row, start=1):
                if value != "" and value is not None:
                    ws.cell(r, c, value)
        for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or ():
            if (r0, c0) != (r1, c1):
                ws.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1)
    return wb


def open_copy(data: bytes, suffix: str) -> tuple[Any, str]:
    """(workbook, note): openpyxl keeps styles for .xlsx/.xlsm (never macros or external links),
    else a values-only rebuild."""
    import openpyxl

    if suffix in OPENPYXL_SUFFIXES:
        try:
            wb = openpyxl.load_workbook(io.BytesIO(data), keep_vba=False, keep_links=False)
        except Exception:  # noqa: BLE001 - fall back to the values calamine could read
            pass
        else:
            return wb, removed_note(_strip_active_content(wb, data))
    return _from_values(data), CONVERT_NOTE.format(suffix=suffix or "未知")


def removed_note(removed: Sequence[str]) -> str:
    return REMOVED_NOTE.format(what="、".join(removed)) if removed else ""


def _strip_active_content(wb: Any, data: bytes) -> list[str]:
    """Drop what the loaded copy still holds that points outside it; what was removed (Chinese).
    openpyxl already left out the VBA project and the external link parts (keep_vba/keep_links)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = [n.lower() for n in zf.namelist()]
    removed = [MACROS] if any(n.endswith("vbaproject.bin") for n in names) else []
    parts = []
    if any(n.startswith("xl/externallinks/") for n in names):
        parts.append("指向其他工作簿的链接")
        if _cached_external_formulas(wb, data):
            parts.append("引用其他工作簿的公式已改为其保存的计算结果")
        if _drop_external_names(wb):
            parts.append("引用其他工作簿的名称")
    if links := _drop_outside_hyperlinks(wb):
        parts.append(f"{links} 个指向工作簿之外的超链接（单元格文字保留）")
    if parts:
        removed.append(EXTERNAL.format(parts="；".join(parts)))
    return removed


def _formula_text(value: Any) -> str:
    text = getattr(value, "text", value)  # an ArrayFormula keeps its text apart
    return text if isinstance(text, str) and text.startswith("=") else ""


def _cells(ws: Any) -> list[Any]:
    """The cells a sheet really holds (sparse: iter_rows would create every cell of the used range)."""
    return list(ws._cells.values())


def _cached_external_formulas(wb: Any, data: bytes) -> int:
    """Formulas into another workbook become the result saved with them (their link is gone)."""
    import openpyxl

    cells = [(ws.title, c) for ws in wb.worksheets for c in _cells(ws)
             if _EXTERNAL_REF.search(_formula_text(c.value))]
    if cells:
        saved = openpyxl.load_workbook(io.BytesIO(data), data_only=True, keep_links=False)
        for title, c in cells:
            c.value = saved[title][c.coordinate].value
    return len(cells)


def _drop_external_names(wb: Any) -> int:
    scopes = [wb.defined_names, *(ws.defined_names for ws in wb.worksheets)]
    doomed = [(scope, name) for scope in scopes for name, dn in list(scope.items())
              if _EXTERNAL_REF.search(str(dn.attr_text or ""))]
    for scope, name in doomed:
        del scope[name]
    return len(doomed)


def _drop_outside_hyperlinks(wb: Any) -> int:
    """Hyperlinks to a file, share or web page (links inside the workbook stay)."""
    count = 0
    for ws in wb.worksheets:
        for c in _cells(ws):
            if c.hyperlink is not None and c.hyperlink.target:
                c.hyperlink = None
                count += 1
    return count


# --- marking -----------------------------------------------------------------------------------

def _frame(ws: Any, cell: str, severity: Severity) -> None:
    """A bold frame around ``cell`` (its whole merged range), solid or dashed by severity."""
    from openpyxl.styles import Border, Side

    style, color = FRAME[severity]
    side = Side(style=style, color=color)
    rng = next((r for r in ws.merged_cells.ranges if cell in r), None)
    top, left = parse_a1(cell)
    bottom, right = (rng.max_row, rng.max_col) if rng is not None else (top, left)
    for row in range(top, bottom + 1):
        for col in range(left, right + 1):
            c = ws.cell(row, col)
            old = c.border
            c.border = Border(left=side if col == left else old.left, right=side if col == right else old.right,
                              top=side if row == top else old.top, bottom=side if row == bottom else old.bottom)


def _anchor(ws: Any, cell: str) -> str | None:
    """The cell to mark: the top-left cell of a merged range containing ``cell``."""
    try:
        row, col = parse_a1(cell)
    except ValueError:
        return None
    for rng in ws.merged_cells.ranges:
        if rng.min_row <= row <= rng.max_row and rng.min_col <= col <= rng.max_col:
            return str(rng.start_cell.coordinate)
    return cell.upper()


def _comment_text(findings: Sequence[Finding]) -> str:
    return "\n".join(f"【{f.severity.label} {f.code}】{f.message}" for f in findings)


def mark_cells(wb: Any, findings: Sequence[Finding]) -> dict[Finding, str]:
    """Fill and comment each finding's cell; returns finding -> marked cell address."""
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    groups: dict[tuple[str, str], list[Finding]] = {}
    marked: dict[Finding, str] = {}
    for f in findings:
        if f.sheet and f.sheet in wb.sheetnames and f.cell and (cell := _anchor(wb[f.sheet], f.cell)):
            groups.setdefault((f.sheet, cell), []).append(f)
            marked[f] = cell
    for (sheet, cell), found in groups.items():
        target = wb[sheet][cell]
        worst = min((f.severity for f in found), key=lambda s: s.rank)
        if worst in FILL:
            target.fill = PatternFill("solid", start_color=FILL[worst], end_color=FILL[worst])
            _frame(wb[sheet], cell, worst)
        wb[sheet].page_setup.cellComments = "atEnd"  # comments print after the sheet
        text = _comment_text(found)
        if target.comment is not None:
            text = f"{text}\n——原批注：{target.comment.text}"
        lines = sum(1 + len(line) // 24 for line in text.splitlines())
        target.comment = Comment(text, "pbm", width=320, height=min(40 + 18 * lines, 600))
    return marked


def _link_location(sheet: str, cell: str) -> str:
    return "'{}'!{}".format(sheet.replace("'", "''"), cell)


def _print_setup(ws: Any) -> None:
    """A4 landscape, fit to one page wide, header row repeated, page numbers."""
    from .printing import PAGE_FOOTER

    ws.oddFooter.center.text = PAGE_FOOTER.removeprefix("&C")
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "5:5"


def add_opinion_sheet(wb: Any, result: FileResult, marked: dict[Finding, str], note: str,
                      name: str = "") -> Any:
    """Insert the 审核意见 sheet first and make it the active one."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.hyperlink import Hyperlink

    title = SHEET_TITLE if SHEET_TITLE not in wb.sheetnames else f"{SHEET_TITLE}(pbm)"
    ws = wb.create_sheet(title, 0)
    errors, warnings, infos = (result.count(s) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO))
    ws["A1"] = f"审核意见：{_CONTROL.sub('_', name or Path(result.path).name)}"  # a cell takes no control characters
    ws["A1"].font = Font(bold=True, size=14)
    told = f"，提示 {infos} 条" if infos else ""
    ws["A2"] = f"共 {len(result.findings)} 条问题：错误 {errors} 条，警告 {warnings} 条{told}。点击「单元格」列可跳转到出错位置。"
    ws["A3"] = RECALC_NOTE + (("\n" + note) if note else "")
    ws["A3"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells("A3:F3")
    ws.row_dimensions[3].height = 48 + 30 * len(note.splitlines())
    header = ["序号", "严重程度", "代码", "工作表", "单元格", "问题说明"]
    ws.append([])
    ws.append(header)
    for c in ws[5]:
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", start_color="DDEBF7", end_color="DDEBF7")
    for n, f in enumerate(result.findings, start=1):
        cell = marked.get(f, f.cell or "")
        ws.append([n, f.severity.label, f.code, f.sheet or "", cell, f.message])
        row = ws.max_row
        ws.cell(row, 6).alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[row].height = row_height([f.message], [_MESSAGE_WIDTH])
        if f.severity in FILL:
            color = FILL[f.severity]
            ws.cell(row, 2).fill = PatternFill("solid", start_color=color, end_color=color)
            ws.cell(row, 2).font = Font(bold=True)
        if f in marked and f.sheet:
            link = ws.cell(row, 5)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=_link_location(f.sheet, cell))
            link.font = Font(color="0563C1", underline="single")
    for col, width in zip("ABCDEF", (6, 10, 8, 16, 9, _MESSAGE_WIDTH), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A6"
    ws.auto_filter.ref = f"A5:F{max(ws.max_row, 6)}"
    _print_setup(ws)
    for other in wb.worksheets:
        other.sheet_view.tabSelected = other is ws
    wb.active = 0
    return ws


# --- one file ----------------------------------------------------------------------------------

def annotate_task(task: AnnotateTask, pack: RulePack | None = None) -> AnnotateOutcome:
    """Write one annotated copy (runs in a worker; ``pack`` unused)."""
    from .readers.inputs import read_bytes

    item = task.result.item
    assert item is not None
    suffix = Path(member_shown(item) or item.path).suffix.lower()
    wb, note = open_copy(read_bytes(item), suffix)
    marked = mark_cells(wb, task.result.findings)
    add_opinion_sheet(wb, task.result, marked, note, task.name)
    wb.calculation.fullCalcOnLoad = True
    buf = io.BytesIO()  # built in memory: a full disk fails one write, not a half-written zip
    wb.save(buf)
    try:
        with atomic_path(task.target, task.force) as tmp:
            tmp.write_bytes(buf.getvalue())
    except WriteError as exc:
        return AnnotateOutcome(task.result.path, None, f"未能生成批注副本：{exc}", stop=exc.stops_batch)
    return AnnotateOutcome(task.result.path, str(task.target), note)


def annotate_failed(task: AnnotateTask, message: str) -> AnnotateOutcome:
    return AnnotateOutcome(task.result.path, None, f"未能生成批注副本：{message}")


def annotate_results(results: Sequence[FileResult], out_dir: str | Path,
                     roots: Sequence[str | Path], force: bool, pack: RulePack,
                     jobs: int = 1, progress: bool = False) -> list[AnnotateOutcome]:
    """Write annotated copies for every readable file with findings."""
    from .batch import run_batch

    tasks = plan(results, out_dir, roots, force)
    outcomes: list[AnnotateOutcome] = []
    # existing copies need --force, unless an interrupted run was writing them (it is finished)
    with output_set(Path(out_dir), [t.target for t in tasks], force) as replace:
        tasks = [dataclasses.replace(t, force=t.force or t.target in replace) for t in tasks]
        batch = run_batch(tasks, annotate_task, pack, jobs=jobs, progress=progress,
                          on_error=annotate_failed, label="生成批注副本")
        try:
            for outcome in batch:
                if outcome.stop:  # every further copy would fail the same way: one line, exit 2
                    written = sum(1 for o in outcomes if o.target)
                    raise WriteError(f"{outcome.note.removeprefix('未能生成批注副本：')}"
                                     f"已生成的 {written} 份批注副本保留在 {out_dir}，其余未生成。")
                outcomes.append(outcome)
        finally:
            batch.close()
    return outcomes
