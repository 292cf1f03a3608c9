"""Rule packs and settings.

A rule pack is TOML.  The built-in pack ``national`` (packs/national.toml) holds
every default of domain.md; a local pack says ``extends = "national"`` (or a path)
and overrides only what differs.  Unknown keys are errors that name the key, so
a typo never silently falls back to a default.

Resolution order (first wins): CLI flags, ``--rules FILE`` / ``--config FILE``,
the first ``pbm.toml`` found walking up from the current folder, the built-in pack.
``pbm.toml`` may hold a rule pack's sections directly plus ``[workspace]``.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from .config_files import (
    BUILTIN_PACKS,
    META,
    builtin_pack,
    merge,
    read_toml,
    resolve,
    same_type,
    type_label,
)
from .errors import ConfigError

if TYPE_CHECKING:
    from .readers.labels import Lexicon

CONFIG_NAME = "pbm.toml"


@dataclass(frozen=True)
class RuleSelection:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: dict[str, str] = field(default_factory=dict)

    def enabled(self, code: str) -> bool:
        """Most specific matching prefix wins; on a tie ignore beats select."""
        best_sel = max((len(p) for p in self.select if code.startswith(p)), default=-1)
        best_ign = max((len(p) for p in self.ignore if code.startswith(p)), default=-1)
        if not self.select:
            best_sel = max(best_sel, 0)
        if best_ign < 0:
            return best_sel >= 0
        return best_sel > best_ign


@dataclass(frozen=True)
class Weights:
    execution: float
    output: float
    benefit: float
    satisfaction: float
    cost: float
    tolerance: float


@dataclass(frozen=True)
class Grades:
    excellent: float
    good: float
    fair: float

    def grade(self, total: float | None) -> str | None:
        """优 / 良 / 中 / 差 with half-open bands (89.5 is 良)."""
        if total is None:
            return None
        if total >= self.excellent:
            return "优"
        if total >= self.good:
            return "良"
        if total >= self.fair:
            return "中"
        return "差"


@dataclass(frozen=True)
class Scoring:
    reverse_mode: str
    qualitative_bands: tuple[float, float]
    execution_points: float
    decimals: int
    inflation_tolerance: float
    score_tolerance: float
    overshoot_ratio: float
    overshoot_deduction: float
    execution_caps_enabled: bool
    execution_caps: tuple[tuple[float, float, float], ...]
    not_applicable_terms: tuple[str, ...]
    completion_terms: dict[str, tuple[str, ...]]
    # a number without unit up to this, compared with a percentage, may be a fraction (0.93 = 93%?)
    fraction_max: float = 1.5


@dataclass(frozen=True)
class IndicatorTree:
    version: str
    accept_other: bool
    tree_2021: dict[str, tuple[str, ...]]
    tree_2015: dict[str, tuple[str, ...]]
    # 10号 annex 2 evaluation framework (决策 / 过程 beside 产出 / 效益), accepted as well
    framework: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def primary(self) -> dict[str, tuple[str, ...]]:
        return self.tree_2015 if self.version == "2015" else self.tree_2021

    @property
    def other(self) -> dict[str, tuple[str, ...]]:
        return self.tree_2021 if self.version == "2015" else self.tree_2015


@dataclass(frozen=True)
class Goal:
    required_header: tuple[str, ...]
    required_indicators: tuple[str, ...]
    satisfaction_min: float
    percent_max: float
    percent_max_exempt: tuple[str, ...]
    funds_tolerance: float
    pre_assessment_min: float
    placeholders: tuple[str, ...]
    vague_words: tuple[str, ...]
    cost_keywords: tuple[str, ...]
    # added for the rule registry (rules owner); defaults keep older packs valid
    selfeval_required_header: tuple[str, ...] = ("project", "department", "unit")
    qualitative_standard: tuple[str, ...] = ()
    blank_marks: tuple[str, ...] = ()
    pre_assessment_marks: tuple[str, ...] = ("事前评估",)


@dataclass(frozen=True)
class Monitor:
    time_progress: str
    warning_yellow: float
    warning_red: float
    lights: tuple[float, float, float]
    aliases: dict[str, tuple[str, ...]]
    # execution exports: rows whose unit/project cell holds one of these are totals, skipped
    skip_words: tuple[str, ...] = ("合计", "小计", "总计")
    header_scan_rows: int = 30  # look for the header row within the first N rows
    # indicator lights: prorate (annual × month / 12) only indicators whose 一级/二级 name
    # contains one of these (empty = all positive indicators); percent targets prorate only if set
    prorate_only: tuple[str, ...] = ()
    prorate_percent: bool = True
    # qualitative current values → light (checked red, yellow, green; a text containing the word)
    light_terms: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Rank:
    top: int
    bottom: int
    tie_break: tuple[str, ...]
    weights: dict[str, float]
    group_by: str = ""  # "" = one list; "category" = separate lists by 类别 (部门 / 乡镇)
    month_score_cap: float = 100.0  # month score = min(rate / time progress × 100, cap)
    quarter_execution: str = "mean"  # quarter = mean of its months' scores; year = mean of quarters
    goal_error_deduction: float = 10.0  # goal quality = 100 - this × errors …
    goal_warning_deduction: float = 2.0  # … - this × warnings (per goal submission, floor 0)
    grace_days: int = 10  # a form is on time when recorded ≤ period end + grace_days
    rectify_days: int = 30  # default deadline of imported rectification items (days from import)
    decimals: int = 2  # rounding of scores before ranking (ties compare rounded scores)
    # 红榜 / 黑榜 criteria (cycle/honours.py): quarter/year by composite grade, month by 序时进度
    red_grades: tuple[str, ...] = ("优",)
    black_grades: tuple[str, ...] = ("中", "差")
    month_red_min_gap: float = 0.0  # 红榜: execution rate ≥ 序时进度 + this
    month_black_level: str = "yellow"  # 黑榜: yellow (黄/红色预警) | red (红色预警) | behind (低于序时进度)


@dataclass(frozen=True)
class Apply:
    excellent: dict[str, Any]
    good: dict[str, Any]
    fair: dict[str, Any]
    poor: dict[str, Any]
    unspent_cut_ratio: float
    unspent_flag_share: float = 20.0  # unspent balance ≥ this % of the budget is flagged as large


@dataclass(frozen=True)
class Notice:
    deadline_days: int = 13       # 整改/报送要求的期限：成文日期后若干天
    return_days: int = 7          # 退回修改：重新报送期限（天）
    interview_bottom: int = 3     # 季度/年度排名末位几名约谈
    interview_grades: tuple[str, ...] = ("差",)  # 年度总评中被约谈的等级
    chart: bool = True            # 月度通报附执行率图


EXAMPLE_ISSUER = "示例县财政局"


@dataclass(frozen=True)
class Workspace:
    """[workspace] of pbm.toml: where things live and who issues notices."""

    db: str = "pbm.sqlite"
    units: str = "units.xlsx"
    authority: str = EXAMPLE_ISSUER
    doc_prefix: str = "示财绩"
    signature: str = EXAMPLE_ISSUER
    contact: str = ""
    red_header: bool = True       # 版头（发文机关标志、红色分隔线）；退回修改意见用信函格式
    copy_to: str = ""
    recipients: str = "各乡镇人民政府，县直各部门、各预算单位"  # 主送机关
    print_office: str = ""        # 印发机关（空 = 发文机关）
    scope: str = "全县"           # 通报中的辖区称谓（全县 / 全区 / 全市）
    root: str = ""                # set by load(): the folder of the pbm.toml in use ("" = none)

    def folder(self, name: str) -> Path | None:
        """A folder of the workspace (通报, 输出, …) when a pbm.toml is in use."""
        return Path(self.root) / name if self.root else None

    def example_issuer(self) -> bool:
        """The 发文机关 / 落款 are still the example county's (pbm init writes them as a model)."""
        return EXAMPLE_ISSUER in (self.authority, self.signature)


