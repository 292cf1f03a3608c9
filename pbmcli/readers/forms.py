"""Label-anchored parsing of a workbook into a ``Submission``.

The form is identified by content: the title (项目支出绩效目标申报表 → goal,
项目支出绩效自评表 → selfeval, 绩效运行监控表 → monitor) or, without a title,
by its labels.  Fields are found by their labels, never by fixed cells, so
inserted rows, extra title lines, merged cells and the 市级 (A)/(B) and
Sichuan (指标性质/度量单位) variants read the same way.
"""

from __future__ import annotations

import dataclasses
import re

from ..errors import InputError, NotAForm
from ..model import EMPTY, WHOLE_DEPARTMENT, CellRef, Field, FormKind, ReadIssue, Submission
from .cells import Reader
from .funds import FUND_WHAT, Units, read_funds
from .labels import LabelIndex, Lexicon, base, builtin_lexicon, norm
from .table import TableResult, read_tables
from .workbook import SheetInfo, Workbook

META_SHEET = "_pbm_meta"
META_MARK = "pbm-template"
TEMPLATE_KINDS = ("goal", "selfeval", "monitor", "units")
TEMPLATE_VERSION = re.compile(r"^20\d\d\.\d{1,3}$")

_TITLES = (  # (normalised fragment, kind), most specific first
    ("绩效目标申报表", FormKind.GOAL), ("绩效目标表", FormKind.GOAL), ("绩效目标申报明细表", FormKind.GOAL),
    ("绩效自评表", FormKind.SELFEVAL), ("自评表", FormKind.SELFEVAL),
    ("部门整体绩效目标", FormKind.GOAL), ("部门整体支出绩效目标", FormKind.GOAL),  # title without 表
    ("绩效运行监控表", FormKind.MONITOR), ("运行监控表", FormKind.MONITOR), ("绩效监控", FormKind.MONITOR),
)
_LOOKED_FOR = "标题「项目支出绩效目标申报表」「项目支出绩效自评表」「绩效运行监控表」或对应的栏目（项目名称、绩效指标等）"
_SKIP_SHEET = re.compile(r"说明|填表|指引|目录|封面|^_")
_TITLE_ROWS = 12
_YEAR = re.compile(r"(20\d\d)\s*年")
_CODE_FIRST = re.compile(r"^[\[【(（]?(\d{3,})[\]】)）]?\s*[-_ ]?\s*(\D.*)$")
_CODE_LAST = re.compile(r"^(.*?\D)\s*[\[【(（](\d{3,})[\]】)）]$")


# ---------------------------------------------------------------- form and sheet


def detect_kind(labels: LabelIndex) -> FormKind:
    """The form a sheet holds, from its title or, failing that, its labels."""
    for r, _c, label in labels.cells:
        if r >= _TITLE_ROWS:
            break
        if "说明" in label:
            continue
        for fragment, kind in _TITLES:
            # a title, not a sentence: short, or ending with the form's name (the project named
            # in front: "…专项(…项目)2022年中央预算内投资计划绩效目标表")
            if fragment in label and (len(label) <= 40 or label.endswith(fragment)) and len(label) <= 120:
                return kind
    return _kind_by_labels({label for _, _, label in labels.cells}, labels.lex)


def _kind_by_labels(found: set[str], lex: Lexicon) -> FormKind:
    if not any(lex.key("header", label) == "project" for label in found):
        return FormKind.UNKNOWN
    bases = {base(x) for x in found}
    if bases & {"当前完成值", "全年预计完成情况", "完成目标可能性"}:
        return FormKind.MONITOR
    if bases & {"全年执行数", "实际完成值"} and "得分" in bases:
        return FormKind.SELFEVAL
    if bases & {"中期目标", "年度目标", "指标值", "年度指标值"}:
        return FormKind.GOAL
    return FormKind.UNKNOWN


