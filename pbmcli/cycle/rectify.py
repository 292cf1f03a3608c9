"""Rectification (整改) items: import, list, done, overdue.

Imports read columns by header label, so both a rectification list
(单位 / 问题 / 整改要求 / 整改期限 / 状态 …) and the 问题清单 sheet of a validate or
score report (文件 / 单位 / 代码 / 工作表 / 单元格 / 问题说明) work.  Importing the
same item twice (same unit + problem + source) adds nothing.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import RulePack
from ..errors import InputError, UsageError
from ..ledger.records import Rectification
from ..ledger.store import Ledger
from ..ledger.units import UnitMatcher, cell_text, find_header, normalize, read_whole_sheets
from ..model import Finding
from ..period import Period

RECT_HEADERS: dict[str, tuple[str, ...]] = {
    "unit_code": ("单位编码", "单位代码"),
    "unit": ("单位名称", "单位", "实施单位", "被评价单位", "责任单位", "预算单位"),
    "project": ("项目名称", "项目"),
    "severity": ("严重程度", "级别"),
    "problem": ("问题说明", "存在问题", "问题描述", "问题", "问题内容"),
    "rule": ("代码", "规则代码", "问题代码"),
    "file": ("文件", "文件名"),
    "sheet": ("工作表",),
    "cell": ("单元格",),
    "source": ("问题来源", "来源"),
    "requirement": ("整改要求", "整改要求和建议", "整改建议", "整改措施"),
    "deadline": ("整改期限", "整改时限", "截止日期", "完成时限", "期限"),
    "status": ("整改状态", "状态", "是否完成"),
    "evidence": ("整改情况", "整改结果", "佐证材料", "整改结果和结论"),
    "done_at": ("完成日期", "整改完成日期", "完成时间"),
}
DONE_WORDS = ("已整改", "已完成", "完成", "是", "done")
SKIP_SEVERITY = ("提示", "info")  # report rows that need no rectification
DEFAULT_REQUIREMENT = "请按问题说明整改，并将整改结果和佐证材料报财政部门。"
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")


@dataclass
class ImportResult:
    path: str
    added: list[int] = field(default_factory=list)
    skipped: int = 0  # already in the ledger
    findings: list[Finding] = field(default_factory=list)
    defaulted: int = 0  # rows without an 整改期限: given ``default_deadline``
    default_deadline: str = ""


def parse_date(value: object) -> str | None:
    """date / datetime / "2026-10-31" / "2026年10月31日" / Excel serial → ISO date or None."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float | int) and not isinstance(value, bool) and 20000 < value < 80000:
        return (dt.date(1899, 12, 30) + dt.timedelta(days=int(value))).isoformat()
    m = _DATE.search(normalize(value))
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None


def _pick_sheet(path: str | Path) -> tuple[list[list[Any]], int, dict[str, int], dict[str, str]]:
    """(rows, header index, columns, file → unit map from the other sheets)."""
    sheets = read_whole_sheets(path, "整改清单")
    sheets.sort(key=lambda s: s[0] != "问题清单")  # a report's 问题清单 first
    files: dict[str, str] = {}
    chosen = None
    for _name, rows in sheets:
        found = find_header(rows, RECT_HEADERS, ("problem",))
        if found and chosen is None:
            chosen = (rows, *found)
        elif (other := find_header(rows, RECT_HEADERS, ("file", "unit"))) is not None:
            start, cols = other
            for r in rows[start + 1:]:
                files.setdefault(cell_text(r[cols["file"]]), cell_text(r[cols["unit"]]))
    if chosen is None:
        raise InputError(str(path), "没有找到整改清单的表头：需要「问题」（或「问题说明」「存在问题」）列，"
                         "以及「单位」列或可对应到单位的「文件」列。", "F003")
    return chosen[0], chosen[1], chosen[2], files


