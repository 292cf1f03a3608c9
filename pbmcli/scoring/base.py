"""Shared pieces of scoring: numbers (Decimal, half-up rounding), the result types, the
findings scoring makes (through the rules registry)."""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import TYPE_CHECKING

from ..model import (
    CellRef,
    Finding,
    Indicator,
    Submission,
)

if TYPE_CHECKING:
    from ..config import RulePack




_CJK_TERM = re.compile(r"[\u4e00-\u9fff]")

POSITIVE, REVERSE, EQUAL, QUALITATIVE, NOT_APPLICABLE = (
    "positive", "reverse", "equal", "qualitative", "not_applicable")
METHOD_LABELS = {POSITIVE: "正向", REVERSE: "反向", EQUAL: "等于", QUALITATIVE: "定性",
                 NOT_APPLICABLE: "不适用"}
BAND_LABELS = {"high": "达成", "mid": "部分达成", "low": "未达成"}


# --- numbers ---------------------------------------------------------------------------------

def _d(x: float | int | Decimal) -> Decimal:
    return x if isinstance(x, Decimal) else Decimal(repr(float(x)))


def _round(x: Decimal, decimals: int) -> Decimal:
    if not x.is_finite():
        return x
    with localcontext() as ctx:  # room for every digit of a huge number
        ctx.prec = max(ctx.prec, x.adjusted() + decimals + 2)
        return x.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def round_half_up(x: float, decimals: int) -> float:
    """Round half away from zero on the decimal digits as written: 8.345 → 8.35, 2.675 → 2.68."""
    return float(_round(_d(x), decimals))


def fmt(x: float | Decimal | None) -> str:
    """A number for messages and formulas: at most 4 decimals, no trailing zeros."""
    if x is None:
        return "—"
    d = _round(_d(x), 4).normalize()
    return format(d, "f")


# --- results ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class IndicatorScore:
    """One indicator's recomputed score (None = not scorable: data insufficient or 不适用)."""

    indicator: Indicator
    method: str  # positive | reverse | equal | qualitative | not_applicable
    score: float | None
    formula: str
    note: str = ""
    findings: tuple[Finding, ...] = ()
    assumed: float = 0.0  # points the rule could have given above ``score`` when it had to assume
    # (a qualitative row without a self-score is scored at its band's lower bound)

    @property
    def weight(self) -> float | None:
        return self.indicator.weight

    @property
    def self_score(self) -> float | None:
        return _own(self.indicator)

    @property
    def applicable(self) -> bool:
        return self.method != NOT_APPLICABLE


@dataclass(frozen=True)
class ExecutionScore:
    """预算执行率: budget and spent in 万元, rate in percent (unrounded)."""

    budget: float | None
    spent: float | None
    rate: float | None
    points: float
    score: float | None
    formula: str
    note: str = ""
    self_score: float | None = None
    ref: CellRef | None = None  # the execution 得分 cell (or the row's first cell found)
    findings: tuple[Finding, ...] = ()


@dataclass(frozen=True)
class ScoreResult:
    """A self-evaluation rescored; ``total`` None means data insufficient."""

    submission: Submission
    execution: ExecutionScore
    indicators: tuple[IndicatorScore, ...]
    total: float | None
    self_total: float | None
    difference: float | None
    grade: str | None
    self_grade: str | None
    findings: tuple[Finding, ...]
    self_total_source: str = ""  # "总分得分单元格" | "各项自评得分合计" | ""
    notes: tuple[str, ...] = ()

    @property
    def inflated(self) -> bool:
        return any(f.code == "X301" for f in self.findings)


# --- findings --------------------------------------------------------------------------------

def _finding(code: str, message: str, ref: CellRef | None, *, expected: object = None,
             actual: object = None) -> Finding:
    """An X3xx finding, phrased and graded by the rules registry (the detail is the reason)."""
    from ..rules import finding_for

    return finding_for(code, sheet=ref.sheet if ref else None, cell=ref.cell if ref else None,
                       detail=message, expected=None if expected is None else str(expected),
                       actual=None if actual is None else str(actual))


def select_findings(findings: Iterable[Finding], pack: RulePack, path: str = "") -> list[Finding]:
    """Apply the pack's rule selection and severity overrides (the registry's, as for every
    other finding); set the path."""
    from ..rules import graded

    out = [dataclasses.replace(graded(f, pack), path=path or f.path) for f in findings
           if pack.rules.enabled(f.code)]
    return sorted(out, key=Finding.sort_key)


def _indicator_ref(ind: Indicator, *keys: str) -> CellRef | None:
    for key in (*keys, "score", "actual", "target", "name"):
        ref = ind.get(key).ref
        if ref is not None:
            return ref
    return None


def _own(ind: Indicator) -> float | None:
    """The indicator's self-score (得分) when it is a finite number."""
    own = ind.score
    return own if own is not None and math.isfinite(own) else None


def _label(ind: Indicator) -> str:
    return f"指标「{ind.name or '（未命名）'}」"
