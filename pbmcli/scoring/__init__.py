"""Scoring of self-evaluations (项目支出绩效自评表): each formula once, pure.

Rules (domain.md "pbm defaults" and §2); every number comes from the RulePack:

* execution: rate = 全年执行数 / 全年预算数 (年度资金总额 row; 年初预算数 when
  全年预算数 is missing, with a note); score = min(rate, 1) × 分值, the rate
  unrounded.  Budget 0 or missing → score None (data insufficient).
* positive (≥ >): B ≥ A → full; else B/A × 分值.  ">" counts the boundary as met.
* equal (=): A = 0: B ≤ 0 full else 0; A > 0: as positive.
* reverse (≤ <): B ≤ A → full; else ``ratio`` A/B × 分值 or ``linear_penalty``
  (1 - (B-A)/A) × 分值 (0 at B ≥ 2A).  "<" counts the boundary as met.  A = 0:
  B ≤ 0 full else 0.
* a target without operator is read as ≥ (as 达到), or as = when it is 0.
* qualitative: the completion string gives the band 达成 [hi, 100] %, 部分达成
  [lo, hi) %, 未达成 [0, lo) % of 分值; the recomputed score is the self-score
  clamped to the band (edges closed); no self-score → the band's lower edge
  (conservative).  A completion text that maps to no band keeps the self-score
  (clamped to [0, 分值]) with a warning.
* 不适用 indicators are excluded and the rest rescaled to 100.
* each part is rounded half-up to ``decimals``; total = sum of the rounded parts.
* a missing value never scores 0 or full: the part is None and the total is None
  (data insufficient, finding X307).

All arithmetic runs on Decimal built from ``repr`` of the floats, so 8.345
rounds to 8.35 and 2.675 to 2.68.
"""

from __future__ import annotations

from .base import (
    BAND_LABELS,
    EQUAL,
    METHOD_LABELS,
    NOT_APPLICABLE,
    POSITIVE,
    QUALITATIVE,
    REVERSE,
    ExecutionScore,
    IndicatorScore,
    ScoreResult,
    fmt,
    round_half_up,
    select_findings,
)
from .execution import money_rows, score_execution
from .formulas import UnitMismatch, equal, positive, reverse, unit_mismatch
from .indicator import score_indicator
from .total import score_submission

__all__ = [
    "BAND_LABELS", "EQUAL", "METHOD_LABELS", "NOT_APPLICABLE", "POSITIVE", "QUALITATIVE", "REVERSE",
    "ExecutionScore", "IndicatorScore", "ScoreResult", "UnitMismatch", "equal", "fmt", "money_rows",
    "positive", "reverse", "round_half_up", "score_execution", "score_indicator", "score_submission",
    "select_findings", "unit_mismatch",
]
