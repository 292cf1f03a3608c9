"""The ranges of the rule pack's numbers and the allowed words of its choices.

Types are checked while merging (config_files.merge, config._section); this module checks
that each value is one pbm can honour, so a typo or a stray minus sign is a Chinese
configuration error (exit 2) instead of a wrong ranking, a crash on a date far in the
future or a silently ignored setting."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .errors import ConfigError

if TYPE_CHECKING:
    from .config import RulePack

# (section, key) -> (lowest, highest, what it is); every bound inclusive
_DAYS = (0, 366, "天数")
_PERCENT = (0, 100, "百分数")
_POINTS = (0, 100, "分值")
RANGES: dict[tuple[str, str], tuple[float, float, str]] = {
    **{("weights", k): _POINTS for k in ("execution", "output", "benefit", "satisfaction", "cost",
                                         "tolerance")},
    ("scoring", "execution_points"): _POINTS,
    ("scoring", "inflation_tolerance"): _POINTS,
    ("scoring", "score_tolerance"): _POINTS,
    ("scoring", "overshoot_deduction"): _POINTS,
    ("scoring", "overshoot_ratio"): (1, 1000, "倍数"),
    ("scoring", "fraction_max"): (0, 100, "数值"),
    ("goal", "satisfaction_min"): _PERCENT,
    ("goal", "percent_max"): (0, 1e6, "百分数"),
    ("goal", "funds_tolerance"): (0, 1e6, "万元"),
    ("goal", "pre_assessment_min"): (0, 1e9, "万元"),
    ("monitor", "warning_yellow"): _PERCENT,
    ("monitor", "warning_red"): _PERCENT,
    ("monitor", "header_scan_rows"): (1, 1000, "行数"),
    ("rank", "top"): (0, 10_000, "单位数"),
    ("rank", "bottom"): (0, 10_000, "单位数"),
    ("rank", "month_red_min_gap"): _PERCENT,
    ("rank", "month_score_cap"): (1, 1000, "分数上限"),
    ("rank", "goal_error_deduction"): _POINTS,
    ("rank", "goal_warning_deduction"): _POINTS,
    ("rank", "grace_days"): _DAYS,
    ("rank", "rectify_days"): _DAYS,
    ("rank", "decimals"): (0, 6, "小数位数"),
    ("apply", "unspent_cut_ratio"): _PERCENT,
    ("apply", "unspent_flag_share"): _PERCENT,
    ("notice", "deadline_days"): _DAYS,
    ("notice", "return_days"): _DAYS,
    ("notice", "interview_bottom"): (0, 10_000, "单位数"),
}

def _walk(data: Any, where: str) -> Iterator[tuple[str, Any]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _walk(value, f"{where}.{key}" if where else str(key))
    elif isinstance(data, list | tuple):
        for value in data:
            yield from _walk(value, where)
    else:
        yield where, data


def _fail(text: str) -> None:
    raise ConfigError(text)


def _check_finite(raw: dict[str, Any]) -> None:
    """TOML allows inf and nan; no setting means either."""
    for where, value in _walk(raw, ""):
        if isinstance(value, float) and not math.isfinite(value):
            _fail(f"配置项 {where} 的值 {value} 不是有限的数，请写一个具体的数字")


def _check_table(pack: RulePack) -> None:
    for (section, key), (low, high, what) in RANGES.items():
        value = getattr(getattr(pack, section), key)
        if not low <= value <= high:
            shown = format(value, "g") if isinstance(value, float) else value
            _fail(f"[{section}] {key} = {shown} 超出范围：{what}应在 {low:g} 到 {high:g} 之间")


def _check_lists(pack: RulePack) -> None:
    for row in pack.scoring.execution_caps:
        if len(row) != 3 or not (0 <= row[0] < row[1] and 0 <= row[2] <= 100):
            _fail(f"[scoring] execution_caps 的每一项应为 [执行率下限%, 执行率上限%, 最高总分]，下限小于上限、"
                  f"都不为负，最高总分在 0 到 100 之间，如 [60.0, 70.0, 79.0]；现有 {list(row)}")
    for grade in ("excellent", "good", "fair", "poor"):
        change = getattr(pack.apply, grade).get("change", 0.0)
        if isinstance(change, bool) or not isinstance(change, int | float) or not -100 <= change <= 1000:
            _fail(f"[apply] {grade} 的 change（下年预算调整百分数）应在 -100 到 1000 之间，现为 {change!r}")


def _check_rank(pack: RulePack) -> None:
    from .cycle import DIMENSIONS

    r = pack.rank
    keys = ("score", *DIMENSIONS, "code", "name")
    unknown = [k for k in r.tie_break if k not in keys]
    if unknown:
        _fail(f"[rank] tie_break 中有无法识别的排序依据：{'、'.join(map(str, unknown))}；只能是 {'、'.join(keys)}")
    if r.quarter_execution not in ("mean", "last"):
        _fail("[rank] quarter_execution 只能是 mean（各月平均）或 last（取最后一个月）")
    if r.group_by not in ("", "category"):
        _fail("[rank] group_by 只能是空字符串（不分组）或 category（按单位类别分组）")
    extra = sorted(set(r.weights) - set(DIMENSIONS))
    if extra:
        _fail(f"[rank.weights] 中有未知的维度：{'、'.join(extra)}；可用：{'、'.join(DIMENSIONS)}")
    if not any(w > 0 for w in r.weights.values()):
        _fail("[rank.weights] 的权重不能全为 0：季度、年度综合排名需要至少一个维度有权重（默认合计 100）")
    w = pack.weights
    if not any(x > 0 for x in (w.execution, w.output, w.benefit, w.satisfaction, w.cost)):
        _fail("[weights] 的一级指标权重不能全为 0（默认 execution 10、output 50、benefit 30、satisfaction 10）")


def check_ranges(pack: RulePack) -> None:
    """Raise ConfigError (Chinese, naming the setting) for the first value out of range."""
    _check_finite(pack.raw)
    _check_table(pack)
    _check_lists(pack)
    _check_rank(pack)
