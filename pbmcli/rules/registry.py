"""The rule registry: one decorated generator per rule code.

A rule is a pure generator ``(sub, pack) -> Iterator[Outcome]``.  Its code,
name, severity, Chinese message template and Chinese docstring (sections
说明 / 原因 / 示例 / 修正 / 配置项) sit together at the decorator.  Importing a
rule module checks all of that, so a malformed rule never reaches a user.

Outcomes: ``Hit`` (a finding), ``NotApplicable`` (nothing to check here) and
``Insufficient`` (the data the rule needs is missing: reported as an info
finding, never a silent pass).
"""

from __future__ import annotations

import difflib
import re
import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from ..model import CellRef, Finding, FormKind, Severity, Submission

SECTIONS = ("说明", "原因", "示例", "修正", "配置项")
_CODE = re.compile(r"^[A-Z]\d{3}$")
_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
ALL_FORMS = (FormKind.GOAL, FormKind.SELFEVAL, FormKind.MONITOR, FormKind.UNKNOWN)


@dataclass(frozen=True, slots=True)
class Hit:
    """A problem found by a rule, located at ``ref``; ``values`` fill the message."""

    ref: CellRef | None
    values: dict[str, Any]
    expected: str | None = None
    actual: str | None = None
    related: CellRef | None = None


@dataclass(frozen=True, slots=True)
class NotApplicable:
    """The rule does not apply to this submission (e.g. no 中期 block)."""

    reason: str = ""


@dataclass(frozen=True, slots=True)
class Insufficient:
    """The rule cannot run: ``need`` (Chinese) names the missing data."""

    need: str
    ref: CellRef | None = None


Outcome = Hit | NotApplicable | Insufficient
Check = Callable[[Submission, Any], Iterator[Outcome]]


def hit(ref: CellRef | None, *, expected: Any = None, actual: Any = None,
        related: CellRef | None = None, **values: Any) -> Hit:
    """Build a Hit; ``expected``/``actual`` also become message placeholders."""
    exp = None if expected is None else str(expected)
    act = None if actual is None else str(actual)
    return Hit(ref, {"expected": exp or "", "actual": act or "", **values}, exp, act, related)


@dataclass(frozen=True)
class Rule:
    """One registered rule (ruff's codes.rs row + its doc comment)."""

    code: str
    name: str
    severity: Severity
    message: str
    check: Check
    forms: tuple[FormKind, ...]
    settings: tuple[str, ...]
    doc: str
    sections: dict[str, str] = field(default_factory=dict)
    scope: str = "submission"  # submission | file (raised outside engine.check)

    @property
    def summary(self) -> str:
        """First line of 说明, for `pbm rules list`."""
        return self.sections.get("说明", "").strip().splitlines()[0].strip()

    @property
    def placeholders(self) -> tuple[str, ...]:
        return placeholders(self.message)

    def render(self, values: dict[str, Any], strict: bool = True) -> str:
        """Fill the message template; ``strict`` raises on a missing placeholder."""
        data = values if strict else _Lenient(values)
        return self.message.format_map(data)


class _Lenient(dict):  # type: ignore[type-arg]
    def __missing__(self, key: str) -> str:
        return ""


RULES: dict[str, Rule] = {}
# retired code -> its replacement (cf. ruff rule_redirects.rs); never reuse a code
REDIRECTS: dict[str, str] = {}

# placeholders the engine fills for every finding
AUTO_VALUES = ("where", "sheet", "cell", "file", "expected", "actual")


def placeholders(template: str) -> tuple[str, ...]:
    """Named fields of a format template, in order of appearance."""
    names: list[str] = []
    for _, name, spec, conv in string.Formatter().parse(template):
        if name is None:
            continue
        if not name.isidentifier() or spec or conv:
            raise ValueError(f"message placeholder must be a plain name: {{{name}}}")
        if name not in names:
            names.append(name)
    return tuple(names)


_HEAD = re.compile(r"^(?:#+\s*)?(" + "|".join(SECTIONS) + r")\s*[：:]?\s*(.*)$")


def parse_sections(doc: str) -> dict[str, str]:
    """Split a rule docstring into 说明 / 原因 / 示例 / 修正 / 配置项.

    A section starts with its name at the start of a line ("说明：…" or "## 说明").
    """
    out: dict[str, list[str]] = {}
    current: str | None = None
    for line in doc.splitlines():
        m = _HEAD.match(line.strip())
        if m:
            current = m.group(1)
            out[current] = [m.group(2)] if m.group(2) else []
        elif current is not None:
            out[current].append(line.strip())
    return {k: "\n".join(v).strip() for k, v in out.items()}


def _dedent(doc: str) -> str:
    import inspect

    return inspect.cleandoc(doc)


def _validate(code: str, name: str, message: str, doc: str | None) -> dict[str, str]:
    if not _CODE.match(code):
        raise ValueError(f"rule code {code!r} must match ^[A-Z]\\d{{3}}$")
    if code in RULES or code in REDIRECTS:
        raise ValueError(f"rule code {code} is registered twice (or retired)")
    if not _NAME.match(name):
        raise ValueError(f"rule {code}: name {name!r} must be a kebab-case slug")
    if not doc:
        raise ValueError(f"rule {code} has no docstring")
    sections = parse_sections(_dedent(doc))
    missing = [s for s in SECTIONS if not sections.get(s)]
    if missing:
        raise ValueError(f"rule {code}: docstring lacks section(s) {', '.join(missing)}")
    names = placeholders(message)
    message.format_map({n: "x" for n in names})
    if "{where}" not in message:
        raise ValueError(f"rule {code}: message must name the location ({{where}})")
    return sections