_V = TypeVar("_V")


def per_pack(fn: Callable[[RulePack], _V]) -> Callable[[RulePack], _V]:
    """Remember ``fn(pack)`` for the packs in use (a pack holds dicts, so it cannot be an
    lru_cache key; packs are few and live as long as the run).  The value is shared: callers
    must not change it."""
    cache: dict[int, tuple[RulePack, _V]] = {}

    @functools.wraps(fn)
    def derived(pack: RulePack) -> _V:
        hit = cache.get(id(pack))
        if hit is not None and hit[0] is pack:
            return hit[1]
        value = fn(pack)
        if len(cache) >= 16:
            cache.clear()
        cache[id(pack)] = (pack, value)
        return value

    return derived


@dataclass(frozen=True)
class RulePack:
    """The resolved settings every core function takes."""

    name: str
    description: str
    rules: RuleSelection
    weights: Weights
    grades: Grades
    scoring: Scoring
    indicator_tree: IndicatorTree
    goal: Goal
    monitor: Monitor
    rank: Rank
    apply: Apply
    notice: Notice
    workspace: Workspace = field(default_factory=Workspace)
    # label variants added to the reader's lexicon: {section: {field: (label, …)}}
    labels: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    source: tuple[str, ...] = ()  # files merged, in order (for `pbm config show`)
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    notes: tuple[str, ...] = field(default=(), compare=False)  # Chinese notes on reading (GBK file …)

    def lexicon(self) -> Lexicon:
        """The reader's lexicon with this pack's [labels] additions."""
        return _pack_lexicon(self)

    def with_selection(self, select: list[str] | None, ignore: list[str] | None) -> RulePack:
        """Apply CLI --select / --ignore on top of the pack's own."""
        sel = self.rules
        new = RuleSelection(
            tuple(select) if select else sel.select,
            tuple(sel.ignore) + tuple(ignore or ()),
            sel.severity,
        )
        return dataclasses.replace(self, rules=new)