def _candidates(wb: Workbook) -> list[SheetInfo]:
    return [s for s in wb.sheets if s.name != META_SHEET and not _SKIP_SHEET.search(s.name)]


def _forms_in(wb: Workbook, sheets: list[SheetInfo],
              lex: Lexicon) -> list[tuple[SheetInfo, FormKind, LabelIndex]]:
    found: list[tuple[SheetInfo, FormKind, LabelIndex]] = []
    for info in sorted(sheets, key=lambda s: (not s.visible, s.index)):
        labels = LabelIndex.build(wb.sheet(info.name), lex)
        kind = detect_kind(labels)
        if kind is not FormKind.UNKNOWN:
            found.append((info, kind, labels))
    return found


def _has_table(labels: LabelIndex) -> bool:
    """The sheet has an indicator table header (三级指标 / 指标名称)."""
    return any(labels.lex.key("indicator", label) == "name" for _, _, label in labels.cells)


def choose_sheet(wb: Workbook, lex: Lexicon | None = None,
                 prefer: FormKind | None = None) -> tuple[str, FormKind, LabelIndex, list[ReadIssue]]:
    """The sheet holding the form: first visible one, else a hidden one (with an issue); of
    several forms, the first of kind ``prefer`` when there is one."""
    lex = lex or builtin_lexicon()
    found = _forms_in(wb, _candidates(wb), lex)
    if not found:  # a form on a sheet named like an instruction sheet ("填表说明") still counts
        found = _forms_in(wb, [s for s in wb.sheets if s.name != META_SHEET and s not in _candidates(wb)], lex)
    if not found:
        raise InputError(wb.display, f"在各工作表中没有找到{_LOOKED_FOR}", "F003")
    with_table = [f for f in found if _has_table(f[2])]
    found = with_table or found  # a cover sheet with only the title is not the form
    found.sort(key=lambda f: f[1] is not prefer)  # stable: the preferred kind first, else as found
    info, kind, labels = found[0]
    issues = []
    if not info.visible:
        issues.append(ReadIssue("hidden_sheet", CellRef(info.name, "A1"), info.name,
                                f"表格在隐藏的工作表「{info.name}」中，已读取该表；请取消隐藏后再报送"))
    if len(found) > 1:
        others = "、".join(f"「{i.name}」" for i, _, _ in found[1:])
        issues.append(ReadIssue("multiple_forms", CellRef(info.name, "A1"), info.name,
                                f"工作簿中有多张绩效表格（另有{others}），只读取了「{info.name}」；请每个文件只报送一张表"))
    return info.name, kind, labels, issues


def read_meta(wb: Workbook) -> tuple[str | None, str | None, list[ReadIssue]]:
    """The pbm template marker: (kind, version, issues) from the hidden _pbm_meta sheet."""
    if not any(s.name == META_SHEET for s in wb.sheets):
        return None, None, []
    sheet = wb.sheet(META_SHEET)
    mark, kind, version = (sheet.text(0, c) for c in range(3))
    if mark != META_MARK:
        return None, None, []
    if kind in TEMPLATE_KINDS and TEMPLATE_VERSION.match(version) and not _newer(version):
        return kind, version, []
    ref = CellRef(META_SHEET, "B1")
    return kind, version or None, [ReadIssue(
        "unknown_template_version", ref, f"{kind} {version}",
        f"模板标记无法识别（类型「{kind}」，版本「{version}」），可能是旧版或被修改过的模板；请使用 pbm template 生成的最新模板")]


def _newer(version: str) -> bool:
    """A marker newer than the templates this pbm writes (made by a newer pbm)."""
    try:
        from ..forms import TEMPLATE_VERSION as current
    except ImportError:
        return False
    return _version_key(version) > _version_key(current)


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".") if part.isdigit())


# ---------------------------------------------------------------- header, goals, extra