def deadline_of(value: object, year: int) -> str | None:
    """An 整改期限 as an ISO date: a date, an Excel serial, "2026-06-30", "2026年6月30日前",
    "12月底前" (a month's end; ``year`` when none is written), "2026年底"; None when the cell
    holds no valid date (2026-13-45, 2026-02-30, abc)."""
    from ..values import parse_date as parse_deadline

    found = parse_date(value)
    if found is not None or isinstance(value, dt.date | float | int):
        return found
    parts = parse_deadline(str(value))
    if parts is None:
        return None
    y, month, day = parts
    y = y or year
    if not (1 <= month <= 12 and 1 <= y <= 9999):
        return None
    last = calendar.monthrange(y, month)[1]
    if day == 31 and last < 31:  # "6月底" is the month's last day
        day = last
    try:
        return dt.date(y, month, day).isoformat()
    except ValueError:
        return None


def _item(row: Sequence[Any], cols: dict[str, int], default_deadline: str,
          files: dict[str, str], year: int) -> dict[str, Any] | None:
    def get(key: str) -> Any:
        j = cols.get(key)
        return row[j] if j is not None and j < len(row) else None

    problem = cell_text(get("problem"))
    if not problem or normalize(get("severity")).lower() in SKIP_SEVERITY:
        return None
    if project := cell_text(get("project")):
        problem = f"【{project}】{problem}"
    file = cell_text(get("file"))
    where = " ".join(t for t in (file, "!".join(
        t for t in (cell_text(get("sheet")), cell_text(get("cell"))) if t)) if t)
    source = " ".join(t for t in (cell_text(get("rule")), cell_text(get("source")), where) if t)
    status = "done" if normalize(get("status")).lower() in DONE_WORDS else "open"
    return {"unit_code": cell_text(get("unit_code")) or None,
            "unit_name": cell_text(get("unit")) or files.get(file, ""),
            "problem": problem, "source": source,
            "requirement": cell_text(get("requirement")) or DEFAULT_REQUIREMENT,
            "deadline": _deadline(get("deadline"), default_deadline, year), "status": status,
            "evidence": cell_text(get("evidence")),
            "done_at": parse_date(get("done_at")) if status == "done" else None}


_BAD = "\x00bad"  # an 整改期限 written but not a valid date: the row is not imported


def _deadline(value: object, default: str, year: int) -> str:
    if value is None or cell_text(value) == "":
        return default
    return deadline_of(value, year) or _BAD


def import_file(ledger: Ledger, path: str | Path, pack: RulePack,
                deadline: str | None = None) -> ImportResult:
    """Import items from a rectification list or a report's 问题清单 (one transaction)."""
    from ..model import a1
    from ..rules import finding_for

    rows, start, cols, files = _pick_sheet(path)
    default = deadline or (ledger.today() + dt.timedelta(days=pack.rank.rectify_days)).isoformat()
    units = ledger.units()
    matcher = UnitMatcher(units) if units else None
    result = ImportResult(str(path))
    items = []
    for i in range(start + 1, len(rows)):
        item = _item(rows[i], cols, default, files, ledger.today().year)
        if item is None:
            continue
        written = cell_text(rows[i][cols["deadline"]]) if cols.get("deadline", len(rows[i])) < len(rows[i]) else ""
        if item["deadline"] == _BAD:
            result.findings.append(finding_for(
                "R601", path=str(path), actual=written, cell=a1(i + 1, cols["deadline"] + 1),
                detail=f"{Path(path).name} 第 {i + 1} 行（{item['unit_name'] or item['unit_code'] or '未写单位'}）"
                       f"「整改期限」为「{written}」，不是有效日期：该行未导入。请改为 2026-06-30 这样的日期后重新导入"
                       "（已导入的行不会重复导入）。"))
            continue
        result.defaulted += not written
        if matcher and (item["unit_name"] or item["unit_code"]):
            unit = matcher.match(item["unit_code"], item["unit_name"])
            if unit is None:
                result.findings.append(matcher.unmatched(
                    item["unit_name"] or str(item["unit_code"]), str(path), f"第 {i + 1} 行"))
            else:
                item["unit_code"], item["unit_name"] = unit.code, unit.name
        items.append(item)
    ids = ledger.add_rectifications(items)
    result.default_deadline = default
    result.added = [i for i in ids if i is not None]
    result.skipped = len(ids) - len(result.added)
    ledger.log_run("rectify import", {"path": str(path), "added": len(result.added),
                                      "skipped": result.skipped})
    return result


