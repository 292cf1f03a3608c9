"""Title line breaks (GB/T 9704 7.3.1: 回行时词意完整、排列对称)."""

from __future__ import annotations

import math
import re

from .ooxml import TITLE_PT, TYPE_WIDTH_MM, east_asian_width

# Breaks fall between words, never inside a period ("2026年1—10月"), a number or one of these
# phrases; a break inside a run of other characters (a unit's name) costs as much as four
# characters of imbalance.
TITLE_WORDS = (
    "预算绩效管理工作", "预算绩效管理", "预算绩效材料", "预算执行进度", "综合评价结果", "绩效评价结果",
    "应用建议表", "综合排名", "综合评价", "绩效评价", "结果应用", "项目支出", "预算绩效", "预算执行",
    "执行进度", "问题清单", "各单位", "情况表", "结果表", "排名表", "的通报", "的通知", "关于", "退回",
    "修改", "情况", "通报", "通知", "工作",
)
_TITLE_ATOMS = re.compile(
    r"\d{4}年(?:第[一二三四]季度|度|\d{1,2}(?:[—-]\d{1,2})?月(?:底|末)?)?|\d+(?:\.\d+)?%?|"
    + "|".join(sorted(TITLE_WORDS, key=len, reverse=True)))
_NO_LINE_START = set("，。、；：！？）》」”’—")
_NO_LINE_END = set("（《「“‘")
_LOOSE_BREAK = 4.0


def _break_costs(text: str) -> list[float]:
    """Cost of a line break before each position (index 0 unused; inf = never)."""
    inf = float("inf")
    loose = [True] * len(text)
    cost = [0.0] * (len(text) + 1)
    for m in _TITLE_ATOMS.finditer(text):
        loose[m.start():m.end()] = [False] * (m.end() - m.start())
        for k in range(m.start() + 1, m.end()):
            cost[k] = inf
    for k in range(1, len(text)):
        if loose[k - 1] and loose[k] and cost[k] != inf:
            cost[k] = _LOOSE_BREAK
        if text[k] in _NO_LINE_START or text[k - 1] in _NO_LINE_END:
            cost[k] = inf
    return cost


def title_lines(text: str, capacity: float = TYPE_WIDTH_MM / 25.4 * 72 / TITLE_PT) -> list[str]:
    """Split a long title into balanced lines (回行时词意完整、排列对称), each ≤ capacity.

    One more line is preferred to a break inside a name; a title that cannot be split
    between words at all is split where it fits."""
    cap = int(capacity)
    fewest = math.ceil(east_asian_width(text) / cap)
    if fewest <= 1:
        return [text]
    costs = _break_costs(text)
    strict = [c if c != _LOOSE_BREAK else float("inf") for c in costs]
    for n, cost in ((fewest, strict), (fewest + 1, strict), (fewest, costs)):
        if lines := _balanced(text, n, cap, cost):
            return lines
    n, anywhere = fewest, [0.0] * (len(text) + 1)
    while (lines := _balanced(text, n, cap, anywhere)) is None:
        n += 1
    return lines


def _balanced(text: str, n: int, cap: int, costs: list[float]) -> list[str] | None:
    """``text`` in ``n`` lines near the average width, or None when it cannot fit."""
    target = east_asian_width(text) / n
    lines: list[str] = []
    start = 0
    while len(lines) < n - 1:
        left = n - len(lines) - 1   # lines still to come after this one
        rest = text[start:]
        cands = [k for k in range(1, len(rest)) if costs[start + k] != float("inf")
                 and east_asian_width(rest[:k]) <= cap and east_asian_width(rest[k:]) <= cap * left]
        if not cands:
            return None
        best = min(cands, key=lambda k: abs(east_asian_width(rest[:k]) - target) + costs[start + k])
        lines.append(rest[:best])
        start += best
    rest = text[start:]
    return [*lines, rest] if east_asian_width(rest) <= cap else None