def _labelled(rd: Reader, section: str) -> dict[str, Field]:
    """First occurrence of each labelled field, value to the right (or inline)."""
    out: dict[str, Field] = {}
    for r, c, label in rd.labels.cells:
        key = rd.labels.lex.key(section, label)
        if key is not None and key not in out:
            raw = rd.sheet.text(r, c)
            # "申报单位名称:(盖章)": the name goes in this cell, before the seal; none is written
            out[key] = rd.blank(r, c) if _SEAL_ONLY.search(raw) else rd.right_of(r, c)
    for r, c in rd.labels.colon:
        key, inline = _inline_key(rd, r, c, section)
        if key is not None and key not in out and inline is not None:
            out[key] = inline
    return out


_SEAL_ONLY = re.compile(r"[:：]\s*[(（]\s*(?:盖章|签章|签字|签名|公章)\s*[)）]\s*$")


def _inline_key(rd: Reader, r: int, c: int, section: str) -> tuple[str | None, Field | None]:
    raw = rd.sheet.text(r, c)
    for sep in ("：", ":"):
        left, found, right = raw.partition(sep)
        key = rd.labels.lex.by_label[section].get(norm(left)) if found else None
        if key is not None and right.strip():
            return key, dataclasses.replace(rd.sheet.field(r, c), value=right.strip(), text=raw)
    return None, None


def _split_code(header: dict[str, Field], key: str) -> None:
    """"[042]六安市金安区体育局", "219001-池州市贵池区棠溪镇人民政府": the name, and the code
    as ``<key>_code`` (unless the form has a code field of its own)."""
    f = header.get(key)
    if f is None or not isinstance(f.value, str) or f"{key}_code" in header:
        return
    m = _CODE_FIRST.match(f.value)
    code, name = (m.group(1), m.group(2)) if m else (None, None)
    if m is None and (m2 := _CODE_LAST.match(f.value)):
        name, code = m2.group(1), m2.group(2)
    if code and name:
        header[key] = dataclasses.replace(f, value=name.strip(), text=f.text)
        header[f"{key}_code"] = dataclasses.replace(f, value=code, text=f.text)


_WRAP = re.compile(r"\s*\n\s*")


def _one_line(header: dict[str, Field]) -> None:
    """Names wrapped in their cell ("上海市普陀区体育\n事业管理中心") are one line: a break between
    Chinese characters is layout, elsewhere a space."""
    for key in ("project", "department", "unit"):
        f = header.get(key)
        if f is not None and isinstance(f.value, str) and "\n" in f.value:
            value = _WRAP.sub(lambda m: "" if _joins_cjk(m) else " ", f.value)
            header[key] = dataclasses.replace(f, value=value)


def _joins_cjk(m: re.Match[str]) -> bool:
    text, i, j = m.string, m.start(), m.end()
    return i > 0 and j < len(text) and not (text[i - 1].isascii() and text[j].isascii())


def _year(rd: Reader, header: dict[str, Field]) -> None:
    """年度 from a 年度 field, else from the title lines ("（2026年度）")."""
    f = header.get("year")
    if f is not None and not f.blank:
        if isinstance(f.value, str) and (m := _YEAR.search(f.value + "年")):
            header["year"] = dataclasses.replace(f, value=float(m.group(1)))
        return
    for r, c, label in rd.labels.cells:
        if r >= _TITLE_ROWS:
            break
        m = _YEAR.search(label)
        if m and ("年度" in label or "表" in label):
            header["year"] = dataclasses.replace(rd.sheet.field(r, c), value=float(m.group(1)))
            return


_TEXT_KEYS = ("unit_code", "department_code", "phone", "contact", "leader", "finance_leader")


def _heading_row(rd: Reader) -> int | None:
    """The row of a list-style sheet whose cells head columns: 项目名称 beside the
    indicator headings (单位名称 | 项目名称 | 预算数 | 年度目标 | 一级指标 …)."""
    lex = rd.labels.lex
    for r, cells in rd.labels.by_row.items():
        found: set[str | None] = set()
        for _, lbl in cells:
            found.add(lex.key("header", lbl))
            found.add(lex.key("indicator", lbl))
            if "project" in found and "name" in found:
                return r
    return None