@per_pack
def _pack_lexicon(pack: RulePack) -> Lexicon:
    from .readers.labels import lexicon_for

    return lexicon_for(pack.labels)


def find_config(start: Path | None = None) -> Path | None:
    """The first pbm.toml walking up from ``start`` (default: cwd)."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None


def _tupled(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_tupled(v) for v in value)
    if isinstance(value, dict):
        return {k: _tupled(v) for k, v in value.items()}
    return value


def _section(cls: type, data: dict[str, Any], name: str) -> Any:
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = set(data) - set(fields)
    if unknown:
        raise ConfigError(f"[{name}] 中有未知的配置项：{', '.join(sorted(unknown))}")
    for key, value in data.items():
        default = fields[key].default
        if default is not dataclasses.MISSING and not same_type(default, value):
            raise ConfigError(f"[{name}] 配置项「{key}」的值 {value!r} 类型不对，应为{type_label(default)}")
        if fields[key].type == "int" and (isinstance(value, bool) or not isinstance(value, int)):
            raise ConfigError(f"[{name}] 配置项「{key}」的值 {value!r} 应为整数（不带小数点），如 {key} = 10")
    try:
        return cls(**{k: _tupled(v) for k, v in data.items()})
    except TypeError as exc:
        raise ConfigError(f"[{name}] 配置不完整或类型不对：{exc}") from None


def build(data: dict[str, Any], source: tuple[str, ...] = ()) -> RulePack:
    """Turn a merged dict into a typed RulePack (raises ConfigError)."""
    ws = data.get("workspace", {})
    rank = dict(data["rank"])
    moved = [k for k in ("top", "bottom") if k in data["notice"]]
    if moved:
        raise ConfigError(f"[notice] 的 {'、'.join(moved)} 已并入 [rank]（红榜、黑榜由排名统一确定，"
                          f"通报与排名表一致），请把它移到 [rank] 下。")
    rules = data.get("rules", {})
    pack = RulePack(
        name=str(data.get("name", "national")),
        description=str(data.get("description", "")),
        rules=RuleSelection(tuple(rules.get("select", ())), tuple(rules.get("ignore", ())),
                            dict(rules.get("severity", {}))),
        weights=_section(Weights, data["weights"], "weights"),
        grades=_section(Grades, data["grades"], "grades"),
        scoring=_section(Scoring, data["scoring"], "scoring"),
        indicator_tree=_section(IndicatorTree, data["indicator_tree"], "indicator_tree"),
        goal=_section(Goal, data["goal"], "goal"),
        monitor=_section(Monitor, data["monitor"], "monitor"),
        rank=_section(Rank, rank, "rank"),
        apply=_section(Apply, data["apply"], "apply"),
        notice=_section(Notice, data["notice"], "notice"),
        workspace=_section(Workspace, ws, "workspace"),
        labels=_labels(data.get("labels", {})),
        source=source,
        raw=data,
    )
    _check_values(pack)
    return pack


def _labels(data: dict[str, Any]) -> dict[str, dict[str, tuple[str, ...]]]:
    """[labels]: every section and field must be one the reader knows; each value a list of
    label texts.  The built-in lexicon is checked here so a typo is a config error, not a
    silently ignored variant."""
    from .readers.labels import builtin_lexicon

    lex = builtin_lexicon()
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    for sec, fields in data.items():
        if sec not in lex.tables or not isinstance(fields, dict):
            raise ConfigError(f"[labels] 中没有「{sec}」这一类标签；可用的类别：{'、'.join(lex.tables)}")
        for key, syns in fields.items():
            if key not in lex.tables[sec]:
                raise ConfigError(f"[labels.{sec}] 中没有字段「{key}」；可用的字段：{'、'.join(lex.tables[sec])}")
            if not isinstance(syns, list) or not all(isinstance(x, str) and x.strip() for x in syns):
                raise ConfigError(f"[labels.{sec}] {key} 应为标签文字的列表，如 {key} = [\"某某标签\"]")
        out[sec] = {k: tuple(v) for k, v in fields.items()}
    return out


def _check_values(pack: RulePack) -> None:
    from .config_check import check_ranges

    check_ranges(pack)
    s = pack.scoring
    if s.reverse_mode not in ("ratio", "linear_penalty"):
        raise ConfigError(f"[scoring] reverse_mode 只能是 ratio 或 linear_penalty，现为「{s.reverse_mode}」")
    hi, lo = s.qualitative_bands
    if not 0 <= lo <= hi <= 100:
        raise ConfigError("[scoring] qualitative_bands 应为两个从大到小的百分数，如 [80, 60]")
    if pack.monitor.time_progress not in ("months", "days"):
        raise ConfigError("[monitor] time_progress 只能是 months 或 days")
    if not 100 >= pack.grades.excellent >= pack.grades.good >= pack.grades.fair >= 0:
        raise ConfigError("[grades] 等级分数线应满足 100 ≥ excellent ≥ good ≥ fair ≥ 0")
    checks = [
        (0 <= s.decimals <= 6 and float(s.decimals).is_integer(), "[scoring] decimals 应为 0 到 6 的整数"),
        (all(v >= 0 for v in (s.execution_points, s.inflation_tolerance, s.score_tolerance,
                              s.overshoot_deduction, pack.weights.tolerance, pack.goal.funds_tolerance)),
         "[scoring]/[weights]/[goal] 中的分值、容差和扣分不能为负数"),
        (s.overshoot_ratio > 1, "[scoring] overshoot_ratio 应大于 1（如 1.3）"),
        (all(x >= 0 for x in (pack.weights.execution, pack.weights.output, pack.weights.benefit,
                              pack.weights.satisfaction, pack.weights.cost)), "[weights] 权重不能为负数"),
        (all(isinstance(n, int) and n >= 0 for n in (pack.rank.top, pack.rank.bottom,
                                                     pack.notice.interview_bottom)),
         "[rank] 的 top、bottom 和 [notice] 的 interview_bottom 应为不小于 0 的整数"),
        (0 <= pack.monitor.warning_yellow <= pack.monitor.warning_red,
         "[monitor] 应满足 0 ≤ warning_yellow ≤ warning_red"),
        (list(pack.monitor.lights) == sorted(pack.monitor.lights) and pack.monitor.lights[0] >= 0,
         "[monitor] lights 应为从小到大的三个数，如 [60, 80, 120]"),
        (all(w >= 0 for w in pack.rank.weights.values()), "[rank.weights] 权重不能为负数"),
    ]
    for ok, message in checks:
        if not ok:
            raise ConfigError(message)
    from .cycle.honours import check

    problem = check(pack)
    if problem:
        raise ConfigError(problem)
    _check_severities(pack.rules.severity)
    _check_selection(pack.rules.select, pack.rules.ignore)


def _check_selection(select: tuple[str, ...], ignore: tuple[str, ...]) -> None:
    """[rules] select / ignore: every code or prefix names at least one rule."""
    from .rules import unknown_code

    for key, codes in (("select", select), ("ignore", ignore)):
        for code in codes:
            message = unknown_code(str(code), f"[rules] {key} ")
            if message:
                raise ConfigError(message)


def _check_severities(overrides: dict[str, Any]) -> None:
    """[rules] severity: known codes, and levels error / warning / info (any letter case)."""
    if not overrides:   # nothing to check: the rule registry need not be loaded
        return
    from .rules import resolve, suggest

    for code, level in overrides.items():
        if resolve(str(code)) is None:
            near = "、".join(suggest(str(code))) or "（无相近代码）"
            raise ConfigError(f"[rules] severity 中的规则代码「{code}」不存在；相近的代码：{near}（pbm rules list 可查看全部）")
        if str(level).lower() not in ("error", "warning", "info"):
            raise ConfigError(f"[rules] severity 中「{code}」的级别「{level}」无效，只能是 error、warning 或 info")


def load(rules: str | Path | None = None, config: str | Path | None = None,
         isolated: bool = False, cwd: Path | None = None) -> RulePack:
    """Resolve the rule pack: --rules, then --config / pbm.toml, then national."""
    source: tuple[str, ...]
    src: tuple[str, ...]
    base, source = builtin_pack("national"), ("内置规则包 national",)
    workspace: dict[str, Any] = {}
    notes: list[str] = []
    cfg_path = Path(config) if config else (None if isolated else find_config(cwd))
    if cfg_path is not None:
        cfg = read_toml(cfg_path, notes)
        workspace = cfg.get("workspace", {})
        if not isinstance(workspace, dict):
            raise ConfigError(f"{cfg_path}：workspace 应为一节设置（[workspace]），现为 {workspace!r}")
        for key in ("db", "units"):  # relative paths are relative to pbm.toml
            value = workspace.get(key)
            if isinstance(value, str) and not Path(value).is_absolute():
                workspace = {**workspace, key: str(cfg_path.parent / value)}
        workspace = {**workspace, "root": str(cfg_path.parent)}
        cfg.setdefault("extends", "national")
        base, source = resolve(cfg, str(cfg_path), (), notes)
    if rules is not None:
        name = str(rules)
        if name in BUILTIN_PACKS:
            over, src = builtin_pack(name), (f"内置规则包 {name}",)
        else:
            over, src = resolve(read_toml(Path(name), notes), name, (), notes)
        base = merge(base, {k: v for k, v in over.items() if k not in META}, name, strict=True)
        base["name"] = over.get("name", base.get("name"))
        source = (*source, *src[1:]) if src and src[0].startswith("内置") else (*source, *src)
    base["workspace"] = workspace
    return dataclasses.replace(build(base, source), notes=tuple(notes))


def default_pack() -> RulePack:
    """The national pack with no local files (for tests and the library API)."""
    return load(isolated=True)
