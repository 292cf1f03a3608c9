"""Indicator value parser: "≥95%", "不少于3个", "达成年度指标" → IndicatorValue.

One place reads what units write in 年度指标值 / 实际完成值 cells:

* full-width digits and symbols are folded (NFKC, plus ≧ ≦ ⩾ ⩽);
* an operator is a symbol (≥ > = < ≤, ``>=``, ``=>``, ``<=``) or a word in front
  (不低于 / 不少于 / 达到 → ≥; 大于 / 高于 / 超过 → >; 不高于 / 不超过 / 不大于 → ≤;
  低于 / 小于 / 少于 → <; 等于 / 为 → =) or behind (以上 → ≥; 以下 / 以内 → ≤);
* the number may carry thousands separators and a trailing unit ("100万元",
  "≤3个工作日"); small counts may be Chinese numerals ("三个", "两次");
* blanks and dashes ("——", "/", "无", "-") are EMPTY;
* text without digits is a qualitative term (达成年度指标, 按时完成, 效果明显 …),
  deadlines ("2024年12月31日前") too;
* everything else is UNPARSEABLE with a Chinese reason.

Design decisions (documented in the README):

* A range ("90%-95%", "3~5个") is UNPARSEABLE: picking a bound would silently
  change the target; the unit is asked to write one value with ≥ or ≤.
* A bare number with unit hint "%" is taken as written (0.95 stays 0.95 %);
  only ``percent_format=True`` (the cell shows 0.95 as 95 %) multiplies by 100.
* An operator written in the value wins over the 指标性质 column (operator_hint).

The parser never raises for any text or number.
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import TYPE_CHECKING

from .model import Field, IndicatorValue, Operator, ValueKind, num_text

if TYPE_CHECKING:
    from .config import RulePack

# The three official completion strings (domain.md §2), verbatim.
ACHIEVED = "达成年度指标"
PARTIAL = "部分达成年度指标并具有一定效果"
NOT_ACHIEVED = "未达成年度指标且效果较差"
COMPLETION_TERMS = (ACHIEVED, PARTIAL, NOT_ACHIEVED)

_EMPTY_TEXTS = {"", "/", "\\", "无", "空", "暂无", "none", "null", "nan"}
_DASHES = set("-—–―─━－_~")
_EXCEL_ERRORS = {"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#SPILL!",
                 "#CALC!", "#GETTING_DATA"}
_PLACEHOLDERS = {"待定", "待补充", "略", "详见附件", "见附件"}

# longest first within the table; matched at the start of the text
_PREFIX_OPS: tuple[tuple[str, Operator], ...] = tuple(
    sorted(
        {
            "大于或等于": Operator.GE, "大于等于": Operator.GE, "不低于": Operator.GE,
            "不少于": Operator.GE, "不小于": Operator.GE, "不得低于": Operator.GE,
            "不得少于": Operator.GE, "至少": Operator.GE, "达到": Operator.GE, "达": Operator.GE,
            ">=": Operator.GE, "=>": Operator.GE, "≥": Operator.GE,
            "大于": Operator.GT, "高于": Operator.GT, "超过": Operator.GT, "多于": Operator.GT,
            ">": Operator.GT,
            "小于或等于": Operator.LE, "小于等于": Operator.LE, "不高于": Operator.LE,
            "不超过": Operator.LE, "不大于": Operator.LE, "不多于": Operator.LE,
            "不得超过": Operator.LE, "不得高于": Operator.LE, "至多": Operator.LE,
            "最多": Operator.LE, "<=": Operator.LE, "=<": Operator.LE, "≤": Operator.LE,
            "低于": Operator.LT, "小于": Operator.LT, "少于": Operator.LT, "<": Operator.LT,
            "等于": Operator.EQ, "==": Operator.EQ, "=": Operator.EQ, "为": Operator.EQ,
        }.items(),
        key=lambda kv: -len(kv[0]),
    )
)
_SUFFIX_OPS: tuple[tuple[str, Operator], ...] = (
    ("及以上", Operator.GE), ("以上", Operator.GE),
    ("及以下", Operator.LE), ("以下", Operator.LE), ("以内", Operator.LE), ("之内", Operator.LE),
    ("内", Operator.LE),
)
# filler words around a number that carry no meaning for scoring
_PREFIX_FILLER = ("控制在", "保持在", "确保", "力争", "累计", "共计", "合计", "总计", "大约", "约",
                  "共", "完成", "实现")
_SUFFIX_FILLER = ("左右", "完成")

_HINT_OPS = {
    "正向": Operator.GE, "正向指标": Operator.GE, "反向": Operator.LE, "反向指标": Operator.LE,
    "1": Operator.GE, "2": Operator.GT, "3": Operator.EQ, "4": Operator.LT, "5": Operator.LE,
}

_NUM = r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+"
_NUMBER_UNIT = re.compile(rf"^(?P<num>{_NUM})(?P<unit>\D*)$")
_RANGE = re.compile(rf"^(?:{_NUM})%?\D{{0,6}}?(?:-|~|至|到|—|–)+(?:{_NUM})\D*$")
_PERIOD = re.compile(r"^(?:19|20)\d\d[./年]\d{1,2}月?(?:[./]\d{1,2}日?)?[-~至到—–]+"
                     r"(?:(?:19|20)\d\d[./年])?\d{1,2}月?(?:[./]\d{1,2}日?)?$")
_DATE = re.compile(r"\d\s*(?:年|月|日|号|季度)")
_YEAR = re.compile(r"(?:19|20)\d\d年")
_DEADLINE = re.compile(r"\d(?:年|月|日|号)(?:底|末|前|中旬|上旬|下旬|份|\d)")
_ISO_DATE = re.compile(r"^((?:19|20)\d\d)[-/.](\d{1,2})[-/.](\d{1,2})")
_CN_DATE = re.compile(r"(?:((?:19|20)\d\d)年)?(\d{1,2})月(?:(\d{1,2})[日号])?")
_LABEL_BEFORE_OP = re.compile(r"^[\u4e00-\u9fff]{2,}(?=[≥≤<>=])")
_OP_WORDS = "|".join(re.escape(word) for word, _ in _PREFIX_OPS)
_LABEL = re.compile(rf"^[\u4e00-\u9fff]{{1,12}}?(?=(?:{_OP_WORDS})|[+-]?\d)")
_CJK = re.compile(r"[\u4e00-\u9fff]")

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_NUMERAL = re.compile(r"^([零〇一二两三四五六七八九十百千]+)(.*)$")
# measure words after which a Chinese numeral is read as a count ("三个", "两次")
_COUNTERS = ("个工作日", "工作日", "个月", "人次", "万元", "小时", "季度", "公里", "个", "次", "人",
             "项", "家", "所", "台", "套", "件", "天", "日", "月", "年", "户", "名", "批", "场",
             "期", "座", "处", "条", "篇", "本", "辆", "株", "亩", "米", "元", "周", "类", "种",
             "份", "张", "%")


def normalise_text(text: str) -> str:
    """Fold full-width forms and operator look-alikes; drop all whitespace."""
    s = unicodedata.normalize("NFKC", text)
    s = s.replace("≧", "≥").replace("⩾", "≥").replace("≦", "≤").replace("⩽", "≤").replace("═", "=")
    s = s.replace("。", "").replace("(含)", "").replace("[含]", "")
    return re.sub(r"\s+", "", s)


def _chinese_numeral(text: str) -> int | None:
    """"十二" → 12, "三百零五" → 305, "两" → 2; None when not a plain numeral."""
    total, digit = 0, None
    for ch in text:
        if ch in _CN_DIGITS:
            if digit is not None and digit != 0:
                return None  # "一二" is not a number
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            total += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
        else:
            return None
    return total + (digit or 0)


def _to_float(num: str) -> float | None:
    try:
        value = float(Decimal(num.replace(",", "")))
    except (InvalidOperation, ValueError):
        return None
    return value if math.isfinite(value) else None


def _strip_ops(s: str) -> tuple[str, list[Operator]]:
    """Remove operator words/symbols and filler words at both ends."""
    ops: list[Operator] = []
    changed = True
    while changed and s:
        changed = False
        for word in _PREFIX_FILLER:
            if s.startswith(word) and len(s) > len(word):
                s, changed = s[len(word):], True
                break
        for word, op in _PREFIX_OPS:
            if s.startswith(word):
                s, changed = s[len(word):], True
                ops.append(op)
                break
    for word, op in _SUFFIX_OPS:
        if s.endswith(word):
            s = s[: -len(word)]
            ops.append(op)
            break
    for word in _SUFFIX_FILLER:
        if s.endswith(word) and len(s) > len(word):
            s = s[: -len(word)]
    return s, ops


def _clean_unit(unit: str) -> str | None:
    unit = unit.strip("()[]【】{}<>《》:：")
    if unit in ("", "."):
        return None
    if unit in ("百分比", "百分率") or unit.startswith("%"):
        return "%"
    return unit


def _ten_thousands(number: float | None, unit: str | None) -> tuple[float | None, str | None]:
    """"6.8万户" is 68000 户 (so it equals "68000户"); 万元 stays an amount unit."""
    if number is None or unit is None or len(unit) < 2 or unit[0] != "万" or unit == "万元":
        return number, unit
    return float(Decimal(repr(number)) * 10000), unit[1:]


def _is_deadline(s: str) -> bool:
    """"2024年12月31日前", "12月底前完成", "2025年底", "2024-11-30": a date, read as a term."""
    return bool(_YEAR.search(s) or _DEADLINE.search(s) or _ISO_DATE.match(s))


def parse_date(text: str | None) -> tuple[int | None, int, int] | None:
    """(year or None, month, day) of a date or deadline; a missing day is the month's end (31).

    "2024年12月31日前" → (2024, 12, 31); "6月底前" → (None, 6, 31); "2025年底" → (2025, 12, 31);
    "2024-11-30" → (2024, 11, 30); None when no date is written.
    """
    s = normalise_text(text or "")
    m = _ISO_DATE.match(s)
    if m:
        return int(m.group(1)), int(m.group(2)), int(m.group(3))
    m = _CN_DATE.search(s)
    if m and m.group(2):
        year = int(m.group(1)) if m.group(1) else None
        month, day = int(m.group(2)), int(m.group(3)) if m.group(3) else 31
        return (year, month, day) if 1 <= month <= 12 and 1 <= day <= 31 else None
    m = re.search(r"((?:19|20)\d\d)年(?:底|末)", s)
    return (int(m.group(1)), 12, 31) if m else None


CLIP = 40  # characters of a cell's text quoted in a message


def clip(text: str, limit: int = CLIP) -> str:
    """A cell's text for a message: long text cut, its length said ("…（共 13500 字）")."""
    return text if len(text) <= limit else f"{text[:limit]}…（共 {len(text)} 字）"