def _column_layout(rd: Reader, header: dict[str, Field], goals: dict[str, Field],
                   funds: dict[str, dict[str, dict[str, Field]]]) -> None:
    """List-style sheets (one row per indicator, the project's fields in columns merged or
    written on its first row): each field is read on the first project's row; a
    department subtotal row above it (unit column filled, no project) is the 主管部门."""
    hr = _heading_row(rd)
    if hr is None:
        return
    lex = rd.labels.lex
    cols = {lex.key("header", lbl) or lex.key("goals", lbl) or _budget_key(lbl): c
            for c, lbl in rd.labels.by_row[hr]}
    pc = cols.get("project")
    first = next((r for r in range(hr + 1, rd.sheet.nrows)
                  if pc is not None and rd.sheet.anchor(r, pc)[1] == pc and rd.sheet.text(r, pc)), None)
    if first is None:
        return
    for key, c in cols.items():
        if key in lex.tables["header"]:
            header[key] = rd.sheet.field(first, c)
        elif key in lex.tables["goals"]:
            goals[key] = rd.sheet.field(first, c)
    if "unit" in cols and "department" not in cols:
        above = [r for r in range(hr + 1, first) if rd.sheet.text(r, cols["unit"])]
        if above:
            header["department"] = rd.sheet.field(above[-1], cols["unit"])
    if "budget" in cols:
        units = Units.of(rd)
        f = rd.number(rd.sheet.field(first, cols["budget"]), FUND_WHAT["amount"])
        funds.setdefault("annual", {})["total"] = {"amount": units.amount(rd, f, "", rd.ref(hr, cols["budget"]))}


def _budget_key(label: str) -> str | None:
    return "budget" if label in ("预算数", "预算金额", "项目预算数", "年度预算数") else None


def read_header(rd: Reader) -> dict[str, Field]:
    header = _labelled(rd, "header")
    for key in _TEXT_KEYS:  # codes typed as numbers (301 → "301", never "301.0")
        f = header.get(key)
        if f is not None and isinstance(f.value, float) and f.value.is_integer():
            header[key] = Field(str(int(f.value)), f.ref, f.text, f.percent, f.formula_uncached)
    _one_line(header)
    _split_code(header, "department")
    _split_code(header, "unit")
    _year(rd, header)
    return header


def read_goals(rd: Reader) -> dict[str, Field]:
    """预期目标/实际完成情况 (or 中期目标/年度目标) below their labels when they head a row
    of goal labels, else to the right.  Specific labels win over group labels."""
    out: dict[str, Field] = {}
    goals = rd.labels.lex.by_label["goals"]
    order = {norm(s): i for syns in rd.labels.lex.tables["goals"].values() for i, s in enumerate(syns)}
    # exact labels first, then labels with a note in brackets ("项目绩效目标(含项目概况、…)";
    # not "年度绩效目标(90分)" heading an indicator table when 年度主要目标 is written too)
    cells = sorted([(order[lbl], r, c, lbl) for r, c, lbl in rd.labels.cells if lbl in goals]
                   + [(len(order) + order[b], r, c, b) for r, c, lbl in rd.labels.cells
                      if lbl not in goals and (b := base(lbl)) in goals])
    for _, r, c, label in cells:
        key = goals[label]
        if key in out and not out[key].blank:  # a filled one wins over a section heading's blank
            continue
        row_goals = sum(1 for _, lbl in rd.labels.by_row.get(r, ()) if lbl in goals)
        _, end = rd.sheet.span_end(r, c)
        found: Field | None = None
        if label in _GROUP_GOALS:
            if not rd.labels.is_label(r, end + 1):  # "年度总体目标 | text": a value holder
                found = _right_or_below(rd, r, c)
        elif row_goals >= 2:
            found = rd.below(r, c)
        else:
            found = _right_or_below(rd, r, c)
        if found is not None and (key not in out or not found.blank):
            out[key] = found
    return out


