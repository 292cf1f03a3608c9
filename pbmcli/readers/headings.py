"""The heading rows of the 绩效指标 table: which row heads it, which column holds which
field (two-row headers both ways, merged spans, an unlabelled 二级 column, one target
column per recipient), and the side-by-side blocks (中期 | 年度) a repeated heading starts."""

from __future__ import annotations

from dataclasses import dataclass, field

from .cells import Reader
from .labels import has_ab


@dataclass
class Group:
    """One indicator block: its header row, block name and column map."""

    row: int
    cols: dict[str, int]
    block: str = "annual"
    ab: bool = False
    bottom: int = -1  # last header row (two-row headers: 年度指标值 over 指标性质 / 指标值 / 度量单位)
    spans: dict[str, int] = field(default_factory=dict)  # key -> last column of its header cell
    recipients: list[str] = field(default_factory=list)  # one target column each (第一列 is read)

    def __post_init__(self) -> None:
        self.bottom = max(self.bottom, self.row)


_STRUCTURAL = {"level1", "level2", "name", "target"}  # repeated, they start a side-by-side block


def _groups_in_row(rd: Reader, r: int) -> list[Group]:
    groups: list[Group] = []
    cols: dict[str, int] = {}
    ab = False
    for c, label in rd.labels.by_row.get(r, ()):
        key = rd.labels.lex.key("indicator", label)
        if key is None:
            continue
        if key in cols and key not in _STRUCTURAL:  # 指标性质 (正向) and 指标方向 (=) side by side
            cols.setdefault("direction" if key == "nature" else f"{key}_2", c)
            continue
        if key in cols:  # a repeated column starts the next side-by-side block
            groups.append(Group(r, cols, ab=ab))
            cols, ab = {}, False
        cols[key] = c
        ab = ab or has_ab(label)
    groups.append(Group(r, cols, ab=ab))
    for prev, g in zip(groups, groups[1:], strict=False):
        if "level1" not in g.cols and "level1" in prev.cols:  # 一级指标 | 二级(长期) … | 二级(年度) …
            g.cols["level1"] = prev.cols["level1"]
    found = [g for g in groups if "name" in g.cols and len(g.cols.keys() & {"level1", "level2", "target"})]
    for g in found:
        _super_header(rd, g)
        _sub_header(rd, g)
    return found


def _super_header(rd: Reader, g: Group) -> None:
    """Headings on the row above, merged down into this header row (实际完成值, 分值, 得分
    over two rows, the 年度指标值 group's sub-labels on this row): the table's columns too."""
    if g.row == 0:
        return
    first = min(g.cols.values())
    for c, label in rd.labels.by_row.get(g.row - 1, ()):
        key = rd.labels.lex.key("indicator", label)
        if (key is not None and key not in g.cols and c >= first - 1
                and rd.sheet.span_end(g.row - 1, c)[0] >= g.row and c not in g.cols.values()):
            g.cols[key] = c


def _free_target(rd: Reader, g: Group, subs: dict[str, int]) -> None:
    """预期指标值 over 符号 | (no heading) | 单位: the value is the column the sub-labels
    leave free."""
    c0 = g.cols.get("target")
    if c0 is None or "target" in subs:
        return
    end = rd.sheet.span_end(g.row, c0)[1]
    taken = set(subs.values())
    if c0 in taken:
        free = [c for c in range(c0, end + 1) if c not in taken and not rd.sheet.text(g.row + 1, c)]
        if free:
            g.cols["target"] = free[0]


def _recipient_targets(rd: Reader, g: Group) -> None:
    """No 指标值 column, but columns headed by other text right of the known ones (one target
    column per recipient township: 笏石街道办 | 埭头镇): the first of them is read as the
    target (checks run on it)."""
    if "target" in g.cols:
        return
    last = max(rd.sheet.span_end(g.row, c)[1] for c in g.cols.values())
    heads = [(c, rd.sheet.text(g.row, c)) for c, label in rd.labels.by_row.get(g.row, ())
             if c > last and label and rd.labels.lex.key("indicator", label) is None]
    if heads:
        g.cols["target"] = heads[0][0]
        g.recipients = [text for _, text in heads]


def _unlabelled_level2(rd: Reader, g: Group) -> None:
    """一级指标 | (no heading) | 三级指标: the column between, with no heading of its own,
    is the 二级 column (its heading was lost in the copy or never typed)."""
    if "level2" in g.cols or "level1" not in g.cols or "name" not in g.cols:
        return
    c = rd.sheet.span_end(g.row, g.cols["level1"])[1] + 1
    if c < g.cols["name"] and not rd.sheet.text(g.row, c) and c not in g.cols.values():
        g.cols["level2"] = c


def _sub_header(rd: Reader, g: Group) -> None:
    """Extend a header over the rows its cells are merged down to, and take the sub-labels
    written there (年度指标值 over 指标性质 | 指标值 | 度量单位; 分值 and 得分 merged down)."""
    first, last = min(g.cols.values()), max(rd.sheet.span_end(g.row, c)[1] for c in g.cols.values())
    bottom = max(rd.sheet.span_end(g.row, c)[0] for c in g.cols.values())
    subs: dict[str, int] = {}
    for c, label in rd.labels.by_row.get(g.row + 1, ()):
        key = rd.labels.lex.key("indicator", label)
        if key is not None and first <= c <= last and rd.sheet.anchor(g.row + 1, c)[0] == g.row + 1:
            subs[key] = c
    if subs and (bottom > g.row or any(rd.sheet.span_end(g.row, c)[1] > c for c in g.cols.values())):
        bottom = max(bottom, g.row + 1)
        for key, c in subs.items():
            parent = next((k for k, pc in g.cols.items() if pc <= c <= rd.sheet.span_end(g.row, pc)[1]), None)
            if parent is None or parent == key or key not in g.cols or parent in subs:
                g.cols[key] = c
        _free_target(rd, g, subs)
    _unlabelled_level2(rd, g)
    _recipient_targets(rd, g)
    g.bottom = bottom
    g.spans = {k: rd.sheet.span_end(g.row, c)[1] if rd.sheet.anchor(g.row, c) == (g.row, c) else c
               for k, c in g.cols.items()}


def find_groups(rd: Reader) -> list[Group]:
    """All indicator header groups of the sheet, top to bottom, left to right."""
    out: list[Group] = []
    for r in sorted(rd.labels.by_row):
        out.extend(_groups_in_row(rd, r))
    return out