def _unparseable(text: str, reason: str) -> IndicatorValue:
    if len(text) > CLIP:  # the reason quotes the text: never a 10,000-character message
        reason = reason.replace(text, clip(text))
    return IndicatorValue(ValueKind.UNPARSEABLE, text=text, reason=reason)


def _qualitative(text: str) -> IndicatorValue:
    return IndicatorValue(ValueKind.QUALITATIVE, text=text, term=text)


def _number_value(text: str, number: float, unit: str | None, op: Operator | None) -> IndicatorValue:
    return IndicatorValue(ValueKind.QUANTITATIVE, text=text, operator=op, number=number, unit=unit)


def _from_number(raw: float, unit_hint: str | None, percent_format: bool,
                 op: Operator | None) -> IndicatorValue:
    text = f"{num_text(raw)}"
    if not math.isfinite(raw):
        return _unparseable(text, f"「{text}」不是有效的数字")
    unit = _clean_unit(normalise_text(unit_hint)) if unit_hint else None
    if percent_format:
        raw = float(Decimal(repr(raw)) * 100)
        unit = "%"
        text = f"{num_text(raw)}%"
    return _number_value(text, raw, unit, op)


def _parse_count(body: str) -> tuple[float, str | None] | None:
    """Chinese numeral counts: "三个" → (3, "个"), "百分之九十五" → (95, "%")."""
    if body.startswith("百分之"):
        n = _chinese_numeral(body[3:])
        return (float(n), "%") if n is not None else None
    m = _CN_NUMERAL.match(body)
    if not m or (m.group(2) and m.group(2) not in _COUNTERS):
        return None
    n = _chinese_numeral(m.group(1))
    if n is None or not m.group(2):
        return None
    return float(n), m.group(2)


