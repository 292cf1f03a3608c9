"""Label vocabulary of the forms and the label index of a sheet.

Labels are compared after ``norm``: NFKC (full-width → half-width), all
whitespace and colons removed, "其中" prefixes dropped, upper case.  The 市级
variant's "(A)", "(B)", "(B/A)" suffixes and unit notes like "(万元)" are
stripped by ``base``; ``has_ab`` tells that the variant was seen.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from .workbook import Sheet

_SPACE_COLON = re.compile(r"[\s:：]+")
_SUFFIX = re.compile(r"\([^()]*\)$")  # "(A)", "(B/A)", "(万元)", "(权重)", "(计算方法或评判标准)"
_AB = re.compile(r"\((?:[A-Z](?:/[A-Z])?)\)$")

# "(50分)", "（0-20）分", and "30分)" whose opening bracket was lost
_LEVEL_SUFFIX = re.compile(r"(?:[(（][^()（）]*[)）]\s*分?|\d+(?:\.\d+)?分?[)）])$")
_LEVEL_TAIL = re.compile(r"(?:等|类)$")

_ENUM_HEAD = re.compile(r"^(?:\(?[一二三四五六七八九十]+\)|[一二三四五六七八九十]+、|\d+[、.]|\(\d+\))")
_ENUM_TOTAL = re.compile(r"(?:小计|合计)$")

SECTIONS = ("header", "extra", "fund_columns", "fund_rows", "indicator", "goals")
_EXTRA_BLOCK_LABELS = ("项目资金", "项目资金(万元)", "绩效指标", "年度绩效指标", "中期绩效指标", "中期资金总额")


_UNSEEN = "\x00unseen"  # not a key: memo.get's default


@dataclass(frozen=True, eq=False)
class Lexicon:
    """Every label pbm recognises, by the field it names (from lexicon.toml, plus a rule
    pack's ``[labels]`` additions).  Lookups take normalised labels (``norm``)."""

    tables: dict[str, dict[str, tuple[str, ...]]]
    totals: tuple[str, ...]
    levels: tuple[str, ...]
    level_aliases: dict[str, str]
    level_parents: dict[str, tuple[str, ...]]
    level_wrappers: frozenset[str]
    leftover_exact: frozenset[str]
    leftover_patterns: tuple[re.Pattern[str], ...]
    instruction_patterns: tuple[re.Pattern[str], ...]
    patterns: dict[str, tuple[tuple[str, re.Pattern[str]], ...]] = field(default_factory=dict)
    by_label: dict[str, dict[str, str]] = field(default_factory=dict)
    total_labels: frozenset[str] = frozenset()
    all_labels: frozenset[str] = frozenset()
    _memo: dict[tuple[str, str], str | None] = field(default_factory=dict, init=False, compare=False, repr=False)
    _leftover: dict[str, bool] = field(default_factory=dict, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        by = {sec: {norm(syn): key for key, syns in self.tables[sec].items() for syn in syns}
              for sec in SECTIONS}
        object.__setattr__(self, "by_label", by)
        object.__setattr__(self, "total_labels", frozenset(norm(t) for t in self.totals))
        every = set().union(*(set(v) for v in by.values())) | set(self.total_labels)
        object.__setattr__(self, "all_labels", frozenset(every | {norm(x) for x in _EXTRA_BLOCK_LABELS}))

    def key(self, section: str, label: str) -> str | None:
        """The field a normalised label names in ``section``: an exact label (also without a
        bracket note), else the first of the section's patterns that matches.  Answers are
        remembered (the same labels come back in every form of a batch)."""
        memo, at = self._memo, (section, label)
        found = memo.get(at, _UNSEEN)
        if found is not _UNSEEN:
            return found
        if len(memo) > 50_000:   # bounded: a batch of odd labels cannot grow it without end
            memo.clear()
        found = memo[at] = self._key(section, label)
        return found

    def _key(self, section: str, label: str) -> str | None:
        table = self.by_label[section]
        found = table.get(label) or table.get(base(label))
        if found is None and label:
            bare = _ENUM_TOTAL.sub("", _ENUM_HEAD.sub("", label))  # "(一)财政拨款小计" → "财政拨款"
            if bare != label:
                found = table.get(bare) or table.get(base(bare))
        if found is None and label and len(label) <= 24:
            for key, pattern in self.patterns.get(section, ()):
                if pattern.search(label):
                    return key
        return found

    def synonyms(self, section: str, key: str) -> tuple[str, ...]:
        return self.tables[section].get(key, ())

    def is_leftover(self, text: str) -> bool:
        """A template leftover ("……", "指标1") rather than an indicator name or value
        (answers remembered, bounded like ``key``)."""
        memo = self._leftover
        found = memo.get(text)
        if found is None:
            if len(memo) > 50_000:
                memo.clear()
            t = norm(text)
            found = memo[text] = t in self.leftover_exact or any(p.search(t) for p in self.leftover_patterns)
        return found

    def is_instruction(self, text: str) -> bool:
        """Template instruction text ("请填写…", "（200字以内）") left in a text field."""
        t = unicodedata.normalize("NFKC", text).strip()
        return any(p.search(t) for p in self.instruction_patterns)

    def canon_level(self, text: str) -> str:
        """"产出（50分）", "产 出 指 标", "成本指标(0-20)分", "服务对象满意度指标等" → the
        canonical name; unknown names are returned normalised."""
        s = _SPACE_COLON.sub("", unicodedata.normalize("NFKC", text))
        for _ in range(2):
            s = _LEVEL_SUFFIX.sub("", s)
            if s not in self.levels and s + "指标" not in self.levels:
                s = _LEVEL_TAIL.sub("", s)
        if s in self.level_aliases:
            return self.level_aliases[s]
        if not s.endswith("指标") and s + "指标" in self.levels:
            return s + "指标"
        return s

    def extended(self, additions: Mapping[str, Mapping[str, Sequence[str]]]) -> Lexicon:
        """A lexicon with a rule pack's ``[labels]`` variants added (unknown sections or
        fields raise KeyError with the name)."""
        tables = {sec: dict(keys) for sec, keys in self.tables.items()}
        for sec, keys in additions.items():
            if sec not in tables:
                raise KeyError(sec)
            for key, syns in keys.items():
                if key not in tables[sec]:
                    raise KeyError(f"{sec}.{key}")
                tables[sec][key] = (*tables[sec][key], *(s for s in syns if s not in tables[sec][key]))
        return dataclasses.replace(self, tables=tables)


def _load_builtin() -> Lexicon:
    data = tomllib.loads(resources.files("pbmcli.readers").joinpath("lexicon.toml").read_text("utf-8"))
    tables = {sec: {k: tuple(v) for k, v in data[sec].items()} for sec in SECTIONS}
    return Lexicon(
        tables=tables,
        totals=tuple(data["totals"]["row"]),
        levels=tuple(data["levels"]["known"]),
        level_aliases={norm(k): v for k, v in data["levels"].get("aliases", {}).items()},
        level_parents={k: tuple(v) for k, v in data["levels"]["parents"].items()},
        level_wrappers=frozenset(data["levels"].get("wrappers", ())),
        leftover_exact=frozenset(norm(x) for x in data["leftovers"]["exact"]),
        leftover_patterns=tuple(re.compile(p) for p in data["leftovers"]["patterns"]),
        instruction_patterns=tuple(re.compile(p) for p in data["instructions"]["patterns"]),
        patterns={sec: tuple((key, re.compile(p)) for key, pats in keys.items() for p in pats)
                  for sec, keys in data.get("patterns", {}).items()},
    )


@lru_cache(maxsize=1)
def builtin_lexicon() -> Lexicon:
    """The lexicon shipped with pbm (lexicon.toml)."""
    return _load_builtin()


_PACK_LEXICONS: dict[str, Lexicon] = {}


def lexicon_for(additions: Mapping[str, Mapping[str, Sequence[str]]] | None) -> Lexicon:
    """The built-in lexicon with a pack's additions (memoised by content)."""
    if not additions or not any(additions.values()):
        return builtin_lexicon()
    key = repr(sorted((s, sorted((k, tuple(v)) for k, v in keys.items())) for s, keys in additions.items()))
    if key not in _PACK_LEXICONS:
        _PACK_LEXICONS[key] = builtin_lexicon().extended(additions)
    return _PACK_LEXICONS[key]


@lru_cache(maxsize=8192)
def norm(text: str) -> str:
    """Comparable form of a label."""
    s = unicodedata.normalize("NFKC", text)
    s = _SPACE_COLON.sub("", s).upper()
    if s.startswith("其中") and len(s) > 2:
        s = s[2:].lstrip(",、")
    return _REQUIRED.sub("", s)


_REQUIRED = re.compile(r"^\*+(?=[\u4e00-\u9fff])")  # "*联系人", "*年度绩效总目标": a required-field mark


@lru_cache(maxsize=8192)
def base(label: str) -> str:
    """A normalised label without trailing notes in brackets: (A), (B/A), (万元), (权重) …"""
    prev = None
    while prev != label:
        prev, label = label, _SUFFIX.sub("", label)
    return label


def has_ab(label: str) -> bool:
    return bool(_AB.search(label))


@dataclass
class LabelIndex:
    """Every text cell of a sheet (merge anchors only) with its normalised label."""

    sheet: Sheet
    lex: Lexicon = field(default_factory=builtin_lexicon)
    cells: list[tuple[int, int, str]] = field(default_factory=list)  # r, c, norm
    by_row: dict[int, list[tuple[int, str]]] = field(default_factory=dict)
    colon: list[tuple[int, int]] = field(default_factory=list)  # cells whose text has a colon
    inline: set[tuple[int, int]] = field(default_factory=set)  # "项目负责人：张三" cells

    @classmethod
    def build(cls, sheet: Sheet, lex: Lexicon | None = None) -> LabelIndex:
        idx = cls(sheet, lex or builtin_lexicon())
        cells, by_row, continued = idx.cells, idx.by_row, sheet.continuations()
        for r, row in enumerate(sheet.rows):
            for c, value in enumerate(row):
                if value.__class__ is not str and not isinstance(value, str):
                    continue
                if value.strip() and (r, c) not in continued:
                    label = norm(value)
                    cells.append((r, c, label))
                    by_row.setdefault(r, []).append((c, label))
                    if "：" in value or ":" in value:
                        idx.colon.append((r, c))
                        if norm(re.split(r"[:：]", value, maxsplit=1)[0]) in idx.lex.all_labels:
                            idx.inline.add((r, c))
        return idx

    def label_at(self, r: int, c: int) -> str:
        """Normalised text of the anchor covering (r, c) ('' when not text)."""
        ar, ac = self.sheet.anchor(r, c)
        for col, label in self.by_row.get(ar, ()):
            if col == ac:
                return label
        return ""

    def is_label(self, r: int, c: int) -> bool:
        label = self.label_at(r, c)
        if not label:
            return False
        return (label in self.lex.all_labels or base(label) in self.lex.all_labels or label.startswith("是否")
                or self.sheet.anchor(r, c) in self.inline)