_STATUS_WORDS = {"未完成": "open", "整改中": "open", "未整改": "open", "已完成": "done", "已整改": "done",
                 "已逾期": "overdue", "逾期": "overdue"}


def list_items(ledger: Ledger, status: str | None = None,
               today: dt.date | None = None) -> list[Rectification]:
    """Items filtered by status: open | done | overdue, or as the lists say them (未完成 / 整改中,
    已完成 / 已整改, 已逾期 / 逾期); None = all."""
    status = _STATUS_WORDS.get((status or "").strip(), status)
    if status not in (None, "open", "done", "overdue"):
        raise UsageError(f"--status 只能是 open（未完成）、done（已完成）或 overdue（已逾期），现为「{status}」。")
    if status == "overdue":
        return overdue(ledger, today)
    return ledger.rectifications(status)


def period_cutoff(ledger: Ledger, p: Period) -> dt.date:
    """Rectification is judged up to the end of the period, or today when that is earlier;
    the ranking and the notice of a period use this one day."""
    return min(p.end, ledger.today())


def due_in(ledger: Ledger, p: Period) -> list[Rectification]:
    """What the ranking counts: items whose deadline falls in ``p`` up to its cut-off, and
    items due earlier that are still not done (the notice of ``p`` names them as overdue too,
    so a unit with an open item from last quarter is not "本期无到期整改事项")."""
    lo, hi = p.start.isoformat(), period_cutoff(ledger, p).isoformat()
    return [r for r in ledger.rectifications() if r.deadline
            and (lo <= r.deadline[:10] <= hi or (r.deadline[:10] < lo and r.status != "done"))]


def missed(ledger: Ledger, p: Period) -> list[Rectification]:
    """What a notice of ``p`` names: items due by the cut-off and not done on time, i.e. the
    period's items the ranking counts as missed, and older items still open."""
    hi = period_cutoff(ledger, p).isoformat()
    lo = p.start.isoformat()
    return [r for r in ledger.rectifications() if r.deadline and r.deadline[:10] <= hi
            and not r.done_on_time() and (r.deadline[:10] >= lo or r.status != "done")]


def overdue(ledger: Ledger, today: dt.date | None = None) -> list[Rectification]:
    """Items whose deadline is before ``today`` and that are not done."""
    day = today or ledger.today()
    return [r for r in ledger.rectifications("open") if r.overdue(day)]


def complete(ledger: Ledger, item_id: int, evidence: str, done_at: str | None = None,
             force: bool = False) -> Rectification:
    """Mark an item done; raise UsageError for an unknown id, empty evidence, or an item
    already done (its date and evidence are kept unless ``force``)."""
    if not evidence.strip():
        raise UsageError("请用 --evidence 写明整改情况或佐证材料（如文件名、文号）。")

    def not_done_yet(before: Rectification) -> None:  # checked inside the write transaction
        if before.status == "done" and not force:
            raise UsageError(f"第 {item_id} 号整改事项（{before.unit_name}：{before.problem}）已于"
                             f" {before.done_at or '（未填日期）'} 登记完成，整改情况：{before.evidence or '（未填写）'}。"
                             "本次未作改动；如需更正整改情况或完成日期，请加 --force。")

    item = ledger.complete_rectification(item_id, evidence.strip(), done_at, allow=not_done_yet)
    if item is None:
        raise UsageError(f"整改台账中没有编号为 {item_id} 的事项，可用 pbm rectify list 查看编号。")
    return item