def _right_or_below(rd: Reader, r: int, c: int) -> Field:
    """The text right of a goal label, or under it when the label fills its row
    ("年度目标" merged across the form, the goal text in the row below)."""
    right = rd.right_of(r, c)
    if not right.blank:
        return right
    below = rd.below(r, c)
    return below if isinstance(below.value, str) and not below.blank else right


_GROUP_GOALS = {"总体目标", "年度总体目标"}


# ---------------------------------------------------------------- assembly


def _variant(rd: Reader, kind: FormKind, ab: bool, columns: set[str],
             funds: dict[str, dict[str, dict[str, Field]]], wrapped: bool = False) -> str:
    """The layout family, for people (pbm inspect): see dump.VARIANT_LABELS."""
    if _heading_row(rd) is not None:
        return "list"
    if _whole_department(rd):
        return WHOLE_DEPARTMENT
    if wrapped:
        return "investment"
    if "special" in funds.get("annual", {}):
        return "sichuan_zp"  # 总额 / 财政资金 / 财政专户管理资金 / 单位资金
    if ab:
        return "city_ab"
    if kind is not FormKind.MONITOR and columns & {"nature", "unit"}:
        return "sichuan"
    return "national"


def _whole_department(rd: Reader) -> bool:
    """The title names a 部门整体 form (部门整体支出绩效自评表, 部门整体绩效目标申报表)."""
    return any("部门整体" in label and len(label) <= 40
               for r, _c, label in rd.labels.cells if r < _TITLE_ROWS)


def _uncached_issues(rd: Reader) -> list[ReadIssue]:
    return [ReadIssue("formula_uncached", rd.ref(r, c), "",
                      "单元格是公式但没有保存计算结果（常见于程序生成的文件）；请用 Excel/WPS 打开、重新计算并保存后再报送")
            for r, c in sorted(rd.sheet.uncached)]


def _no_score_columns(rd: Reader, kind: FormKind, table: TableResult) -> list[ReadIssue]:
    """A self-evaluation whose indicator table has neither 分值 nor 得分 (转移支付 and other
    local templates): it can be checked but not scored; said once, at the table's heading."""
    if kind is not FormKind.SELFEVAL or not table.indicators or table.columns & {"weight", "score"}:
        return []
    head = min(table.header_rows) if table.header_rows else 0
    c = min((c for c, _ in rd.labels.by_row.get(head, ())), default=0)
    return [ReadIssue("no_score_columns", rd.ref(head, c), "",
                      "绩效指标表没有分值、得分栏（也没有总分），只能审核填报内容，不能按评分规则复核得分")]


_COLUMN_NAMES = {"weight": "分值", "actual": "实际完成值"}


def _columns_missing(rd: Reader, kind: FormKind, table: TableResult) -> list[ReadIssue]:
    """A self-evaluation table with 得分 but no recognised 分值, or with 指标值 but no recognised
    实际完成值: the heading is written another way ("考核权数", "年末实际达成").  Said once, at the
    table's heading row, instead of a finding on every row."""
    if kind is not FormKind.SELFEVAL or not table.indicators or not table.header_rows:
        return []
    wanted = [k for k, needs in (("weight", "score"), ("actual", "target"))
              if needs in table.columns and k not in table.columns]
    head = min(table.header_rows)
    c = min((c for c, _ in rd.labels.by_row.get(head, ())), default=0)
    seen = "、".join(f"「{rd.sheet.text(head, cc)}」" for cc, _ in rd.labels.by_row.get(head, ()))
    return [ReadIssue("column_missing", rd.ref(head, c), key,
                      f"绩效指标表的表头（第 {head + 1} 行：{seen}）中没有识别到「{_COLUMN_NAMES[key]}」栏，"
                      f"无法审核和复核各行的{_COLUMN_NAMES[key]}；如这一栏的名称不同，请在 pbm.toml 的 "
                      f"[labels.indicator] {key} 中补充这种写法（pbm inspect 可查看读到的栏目）")
            for key in wanted]