def rule(*, code: str, name: str, severity: Severity, message: str,
         forms: tuple[FormKind, ...] = (FormKind.GOAL, FormKind.SELFEVAL),
         settings: tuple[str, ...] = (), scope: str = "submission") -> Callable[[Check], Check]:
    """Register a rule function under ``code`` (import-time checks included)."""

    def deco(func: Check) -> Check:
        sections = _validate(code, name, message, func.__doc__)
        RULES[code] = Rule(code, name, severity, message, func, tuple(forms), tuple(settings),
                           _dedent(func.__doc__ or ""), sections, scope)
        return func

    return deco


def resolve(code: str) -> str | None:
    """A code as typed by a user -> the registered code (redirects followed)."""
    code = code.strip().upper()
    seen: set[str] = set()
    while code in REDIRECTS and code not in seen:
        seen.add(code)
        code = REDIRECTS[code]
    return code if code in RULES else None


def known(code: str) -> bool:
    """A full code that is registered (or redirects to one), or a prefix that starts one."""
    code = code.strip().upper()
    if len(code) == 4:
        return resolve(code) is not None
    return any(c.startswith(code) for c in (*RULES, *REDIRECTS))


def unknown_code(code: str, where: str) -> str | None:
    """The Chinese message for a code or prefix that names no rule (None when it does)."""
    if known(code):
        return None
    near = suggest(code)
    hint = f"相近的代码：{'、'.join(near)}；" if near else ""
    return f"{where}中的规则代码「{code}」不存在，{hint}用 pbm rules list 可查看全部规则代码。"


def suggest(code: str, n: int = 3) -> list[str]:
    """Registered codes close to ``code`` (same family first)."""
    code = code.strip().upper()
    pool = sorted(RULES)
    close = difflib.get_close_matches(code, pool, n=10, cutoff=0.5)
    family = [c for c in close if c[:1] == code[:1]] + [c for c in pool if code[:2] and c.startswith(code[:2])]
    return list(dict.fromkeys([*family, *close]))[:n]


def get_setting(pack: Any, path: str) -> Any:
    """``goal.satisfaction_min`` -> its value in ``pack`` (AttributeError if unknown)."""
    obj = pack
    for part in path.split("."):
        obj = obj[part] if isinstance(obj, dict) else getattr(obj, part)
    return obj


def effective_severity(rule_: Rule, pack: Any | None) -> Severity:
    """The rule's severity after the pack's ``[rules] severity`` overrides."""
    if pack is None:
        return rule_.severity
    overrides: dict[str, str] = pack.rules.severity
    for key, value in overrides.items():
        if resolve(key) == rule_.code:
            return _severity(value, key)
    return rule_.severity


def _severity(value: str, key: str) -> Severity:
    from ..errors import ConfigError

    try:
        return Severity(str(value).lower())
    except ValueError:
        raise ConfigError(
            f"[rules] severity 中「{key}」的级别「{value}」无效，只能是 error、warning 或 info"
        ) from None


def where_text(sheet: str | None, cell: str | None) -> str:
    """Chinese location: 工作表「Sheet1」B5 单元格."""
    if sheet and cell:
        return f"工作表「{sheet}」{cell} 单元格"
    if sheet:
        return f"工作表「{sheet}」"
    if cell:
        return f"{cell} 单元格"
    return "文件"


def graded(f: Finding, pack: Any | None) -> Finding:
    """``f`` with the severity the pack gives its rule ([rules] severity overrides)."""
    target = resolve(f.code)
    if target is None:
        return f
    severity = effective_severity(RULES[target], pack)
    return f if severity is f.severity else replace(f, severity=severity)


def finding_for(code: str, *, path: str = "", sheet: str | None = None, cell: str | None = None,
                pack: Any | None = None, expected: str | None = None, actual: str | None = None,
                related: str | None = None, **values: Any) -> Finding:
    """A Finding for ``code`` with the registry's message and severity.

    For file-level problems outside a parsed submission (InputError codes,
    batch duplicates).  Placeholders not given render empty.
    """
    target = resolve(code)
    if target is None:
        raise KeyError(f"unknown rule code {code}")
    r = RULES[target]
    auto = {"where": where_text(sheet, cell), "sheet": sheet or "", "cell": cell or "",
            "file": path, "expected": expected or "", "actual": actual or "", "related": related or "",
            "other": related or ""}  # the other file as shown to a unit (callers may pass a relative name)
    return rule_finding(r, {**auto, **values}, pack, path=path, sheet=sheet, cell=cell, expected=expected,
                        actual=actual, related=related, strict=False)


def rule_finding(r: Rule, values: dict[str, Any], pack: Any | None, *, path: str, sheet: str | None,
                 cell: str | None, expected: str | None, actual: str | None, related: str | None,
                 strict: bool = True) -> Finding:
    """The one place a Finding is made: the rule's message and the pack's severity for it."""
    return Finding(r.code, effective_severity(r, pack), r.render(values, strict=strict), path, sheet, cell,
                   expected, actual, related)
