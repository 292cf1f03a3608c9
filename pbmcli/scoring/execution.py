"""The 预算执行率 score: min(全年执行数 ÷ 全年预算数, 1) × 分值, from the 年度资金总额 row
(or from the funded rows when that row holds only zeros)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from ..model import (
    EMPTY,
    FUND_PARTS,
    Field,
    Finding,
    Submission,
)
from ..values import (
    parse_number,
)
from .base import ExecutionScore, _d, _finding, _round, fmt

if TYPE_CHECKING:
    from ..config import RulePack



# --- execution ---------------------------------------------------------------------------------

_AMOUNTS = ("initial", "budget", "spent")


def money_rows(sub: Submission) -> tuple[str, ...]:
    """The funding rows that hold the money when the 年度资金总额 row does not: its amounts
    are all 0 or blank while rows under it (其中：财政拨款 …) are not.  Empty otherwise."""
    total = sub.funds.get("annual", {}).get("total", {})
    if any(parse_number(total.get(c, EMPTY)) for c in _AMOUNTS):
        return ()
    parts = sub.funds.get("annual", {})
    return tuple(p for p in FUND_PARTS if any(parse_number(parts.get(p, {}).get(c, EMPTY)) for c in _AMOUNTS))


def _fund_number(sub: Submission, col: str) -> tuple[float | None, Field]:
    """An amount of the 年度资金总额 row; when that row is all zeros but its parts hold the
    money, the sum of the parts (the total row's cell stays the reference)."""
    fld = sub.fund("annual", "total", col)
    rows = money_rows(sub) if col in _AMOUNTS else ()
    if not rows:
        return parse_number(fld), fld
    values = [parse_number(sub.fund("annual", r, col)) for r in rows]
    if all(v is None for v in values):
        return parse_number(fld), fld
    return float(sum((_d(v) for v in values if v is not None), Decimal(0))), fld


_INITIAL_USED = "全年预算数未填，按年初预算数计算执行率"


def _budget(sub: Submission) -> tuple[float | None, Field, list[Finding]]:
    """全年预算数, or 年初预算数 with an X309 note when 全年预算数 is empty."""
    budget, bfield = _fund_number(sub, "budget")
    if budget is not None:
        return budget, bfield, []
    initial, ifield = _fund_number(sub, "initial")
    if initial is None:
        return None, bfield, []
    return initial, ifield, [_finding("X309", _INITIAL_USED, bfield.ref or ifield.ref,
                                      expected="全年预算数", actual="空")]


def _consistent(own: float, score: Decimal, pack: RulePack) -> bool:
    """A self-score agrees with the recomputed one at the precision it is written in (S202's test)."""
    from ..rules.common import close_enough

    return close_enough(own, float(score), pack.scoring.score_tolerance, pack.scoring.decimals, 1)


def score_execution(sub: Submission, pack: RulePack) -> ExecutionScore:
    """预算执行率 score: min(全年执行数 / 全年预算数, 1) × 分值 (rate not rounded first)."""
    budget, bfield, found = _budget(sub)
    spent, sfield = _fund_number(sub, "spent")
    points_cell, _ = _fund_number(sub, "weight")
    points = points_cell if points_cell is not None else pack.scoring.execution_points
    own, ofield = _fund_number(sub, "score")
    ref = ofield.ref or sfield.ref or bfield.ref
    note = _INITIAL_USED if found else ""
    if budget is None or budget == 0 or spent is None:
        why = ("全年预算数为 0" if budget == 0 else
               "全年预算数为空" if budget is None else "全年执行数为空")
        found.append(_finding("X307", f"预算执行率：{why}，无法计算执行率得分", ref,
                              expected="全年预算数 > 0 且全年执行数已填", actual="数据不足"))
        return ExecutionScore(budget, spent, None, points, None, "数据不足，未计分",
                              "；".join(n for n in (note, why) if n), own, ref, tuple(found))
    rate = _d(spent) / _d(budget)
    score = _round(max(min(rate, Decimal(1)), Decimal(0)) * _d(points), pack.scoring.decimals)
    formula = (f"执行率 = 全年执行数 {fmt(spent)} ÷ 全年预算数 {fmt(budget)} = {fmt(rate * 100)}%；"
               f"得分 = 执行率（超过 100% 按 100% 计）× 分值 {fmt(points)} = {fmt(score)}")
    if own is not None and not _consistent(own, score, pack):
        lower = _d(own) < score
        found.append(_finding("X316" if lower else "X305",
                              f"预算执行率自评得分 {fmt(own)} {'低于' if lower else '与'}复核得分 {fmt(score)}"
                              f"{'' if lower else ' 不一致'}（{formula}），"
                              f"{'如有扣分理由请写明' if lower else '请按复核得分修改'}",
                              ofield.ref, expected=fmt(score), actual=fmt(own)))
    return ExecutionScore(budget, spent, float(rate * 100), points, float(score), formula, note,
                          own, ref, tuple(found))