def _resolve_op(text: str, ops: list[Operator]) -> Operator | None | IndicatorValue:
    distinct = {op.direction for op in ops}
    if len(distinct) > 1:
        shown = "、".join(op.value for op in ops)
        return _unparseable(text, f"「{text}」中的比较方向相互矛盾（{shown}），请只保留一个运算符")
    return ops[0] if ops else None


def _read_number(s: str, unit_hint: str | None) -> tuple[float | None, str | None, list[Operator], str]:
    """(number, unit, operators, body) of "≥95%"-like text; number None when it is not one."""
    body, ops = _strip_ops(s)
    m = _NUMBER_UNIT.match(body)
    if m:
        number = _to_float(m.group("num"))
        unit = _clean_unit(m.group("unit")) or (_clean_unit(normalise_text(unit_hint)) if unit_hint else None)
        number, unit = _ten_thousands(number, unit)
        return number, unit, ops, body
    count = _parse_count(body)
    if count is None:
        return None, None, ops, body
    return count[0], count[1], ops, body


def _parse_text(text: str, unit_hint: str | None, op_hint: Operator | None) -> IndicatorValue:
    s = normalise_text(text)
    if s.lower() in _EMPTY_TEXTS or set(s) <= _DASHES:
        return IndicatorValue(ValueKind.EMPTY, text=text)
    if s.upper() in _EXCEL_ERRORS:
        return _unparseable(text, f"单元格显示错误值「{text}」（公式出错），请修正公式或直接填写数值")
    if s in _PLACEHOLDERS:
        return _unparseable(text, f"「{text}」是占位文字，请填写具体的指标值")
    if _PERIOD.match(s):  # "2023.07-2024.01", "2021年1月-12月": a period, read as a 时效 term
        return _qualitative(unicodedata.normalize("NFKC", text).strip())
    if _RANGE.match(s.lstrip("≥≤<>=")):
        return _unparseable(
            text, f"「{text}」是一个区间，无法确定唯一的指标值；请只填一个值，并用 ≥ 或 ≤ 表示方向（如 ≥90%）")
    if _is_deadline(s):
        return _qualitative(unicodedata.normalize("NFKC", text).strip())
    number, unit, ops, body = _read_number(_LABEL_BEFORE_OP.sub("", s), unit_hint)
    if number is None and any(ch.isdigit() for ch in s):
        # "完成率100%", "满意度不低于90%", "共培训120人次": a label in front of the value
        m = _LABEL.match(s)
        retry = _read_number(s[m.end():], unit_hint) if m and not m.group().endswith("第") else None
        if retry is not None and retry[0] is not None:
            number, unit, ops, body = retry
    if number is not None and unit is not None and len(_CJK.findall(unit)) > _UNIT_MAX_CJK:
        number = None  # "1000元/人给补助对象兑付补助": a sentence around a number, not a unit
    if number is None:
        return _classify_rest(text, s, body, ops)
    op = _resolve_op(text, ops)
    if isinstance(op, IndicatorValue):
        return op
    return _number_value(text, number, unit, op or op_hint)


