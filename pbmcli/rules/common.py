"""Small helpers shared by rule modules: names, placeholders, numbers, display."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeVar

from ..config import per_pack
from ..model import (
    EMPTY,
    FUND_ROW_NAMES,
    CellRef,
    Field,
    Indicator,
    IndicatorValue,
    Submission,
    ValueKind,
)
from ..values import parse_number, parse_value

if TYPE_CHECKING:
    from ..config import RulePack

_T = TypeVar("_T")

# header keys -> the label printed on the form
HEADER_LABELS = {
    "project": "项目名称",
    "department": "主管部门",
    "department_code": "主管部门代码",
    "unit": "实施单位",
    "unit_code": "实施单位代码",
    "annual_goal": "年度总体目标",
    "midterm_goal": "中期目标",
    "year": "年度",
    "attribute": "项目属性",
    "period": "项目期",
    "new_project": "是否新增项目",
    "pre_assessment": "事前评估",
    "contact": "联系人",
}
FIELD_LABELS = {
    "level1": "一级指标",
    "level2": "二级指标",
    "name": "三级指标",
    "target": "年度指标值",
    "actual": "实际完成值",
    "weight": "分值",
    "score": "得分",
    "reason": "偏差原因分析及改进措施",
}
FUND_ROWS = FUND_ROW_NAMES
FUND_COLS = {"amount": "金额", "initial": "年初预算数", "budget": "全年预算数",
             "spent": "全年执行数", "weight": "分值", "rate": "执行率", "score": "得分"}
BLOCKS = {"annual": "年度", "midterm": "中期"}

_SPACE = re.compile(r"[\s\u3000]+")
_BRACKETS = re.compile(r"[（(][^）)]*[）)]")
_ENUM = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．])")
_OPS = "≥≤><=＞＜＝≧≦"


# Facts about one indicator that many rules ask for (is it a 过程 row, a placeholder, its
# parsed 指标值 …), remembered while ``engine.check`` runs over one form: keyed by the
# indicator's id, so only valid while that form is alive (``facts_of_one_form``).
_FACTS: list[dict[tuple[int, str], tuple[Indicator, Any]]] = []


@contextmanager
def facts_of_one_form() -> Iterator[None]:
    """Remember per-indicator facts inside the block (one form, one pack)."""
    _FACTS.append({})
    try:
        yield
    finally:
        _FACTS.pop()


def _fact(ind: Indicator, what: str, compute: Callable[[], _T]) -> _T:
    if not _FACTS:
        return compute()
    memo, key = _FACTS[-1], (id(ind), what)
    hit = memo.get(key)
    if hit is not None and hit[0] is ind:  # the same object, not a freed one's id reused
        return hit[1]  # type: ignore[no-any-return]
    value = compute()
    memo[key] = (ind, value)
    return value


def column_missing(sub: Submission, key: str) -> bool:
    """The indicator table has no recognised ``key`` column (the reader's column_missing note)."""
    return any(i.kind == "column_missing" and i.text == key for i in sub.issues)


def header_field(sub: Submission, key: str) -> Field:
    """A header value; ``annual_goal`` / ``midterm_goal`` also look in ``goals``."""
    if key in sub.header:
        return sub.header[key]
    if key.endswith("_goal"):
        return sub.goals.get(key.removesuffix("_goal"), EMPTY)
    return EMPTY


@lru_cache(maxsize=4096)
def norm_level(text: str) -> str:
    """Canonical 一级/二级 name: no spaces, numbering or "(50分)"; "产出" -> "产出指标"."""
    t = _SPACE.sub("", text or "")
    t = _BRACKETS.sub("", t)
    t = _ENUM.sub("", t)
    if t and not t.endswith("指标"):
        t += "指标"
    return t


def norm_text(text: Any) -> str:
    return _SPACE.sub("", str(text or ""))


def shown(f: Field) -> str:
    """The cell as the user sees it (for messages)."""
    from ..values import clip

    if f.text:
        return clip(f.text)
    if f.value is None:
        return "（空）"
    return fmt_num(f.value) if isinstance(f.value, float) else clip(str(f.value))


def blank_state(f: Field) -> str:
    """"未填写" for a blank cell, "为「/」，等于未填" for a mark that means nothing."""
    return "未填写" if f.blank else f"为「{shown(f)}」，等于未填"


def fmt_num(x: float | None, decimals: int = 4) -> str:
    """12.0 -> "12", 0.125 -> "0.125" (no float noise)."""
    if x is None:
        return "（空）"
    s = f"{round(x, decimals):.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


@lru_cache(maxsize=64)
def _normalised(words: tuple[str, ...], lower: bool = False) -> frozenset[str]:
    """A pack's word list normalised once (rules run per cell; the lists never change)."""
    return frozenset(norm_text(w).lower() if lower else norm_text(w) for w in words)


_UNIT_ONLY = re.compile(r"^[≥≤<>=]?(?:万|千|百)?(?:公里|千米|米|平方米|立方米|亩|公顷|人次|人|户|个|项|次|元|"
                        r"万元|吨|天|座|处|所|家|台|套|件|辆|株|棵|条|批|场|篇|册|%)$")


def is_placeholder(text: Any, pack: RulePack) -> bool:
    """A whole-cell placeholder ("XX", "***", "略", "待定", "≥XX%")."""
    return _placeholder_text(str(text or ""), _placeholder_words(pack))


@per_pack
def _placeholder_words(pack: RulePack) -> tuple[str, ...]:
    return tuple(pack.goal.placeholders)


@lru_cache(maxsize=8192)
def _placeholder_text(raw: str, words: tuple[str, ...]) -> bool:
    t = norm_text(raw)
    return bool(t) and _placeholder(t, words)


@lru_cache(maxsize=8192)
def _placeholder(t: str, words: tuple[str, ...]) -> bool:
    """is_placeholder of a normalised, non-empty text (remembered: rules ask per cell)."""
    marks = _normalised(words)
    core = t.lstrip(_OPS).rstrip("%％")
    if t[0] in _OPS and not core:
        return True  # "≧ %": the template's operator and unit with no number
    if _UNIT_ONLY.match(t):
        return True  # "公里", "万人": only the template's unit is left
    for cand in (t, core):
        if cand in marks:
            return True
        if cand and len(set(cand)) == 1 and cand[0] in "Xx×*—-－":
            return True
    return False


def placeholder_cell(ind: Indicator, key: str, pack: RulePack) -> bool:
    """The indicator's ``key`` cell holds a placeholder."""
    return _fact(ind, "placeholder:" + key, lambda: _placeholder_field(ind.get(key), pack))


def _placeholder_field(f: Field, pack: RulePack) -> bool:
    return not f.blank and is_placeholder(f.value, pack)


def is_blank_mark(f: Field, pack: RulePack) -> bool:
    """Blank, or a mark meaning "none" in an optional number cell ("——", "/", "无")."""
    if f.blank:
        return True
    return isinstance(f.value, str) and norm_text(f.value) in _normalised(tuple(pack.goal.blank_marks))


def missing(f: Field) -> bool:
    """Blank and not because of an uncached formula (F005 reports those)."""
    return f.blank and not f.formula_uncached


def number_of(f: Field) -> float | None:
    """The cell as a number: floats and numeric text ("1,200.5", "10分", "96%")."""
    return parse_number(f)


def decimals_of(x: float, cap: int = 6) -> int:
    """Decimals written in ``x`` (9.5 -> 1, 10.0 -> 0), at most ``cap``."""
    s = f"{round(x, cap):.{cap}f}".rstrip("0")
    return len(s.split(".")[1]) if "." in s else 0


def target_value(ind: Indicator, pack: RulePack, key: str = "target") -> IndicatorValue:
    """The parsed 指标值 / 实际完成值; parses the raw cell when the reader did not."""
    return _fact(ind, key, lambda: _target_value(ind, key))


def _target_value(ind: Indicator, key: str) -> IndicatorValue:
    stored = ind.target if key == "target" else ind.actual
    f = ind.get(key)
    if stored is not None and (stored.kind is not ValueKind.EMPTY or f.blank):
        return stored
    unit, nature = ind.get("unit").value, ind.get("nature").value
    return parse_value(f, unit_hint=str(unit) if unit else None,
                       operator_hint=str(nature) if nature and key == "target" else None)


def is_not_applicable(ind: Indicator, pack: RulePack) -> bool:
    """An indicator marked 不适用 (flag, or the term written as target/actual)."""
    if ind.not_applicable:
        return True
    return _fact(ind, "not_applicable", lambda: _not_applicable_written(ind, pack))


def _not_applicable_written(ind: Indicator, pack: RulePack) -> bool:
    terms = _not_applicable_terms(pack)
    return any(norm_text(ind.get(k).value).lower() in terms for k in ("target", "actual")
               if isinstance(ind.get(k).value, str))


@per_pack
def _not_applicable_terms(pack: RulePack) -> frozenset[str]:
    return _normalised(tuple(pack.scoring.not_applicable_terms), lower=True)


def close_enough(own: float, expected: float, tolerance: float, max_decimals: int,
                 min_decimals: int = 0) -> bool:
    """Equal within ``tolerance`` after rounding ``expected`` to the precision ``own`` is written in.

    A form that shows 9.5 where the formula gives 9.47 is consistent; ``min_decimals``
    keeps an integer self-score (10) from hiding 9.5.
    """
    from ..scoring import round_half_up

    decimals = max(min_decimals, min(decimals_of(own), max_decimals))
    return abs(own - round_half_up(expected, decimals)) <= tolerance + 1e-9


def ind_ref(ind: Indicator, key: str) -> CellRef | None:
    """The cell of one column of an indicator row (falls back to the name cell)."""
    return ind.get(key).ref or ind.get("name").ref or ind.get("level1").ref


def label(ind: Indicator) -> str:
    """The indicator as named in messages: its 三级 name, else its row."""
    return ind.name.strip() or f"第{ind.row}行（未填三级指标）"


def cost_l2(pack: RulePack) -> set[str]:
    """二级 names that are cost indicators in either tree."""
    names = {"成本指标"}
    for tree in (pack.indicator_tree.tree_2021, pack.indicator_tree.tree_2015):
        names.update(n for l1, l2s in tree.items() if "成本" in l1 for n in l2s)
    return {norm_level(n) for n in names}


NO_LEVEL2 = "investment"  # the variant whose form has no 二级 (中央预算内投资计划绩效目标表)


def trees(pack: RulePack) -> list[dict[str, set[str]]]:
    """Accepted trees, normalised names: the primary one, then the other if accepted
    (built once per pack; callers must not change them)."""
    return _trees(pack)


@per_pack
def _trees(pack: RulePack) -> list[dict[str, set[str]]]:
    it = pack.indicator_tree
    chosen = [it.primary] + ([it.other] if it.accept_other else []) + ([it.framework] if it.framework else [])
    return [{norm_level(k): {norm_level(x) for x in v} for k, v in t.items()} for t in chosen]


def is_process(ind: Indicator, pack: RulePack) -> bool:
    """A 决策 / 过程 row of the evaluation framework (annex 2): no 指标值 is expected."""
    return _fact(ind, "process", lambda: norm_level(ind.level1) in _framework_level1(pack))


@per_pack
def _framework_level1(pack: RulePack) -> frozenset[str]:
    return frozenset(norm_level(k) for k in pack.indicator_tree.framework)


def home_level1(ind: Indicator, pack: RulePack) -> str:
    """The 一级 an indicator belongs to: its 二级's parent in the primary tree, else its 一级.

    A 2015-style row "效益指标 / 服务对象满意度指标" counts as 满意度指标.
    """
    l2 = norm_level(ind.level2)
    primary = trees(pack)[0]
    return next((l1 for l1, kids in primary.items() if l2 in kids), norm_level(ind.level1))
