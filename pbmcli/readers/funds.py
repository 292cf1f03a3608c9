"""The 项目资金 block of a form: amounts by row (资金总额 / 财政拨款 / 其他资金 …) and
column (年初预算数 / 全年预算数 / 全年执行数 / 分值 / 执行率 / 得分), in 万元.

Layouts read: a column-header table, label | amount pairs along rows, amounts inline
in the label ("年度资金总额:16"), 中期/年度 blocks, twin totals on one row, and the
execution's 分值 written only in a label ("预算执行情况(20分)").
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from decimal import Decimal

from ..model import FUND_PARTS, CellRef, Field, ReadIssue
from ..values import amount_text, parse_number
from .cells import Reader
from .labels import has_ab

AMOUNT_IN_YUAN = "amount_in_yuan"
_AMOUNT_COLS = {"initial", "budget", "spent", "amount", "forecast"}
_YUAN_NOTE = re.compile(r"\((?:金额)?(?:单位)?(?:人民币)?元\)")  # labels are normalised: "(元)", "(单位元)"
_UNIT_LINE = re.compile(r"^(?:金额|资金)?单位(?:人民币)?(万元|元)$|金额单位(?:人民币)?(万元|元)")


def unit_in(label: str) -> str | None:
    """"万元" / "元" when a normalised label states the amount unit, else None."""
    if "万元" in label:
        return "万元"
    if _YUAN_NOTE.search(label):
        return "元"
    m = _UNIT_LINE.search(label)
    return (m.group(1) or m.group(2)) if m else None


@dataclasses.dataclass
class Units:
    """The amount unit of the funds block (its 项目资金 label or a 单位：元 line), which a
    column header or row label stating its own unit overrides."""

    default: str | None = None
    where: CellRef | None = None

    @classmethod
    def of(cls, rd: Reader) -> Units:
        for r, c, label in rd.labels.cells:
            if label.startswith("项目资金") or _UNIT_LINE.search(label):
                unit = unit_in(label)
                if unit is not None:
                    return cls(unit, rd.ref(r, c))
        return cls()

    def amount(self, rd: Reader, f: Field, label: str, where: CellRef) -> Field:
        """An amount in 万元: ÷ 10000 when its label (or the block's) says 元; the text keeps
        what was written ("300000元"); one reader issue says so."""
        own = unit_in(label)
        unit, where = (own, where) if own else (self.default, self.where or where)
        if unit != "元" or not isinstance(f.value, float) or "万" in f.text:
            return f
        if not any(i.kind == AMOUNT_IN_YUAN for i in rd.issues):
            rd.issues.append(ReadIssue(AMOUNT_IN_YUAN, where, "元", "金额单位为元，已换算为万元"))
        text = f.text if f.text and f.text != f"{f.value:g}" else format(Decimal(repr(f.value)).normalize(), "f")
        return dataclasses.replace(f, value=float(Decimal(repr(f.value)) / 10000),
                                   text=text if text.endswith("元") else text + "元")


def _fund_header(rd: Reader) -> tuple[int, dict[str, int], bool] | None:
    """The 项目资金 column-header row (年初预算数 / 全年预算数 / 全年执行数 …)."""
    for r in sorted(rd.labels.by_row):
        cols: dict[str, int] = {}
        ab = False
        for c, label in rd.labels.by_row[r]:
            key = rd.labels.lex.key("fund_columns", label)
            if key is not None and key not in cols:
                cols[key] = c
                ab = ab or has_ab(label)
        amounts = cols.keys() & {"initial", "budget", "spent"}
        if len(amounts) >= 2 and sum(isinstance(rd.right_of(r, cols[k]).value, float) for k in amounts) < 2:
            return r, cols, ab  # (label | amount pairs along the row are _funds_pairs' layout)
    return None


def _fund_row_key(rd: Reader, label: str) -> str | None:
    return rd.labels.lex.key("fund_rows", label)


def _funds_table(rd: Reader, hr: int, cols: dict[str, int], units: Units) -> dict[str, dict[str, Field]]:
    first = min(cols.values())
    rows: dict[str, dict[str, Field]] = {}
    # "年度资金总额" merged down beside the column headings: the row under them is the total
    heading = [_fund_row_key(rd, lbl) for c, lbl in rd.labels.by_row.get(hr, ()) if c < first]
    merged_total = "total" in heading
    for r in range(hr + 1, min(hr + 9, rd.sheet.nrows)):
        keys = [_fund_row_key(rd, lbl) for c, lbl in rd.labels.by_row.get(r, ()) if c < first]
        key = next((k for k in keys if k), None)
        if key is None and merged_total and r == hr + 1:
            key = "total"
        if key is None or key in rows:
            if rows and not any(keys):
                break
            continue
        rows[key] = {col: _fund_cell(rd, r, c, col, hr, units) for col, c in cols.items()}
    return rows


FUND_WHAT = {"initial": "年初预算数", "budget": "全年预算数", "spent": "全年执行数", "weight": "分值",
              "rate": "执行率", "score": "得分", "amount": "资金金额", "forecast": "全年预计执行数",
              "forecast_rate": "预计执行率"}


def _fund_cell(rd: Reader, r: int, c: int, col: str, hr: int, units: Units) -> Field:
    f = rd.column_cell(r, c)
    if col not in FUND_WHAT:
        return f
    f = rd.number(f, FUND_WHAT[col])
    return units.amount(rd, f, rd.labels.label_at(hr, c), rd.ref(hr, c)) if col in _AMOUNT_COLS else f


def _funds_labelled(rd: Reader, units: Units) -> dict[str, dict[str, dict[str, Field]]]:
    """Goal-form funds: 中期/年度资金总额 blocks, each row label with its amount to the right."""
    funds: dict[str, dict[str, dict[str, Field]]] = {}
    block_at: dict[int, tuple[int, str]] = {}  # column -> (row, block) of the last total label
    twins = _twin_totals(rd)
    for r, c, label in rd.labels.cells:
        inline = _inline_amount(rd, r, c, label)  # "年度资金总额:16", "其中 :上级资金16"
        key = _fund_row_key(rd, label) if inline is None else None
        if inline is not None:
            key, label = inline[0], inline[1]
        if key is None:
            continue
        if key in ("total", "total_midterm") and inline is None and _column_heading(rd, r, c):
            continue  # "资金来源 | 资金总额" headings: the amounts are in the rows below
        if key in ("total", "total_midterm"):
            block = twins.get((r, c)) or ("midterm" if "中期" in label or key == "total_midterm" else "annual")
            key = "total"
            block_at[c] = (r, block)
        else:
            above = block_at.get(c)
            block = above[1] if above and r - above[0] <= 6 else "annual"
        row = funds.setdefault(block, {})
        if key not in row or row[key]["amount"].blank:  # a later label with an amount wins over none
            f = inline[2] if inline is not None else rd.number(_labelled_amount(rd, r, c), FUND_WHAT["amount"])
            if key not in row or not f.blank:
                row[key] = {"amount": units.amount(rd, f, label, rd.ref(r, c))}
    return funds


def _amount_like(f: Field) -> bool:
    return isinstance(f.value, float) or (isinstance(f.value, str) and amount_text(f.value))


def _labelled_amount(rd: Reader, r: int, c: int) -> Field:
    """The amount of a funds label: to its right, or under it when the label heads a column of
    sources ("其中:上级财政补助资金 | 其中:同级财政资金" over "0.00 | 25.00")."""
    right = rd.right_of(r, c)
    if not _amount_like(right):
        below = rd.below(r, c)
        if _amount_like(below):
            return below
    return right


def _twin_totals(rd: Reader) -> dict[tuple[int, int], str]:
    """Two 资金总额 labels on one row ("资金总额 | 10000万元 | 当年资金总额 | 10000万元"): the one
    saying 当年/本年/年度 is the year's, the other the whole period's (中期)."""
    out: dict[tuple[int, int], str] = {}
    for r, cells in rd.labels.by_row.items():
        totals = [(c, lbl) for c, lbl in cells if _fund_row_key(rd, lbl) in ("total", "total_midterm")]
        yearly = [c for c, lbl in totals if any(w in lbl for w in ("当年", "本年", "年度"))]
        if len(totals) == 2 and len(yearly) == 1:
            for c, _ in totals:
                out[(r, c)] = "annual" if c in yearly else "midterm"
    return out


def _column_heading(rd: Reader, r: int, c: int) -> bool:
    """A label heading a column of amounts: nothing to its right and a number under it
    ("资金来源 | 资金总额"), or a heading to its right over the amounts ("年度资金总额 |
    金额(万元)" with the amounts under 金额)."""
    right = rd.right_of(r, c)
    if right.blank:
        return isinstance(rd.below(r, c).value, float)
    if isinstance(right.value, str) and right.ref is not None:
        return isinstance(rd.below(right.ref.row - 1, right.ref.col - 1).value, float)
    return False


_INLINE_AMOUNT = re.compile(r"^(?:[一二三四五六七八九十]+、|\d+[.、])?(?P<label>[^\d()]+?)"
                            r"(?P<num>\d[\d,]*(?:\.\d+)?)(?P<unit>万元|元)?(?:\(.*\))?[;；,，。]?$")


def _inline_amount(rd: Reader, r: int, c: int, label: str) -> tuple[str, str, Field] | None:
    """A funds row written in one cell: "年度资金总额:16", "其中 :上级资金16",
    "三、其他:3683.3970万元" → (row key, label, amount Field of that cell)."""
    m = _INLINE_AMOUNT.match(label)
    if m is None:
        return None
    name = m.group("label")
    key = _fund_row_key(rd, name) or _fund_row_key(rd, name + "资金")
    if key is None:
        return None
    number = parse_number(m.group("num"))
    if number is None:
        return None
    f = rd.sheet.field(r, c)
    unit = m.group("unit") or ""
    return key, name + (f"({unit})" if unit == "元" else ""), dataclasses.replace(f, value=number, text=f.text)


def _funds_horizontal(rd: Reader, units: Units) -> dict[str, dict[str, dict[str, Field]]] | None:
    """Goal-form funds written as columns (资金总额 | 财政拨款 | 其他资金) with one row per
    block below (中期 / 年度, or a single unlabelled row = 年度)."""
    for r in sorted(rd.labels.by_row):
        cols = {}
        for c, label in rd.labels.by_row[r]:
            key = _fund_row_key(rd, label)
            if key is not None and key not in cols:
                cols[key] = c
        if "total" not in cols or not cols.keys() & set(FUND_PARTS):
            continue
        if any(_amount_like(rd.right_of(r, c)) for c in cols.values()):
            return None  # "资金总额 | 35 | 其中：财政拨款 | 35万元": labels with their amounts beside them
        funds: dict[str, dict[str, dict[str, Field]]] = {}
        first = min(cols.values())
        for row in range(r + 1, min(r + 4, rd.sheet.nrows)):
            left = "".join(lbl for c, lbl in rd.labels.by_row.get(row, ()) if c < first)
            block = "midterm" if "中期" in left else "annual"
            if block in funds or (row > r + 1 and not left):
                break
            funds[block] = {k: {"amount": units.amount(rd, rd.number(rd.column_cell(row, c), FUND_WHAT["amount"]),
                                                       rd.labels.label_at(r, c), rd.ref(r, c))}
                            for k, c in cols.items()}
        return funds
    return None


def _funds_pairs(rd: Reader, units: Units) -> dict[str, dict[str, dict[str, Field]]] | None:
    """Self-evaluation funds written as label | amount pairs along rows (河北):
    预算数 | 6.84 | 到位数 | 6.84 | 执行数 | 6.84, then 其中：财政资金 | … under each label;
    the 预算执行进度(%) heading above its value."""
    lex = rd.labels.lex
    for r in sorted(rd.labels.by_row):
        pairs: dict[str, int] = {}
        for c, label in rd.labels.by_row[r]:
            key = lex.key("fund_columns", label)
            if key in ("initial", "budget", "spent") and isinstance(rd.right_of(r, c).value, float):
                pairs.setdefault(key, c)
        if len(pairs) < 2:
            continue
        total = {k: _fund_pair(rd, r, c, k, units) for k, c in pairs.items()}
        for c, label in rd.labels.by_row.get(r - 1, ()):
            if lex.key("fund_columns", label) == "rate" and isinstance(rd.below(r - 1, c).value, float):
                total["rate"] = rd.below(r - 1, c)
        rows: dict[str, dict[str, Field]] = {"total": total}
        for rr in range(r + 1, min(r + 6, rd.sheet.nrows)):
            for k, c in pairs.items():
                text = rd.labels.label_at(rr, c)
                part = _fund_row_key(rd, text) or (_fund_row_key(rd, text + "资金") if text else None)
                if part in FUND_PARTS:
                    rows.setdefault(part, {})[k] = _fund_pair(rd, rr, c, k, units)
        return {"annual": rows}
    return None


def _fund_pair(rd: Reader, r: int, c: int, key: str, units: Units) -> Field:
    f = rd.number(rd.right_of(r, c), FUND_WHAT[key])
    return units.amount(rd, f, rd.labels.label_at(r, c), rd.ref(r, c))


def read_funds(rd: Reader) -> tuple[dict[str, dict[str, dict[str, Field]]], bool]:
    units = Units.of(rd)
    head = _fund_header(rd)
    if head is None and (pairs := _funds_pairs(rd, units)) is not None:
        return pairs, False
    if head is None:
        horizontal = _funds_horizontal(rd, units)
        return (horizontal if horizontal is not None else _funds_labelled(rd, units)), False
    hr, cols, ab = head
    rows = _funds_table(rd, hr, cols, units)
    if "total" in rows and "weight" not in cols:
        points = _points_in_labels(rd, hr, min(cols.values()))
        if points is not None:  # "预算执行情况(万元)(20分)", "得分(20分*执行率)": the weight is in a label
            rows["total"]["weight"] = points
    return ({"annual": rows} if rows else {}), ab


_POINTS = re.compile(r"[(（](\d+(?:\.\d+)?)分")


def _points_in_labels(rd: Reader, hr: int, first: int) -> Field | None:
    """The execution's 分值 written only in the funds block's labels: the heading row, and the
    block label left of it (merged down over the rows)."""
    cells = list(rd.labels.by_row.get(hr, ()))
    for r in range(max(0, hr - 1), hr + 1):
        cells += [(c, lbl) for c, lbl in rd.labels.by_row.get(r, ()) if c < first]
    for c, _ in cells:
        text = rd.sheet.text(*rd.sheet.anchor(hr, c)) if rd.sheet.anchor(hr, c)[1] == c else rd.sheet.text(hr, c)
        m = _POINTS.search(unicodedata.normalize("NFKC", text))
        if m:
            f = rd.sheet.field(*rd.sheet.anchor(hr, c))
            return dataclasses.replace(f, value=float(m.group(1)), text=text)
    return None