def _leftover_issue(leftovers: list[Field]) -> list[ReadIssue]:
    """One note for all template rows left in the indicator table (never one per row)."""
    if not leftovers:
        return []
    leftovers = sorted(leftovers, key=lambda f: f.ref.row if f.ref else 0)
    rows = sorted({f.ref.row for f in leftovers if f.ref is not None})
    shown = "、".join(f"「{f.text or f.value}」" for f in leftovers[:3]) + ("等" if len(leftovers) > 3 else "")
    where = "、".join(str(r) for r in rows[:8]) + ("…" if len(rows) > 8 else "")
    return [ReadIssue("template_leftover", leftovers[0].ref, shown,
                      f"指标表第 {where} 行不是单独的指标（模板遗留或“其中”分项：{shown}），未计入审核和计分")]


def parse_workbook(wb: Workbook, lex: Lexicon | None = None, prefer: FormKind | None = None) -> Submission:
    """Identify the form in ``wb`` and read it into a Submission (raises InputError F003);
    ``prefer``: see ``choose_sheet``."""
    if wb.pbm_report():
        raise NotAForm(wb.display, "pbm 生成的报告（审核结果、得分复核、排名等），不是单位报送的表格；"
                                   "报告请放在「输出」等文件夹，不要放进收件文件夹")
    meta_kind, version, meta_issues = read_meta(wb)
    if meta_kind == "units":
        raise InputError(wb.display, "这是单位名录（units）模板", "F003")
    name, kind, labels, sheet_issues = choose_sheet(wb, lex, prefer)
    rd = Reader(wb.sheet(name), labels)
    header = read_header(rd)
    goals = read_goals(rd)
    funds, funds_ab = read_funds(rd)
    _column_layout(rd, header, goals, funds)
    weight = funds.get("annual", {}).get("total", {}).get("weight", EMPTY).number
    table = read_tables(rd, goal=kind is FormKind.GOAL, funds_weight=weight)
    if table.execution:
        total = funds.setdefault("annual", {}).setdefault("total", {})
        for key, f in table.execution.items():
            total.setdefault(key, f)
    totals = dict(table.totals)
    own = header.pop("self_score", None)
    if own is not None and "score" not in totals and isinstance(own.value, float):
        totals["score"] = own  # "自评得分 | 98" in the header rows: the form's stated total
    issues = [*wb.issues, *meta_issues, *sheet_issues, *rd.issues, *_uncached_issues(rd),
              *_leftover_issue(table.leftovers + ([] if version else table.level_only)),
              *(ReadIssue("level1_inferred", f.ref, l2,
                          (f"一级指标只写了「{f.text}」，没有名称，已按二级指标「{l2}」归入「{l1}」" if f.text
                           else f"一级指标为空，已按二级指标「{l2}」归入「{l1}」"))
                for f, l2, l1 in table.inferred),
              *_no_score_columns(rd, kind, table),
              *_columns_missing(rd, kind, table),
              *(ReadIssue("several_targets", rd.ref(row, 0), heads[0],
                          f"指标值按 {len(heads)} 个地区或单位分列填写（{'、'.join(heads[:4])}"
                          f"{'等' if len(heads) > 4 else ''}），只审核了第一列「{heads[0]}」")
                for row, heads in table.recipients)]
    return Submission(
        path=wb.display, kind=kind, sheet=name, template_version=version,
        variant=_variant(rd, kind, funds_ab or table.ab, table.columns, funds, table.wrapped),
        header=header, funds=funds, goals=goals, indicators=tuple(table.indicators),
        totals=totals, extra=_labelled(rd, "extra"), issues=tuple(issues),
    )