_UNIT_MAX_CJK = 6  # a unit is short: 个工作日, 人次, 万元/人, 平方米
_SENTENCE_CJK = 8
_SENTENCE_MAX = 80  # longer text around numbers is not a target that can be read  # Chinese characters from which a value with numbers is a descriptive sentence


def _classify_rest(text: str, s: str, body: str, ops: list[Operator]) -> IndicatorValue:
    """Text that is not operator + number + unit: a term, a deadline, or unreadable."""
    has_digit = any(ch.isdigit() for ch in s)
    if ops and not body:
        return _unparseable(text, f"「{text}」只有比较符号，缺少数值；请写成如 ≥95% 的形式")
    if not has_digit and _CJK.search(s):
        return _qualitative(unicodedata.normalize("NFKC", text).strip())
    if has_digit and _DATE.search(s) and _CJK.search(s):
        return _qualitative(unicodedata.normalize("NFKC", text).strip())
    if has_digit and _CJK.search(s) is None and re.search(r"\d\D+\d", body) is None:
        return _unparseable(text, f"「{text}」的单位无法识别；请写成“运算符+数值+单位”，如 ≥95%、≤3个工作日")
    if has_digit and len(_CJK.findall(s)) >= _SENTENCE_CJK and len(s) <= _SENTENCE_MAX:
        # "对学校2400平米体育场馆补贴5万元": a sentence describing the target, read as a term
        return _qualitative(unicodedata.normalize("NFKC", text).strip())
    if has_digit:
        return _unparseable(
            text, f"「{text}」中含有多个数字或多余文字，无法确定指标值；请写成“运算符+数值+单位”，如 ≥95%、≤3个工作日")
    return _unparseable(
        text, f"「{text}」不是可识别的指标值；请写成“运算符+数值+单位”（如 ≥95%）或定性表述（如 达成年度指标）")


