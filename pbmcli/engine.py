"""Run the registered rules over a submission: ``check(sub, pack) -> list[Finding]``.

Pure: no I/O.  Applies the pack's rule selection and severity overrides, turns
``Insufficient`` outcomes into one H190 info finding per cell (dropped when
another finding already points at that cell: one problem, one finding), and
sorts deterministically (``Finding.sort_key``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .config import per_pack
from .errors import InputError
from .model import CellRef, Finding, Submission
from .rules import RULES, Hit, Insufficient, Rule, finding_for
from .rules.common import facts_of_one_form
from .rules.registry import rule_finding, where_text

if TYPE_CHECKING:
    from .config import RulePack

INSUFFICIENT = "H190"

__all__ = ["INSUFFICIENT", "check", "file_finding", "finding_for", "input_error_finding", "run_rule"]


def _auto(sub: Submission, ref: CellRef | None) -> dict[str, Any]:
    sheet = ref.sheet if ref else (sub.sheet or None)
    cell = ref.cell if ref else None
    return {"where": where_text(sheet, cell), "sheet": sheet or "", "cell": cell or "",
            "file": sub.path}


def _to_finding(rule: Rule, sub: Submission, h: Hit, pack: RulePack) -> Finding:
    values = {**_auto(sub, h.ref), **h.values}
    if rule.scope == "file" and h.ref is None:  # the file itself (F009, F011), not the form's sheet
        values["where"] = where_text(None, None)
    if h.related is not None:
        values.setdefault("related", str(h.related))
    sheet = h.ref.sheet if h.ref else (sub.sheet or None)
    return rule_finding(rule, values, pack, path=sub.path, sheet=sheet, cell=h.ref.cell if h.ref else None,
                        expected=h.expected, actual=h.actual,
                        related=str(h.related) if h.related is not None else None)


def run_rule(rule: Rule, sub: Submission, pack: RulePack) -> tuple[list[Finding], list[tuple[Rule, Insufficient]]]:
    """One rule's findings and its data-insufficient outcomes (NotApplicable dropped)."""
    found: list[Finding] = []
    short: list[tuple[Rule, Insufficient]] = []
    for outcome in rule.check(sub, pack):
        if isinstance(outcome, Hit):
            found.append(_to_finding(rule, sub, outcome, pack))
        elif isinstance(outcome, Insufficient):
            short.append((rule, outcome))
    return found, short


def _insufficient(sub: Submission, short: list[tuple[Rule, Insufficient]], covered: set[tuple[str, str]],
                  pack: RulePack) -> list[Finding]:
    """One H190 finding per location, unless another finding already names that cell."""
    if not pack.rules.enabled(INSUFFICIENT):
        return []
    grouped: dict[tuple[str, str, str], list[tuple[Rule, Insufficient]]] = {}
    for rule, item in short:
        sheet = item.ref.sheet if item.ref else (sub.sheet or "")
        cell = item.ref.cell if item.ref else ""
        if cell and (sheet, cell) in covered:
            continue
        grouped.setdefault((sheet, cell, "" if cell else item.need), []).append((rule, item))
    out = []
    for (sheet, cell, _), items in grouped.items():
        need = items[0][1].need
        rules = "、".join(dict.fromkeys(r.code for r, _ in items))
        out.append(finding_for(INSUFFICIENT, path=sub.path, sheet=sheet or None, cell=cell or None,
                               pack=pack, need=need, rules=rules, expected="完整的数据",
                               actual="数据不足"))
    return out


@per_pack
def _plans(pack: RulePack) -> dict[Any, tuple[int, list[Rule]]]:
    return {}


def _rules_for(kind: Any, pack: RulePack) -> list[Rule]:
    """The rules ``check`` runs on a form of ``kind``, in code order (decided once per pack and
    kind; again if a rule was registered since)."""
    plans = _plans(pack)
    plan = plans.get(kind)
    if plan is None or plan[0] != len(RULES):
        plan = plans[kind] = (len(RULES), [
            RULES[code] for code in sorted(RULES)
            if RULES[code].scope not in ("score", "ledger", "monitor", "rectify") and kind in RULES[code].forms
            and pack.rules.enabled(code)])
    return plan[1]


def check(sub: Submission, pack: RulePack) -> list[Finding]:
    """All enabled rules for this form kind; sorted findings."""
    findings: list[Finding] = []
    short: list[tuple[Rule, Insufficient]] = []
    with facts_of_one_form():
        for rule in _rules_for(sub.kind, pack):
            found, lacking = run_rule(rule, sub, pack)
            findings += found
            short += lacking
    covered = {(f.sheet or "", f.cell) for f in findings if f.cell}
    findings += _insufficient(sub, short, covered, pack)
    return sorted(_one_per_cell(findings), key=Finding.sort_key)


def _one_per_cell(findings: list[Finding]) -> list[Finding]:
    """One finding per rule and cell: a merged 一级 cell over six rows is one mistake, said once."""
    seen: set[tuple[str, str, str, str, str]] = set()
    out = []
    for f in findings:
        if f.cell:  # the same rule saying the same thing at one cell (a merged cell's rows)
            key = (f.code, f.sheet or "", f.cell, f.expected or "", f.actual or "")
            if key in seen:
                continue
            seen.add(key)
        out.append(f)
    return out


def file_finding(code: str, path: str, pack: RulePack | None = None, **values: Any) -> Finding:
    """A file-level finding (F001 … F011) with the registry's message and severity."""
    return finding_for(code, path=path, pack=pack, **values)


def input_error_finding(exc: InputError, pack: RulePack | None = None) -> Finding:
    """``InputError(path, reason, code)`` from the reader -> its F-family finding."""
    return finding_for(exc.code, path=exc.path, pack=pack, reason=exc.reason, actual=exc.reason)


def select(findings: Iterable[Finding], pack: RulePack) -> list[Finding]:
    """Drop findings whose code the pack disables (for findings made outside ``check``)."""
    return sorted((f for f in findings if pack.rules.enabled(f.code)), key=Finding.sort_key)
