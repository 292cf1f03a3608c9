"""Reading values next to labels, and numbers that must be numbers."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import CellRef, Field, ReadIssue
from ..values import parse_number
from .labels import LabelIndex
from .workbook import Sheet, cell_name

_DASHES = set("-—–―─━－_~/\\／ ")


def _nothing_written(text: str) -> bool:
    """"—", "/", "无": a number cell left empty on purpose (not a wrong value)."""
    t = text.strip()
    return set(t) <= _DASHES or t in ("无", "空")



MAX_GAPS = 2  # blank cells skipped between a label and its value

@dataclass
class Reader:
    """One sheet being parsed: its labels and the issues found so far."""

    sheet: Sheet
    labels: LabelIndex
    issues: list[ReadIssue] = field(default_factory=list)

    def ref(self, r: int, c: int) -> CellRef:
        return CellRef(self.sheet.name, cell_name(r, c))

    def blank(self, r: int, c: int) -> Field:
        return Field(None, self.ref(r, c), "")

    def right_of(self, r: int, c: int) -> Field:
        """The value right of the label at (r, c): skip merged continuation cells,
        stop at the next label; blank Field at the first candidate cell when empty."""
        _, end = self.sheet.span_end(r, c)
        first = end + 1
        col, gaps = first, 0
        # at most MAX_GAPS blank cells between a label and its value: further right,
        # text is the next field's label (e.g. an unknown "联系人及电话"), not this value
        while col < self.sheet.ncols and gaps <= MAX_GAPS:
            ar, ac = self.sheet.anchor(r, col)
            if self.labels.is_label(r, col):
                break
            f = self.sheet.field(r, col)
            if not f.blank or f.formula_uncached:
                return f
            col = self.sheet.span_end(ar, ac)[1] + 1
            gaps += 1
        return self.blank(*self.sheet.anchor(r, first))

    def below(self, r: int, c: int) -> Field:
        """The value under the label at (r, c) (below its merged span)."""
        end_r, _ = self.sheet.span_end(r, c)
        if end_r + 1 >= self.sheet.nrows:
            return self.blank(end_r + 1, c)
        if self.labels.is_label(end_r + 1, c):
            return self.blank(end_r + 1, c)
        return self.sheet.field(end_r + 1, c)

    def column_cell(self, r: int, c: int) -> Field:
        """A table cell: blank when (r, c) continues a merge anchored in another column."""
        _, ac = self.sheet.anchor(r, c)
        if ac != c:
            return self.blank(r, c)
        return self.sheet.field(r, c)

    def number(self, f: Field, what: str) -> Field:
        """A numeric Field: text numbers ("1,200", "１２０万元", "10分") become floats;
        other text stays text and is reported as not_a_number."""
        if f.blank or isinstance(f.value, float):
            return f
        text = str(f.value)
        if _nothing_written(text):
            return Field(None, f.ref, text)
        n = parse_number(text)
        if n is None:
            shown = text if len(text) <= 40 else text[:40] + f"…（共 {len(text)} 字）"
            self.issues.append(ReadIssue("not_a_number", f.ref, shown, f"{what}应为数字，但填写的是「{shown}」"))
            return f
        return Field(n, f.ref, text, percent=text.rstrip().endswith(("%", "％")))