def parse_operator(text: str | None) -> Operator | None:
    """An operator from a 指标性质 cell ("≥", "正向", "反向", "大于等于" …); None otherwise."""
    if not text:
        return None
    s = normalise_text(str(text))
    if s in _HINT_OPS:
        return _HINT_OPS[s]
    for word, op in _PREFIX_OPS:
        if s == word or s == word + "指标":
            return op
    return None


def parse_value(raw: object, *, unit_hint: str | None = None, percent_format: bool = False,
                operator_hint: str | None = None) -> IndicatorValue:
    """Parse one indicator value cell; never raises.

    ``raw``: the cell value (str, float, int, None) or a :class:`Field` (its
    ``percent`` flag means the reader already scaled the number to percent).
    ``unit_hint``: the 度量单位 column. ``percent_format``: the raw number is a
    fraction shown with a percent format (0.95 → 95 %).  ``operator_hint``: the
    指标性质 column (≥ ≤ = 正向 反向 定性), used when the value has no operator.
    """
    if isinstance(raw, Field):
        if raw.percent and isinstance(raw.value, float):
            unit_hint, percent_format = "%", False
        raw = raw.value
    try:
        if raw is None or (isinstance(raw, str | float | int) and not isinstance(raw, bool)):  # True == 1
            return _parse_cached(raw, unit_hint, percent_format, operator_hint)
        return _parse(raw, unit_hint, percent_format, operator_hint)
    except Exception as exc:  # noqa: BLE001 - a parser bug must not stop a batch
        return _unparseable(str(raw), f"指标值「{raw}」无法解析（{type(exc).__name__}）")


@lru_cache(maxsize=16384)
def _parse_cached(raw: object, unit_hint: str | None, percent_format: bool,
                  operator_hint: str | None) -> IndicatorValue:
    """Forms repeat the same spellings (≥95%, 按时完成 …): parse each once per process."""
    return _parse(raw, unit_hint, percent_format, operator_hint)


def _parse(raw: object, unit_hint: str | None, percent_format: bool,
           operator_hint: str | None) -> IndicatorValue:
    if isinstance(raw, Field):
        if raw.percent and isinstance(raw.value, float):
            unit_hint, percent_format = "%", False
        raw = raw.value
    op_hint = parse_operator(operator_hint)
    if raw is None:
        return IndicatorValue(ValueKind.EMPTY)
    if isinstance(raw, bool):
        return _unparseable(str(raw), f"「{raw}」不是指标值")
    if isinstance(raw, int | float):
        return _from_number(float(raw), unit_hint, percent_format, op_hint)
    text = str(raw).strip()
    value = _parse_text(text, unit_hint, op_hint)
    if percent_format and value.kind is ValueKind.QUANTITATIVE and value.unit is None \
            and value.number is not None:
        scaled = float(Decimal(repr(value.number)) * 100)
        return _number_value(text, scaled, "%", value.operator)
    return value


def parse_number(raw: object) -> float | None:
    """A plain amount or score: "1,200.50" → 1200.5, "１２０" → 120, "10分" → 10, "96%" → 96."""
    if isinstance(raw, Field):
        raw = raw.value
    if isinstance(raw, bool) or raw is None:
        return None
    if isinstance(raw, int | float):
        return float(raw) if math.isfinite(raw) else None
    text = str(raw)
    m = _AMOUNT_NOTE.match(text) or _AMOUNT_TWICE.match(text)
    if m:  # "854万(高标准农田建设400万元,…)": the amount, then a note on how it breaks down;
        text = m.group(1)  # "854万854万(…)": the same amount pasted twice
    value = parse_value(text)
    if value.kind is ValueKind.QUANTITATIVE and value.operator is None:
        return value.number
    return None


_AMOUNT_NOTE = re.compile(r"^\s*([\d.,，]+\s*(?:万元|万|元)?)\s*[(（][^()（）]*[)）]\s*$")
# the unit marks where the first copy ends: "854854" stays the number 854854
_AMOUNT_TWICE = re.compile(r"^\s*([\d.,，]+\s*(?:万元|万|元))\s*\1\s*(?:[(（][^()（）]*[)）])?\s*$")
_PLAIN_AMOUNT = re.compile(r"^\s*[-+]?\d[\d,，]*(?:\.\d+)?\s*(?:万元|万|元)?\s*$")


def amount_text(text: str) -> bool:
    """Text that is an amount as forms write one: "1,200.50", "20万元", "854万(…)", "854万854万";
    not a label that starts with a number ("2.市级资金")."""
    return any(p.match(text) for p in (_PLAIN_AMOUNT, _AMOUNT_NOTE, _AMOUNT_TWICE))


def _term_key(text: str) -> str:
    return normalise_text(text).rstrip(".,;!，；！")


_NEGATIONS = ("未", "没", "不", "无法", "否")


def canonical_term(text: str | None, pack: RulePack) -> tuple[str | None, bool]:
    """Map a completion text to an official string: (term, via_synonym) or (None, False).

    Exact official string → (term, False); a synonym of pack.scoring.completion_terms
    (exact, or the longest synonym contained in the text) → (term, True).
    A negated text ("未能完成") never maps to 达成年度指标.
    """
    if not text:
        return None, False
    key = _term_key(str(text))
    for term in pack.scoring.completion_terms:
        if key == _term_key(term):
            return term, False
    pairs = [(_term_key(syn), term) for term, syns in pack.scoring.completion_terms.items()
             for syn in syns]
    for syn, term in pairs:
        if key == syn:
            return term, True
    contained = [(len(syn), syn, term) for syn, term in pairs if syn and syn in key]
    if not contained:
        return None, False
    _, syn, term = max(contained)
    negated = any(neg in key for neg in _NEGATIONS) and not any(neg in syn for neg in _NEGATIONS)
    if negated:
        return None, False
    return term, True


def band_of(term: str | None) -> str | None:
    """"high" | "mid" | "low" for the three official strings, else None."""
    return {ACHIEVED: "high", PARTIAL: "mid", NOT_ACHIEVED: "low"}.get(term or "")
