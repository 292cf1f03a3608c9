"""Rule documentation from the registry: `pbm rules list/explain` and docs/rules.md.

Regenerate the committed copy with::

    python -m pbmcli.rules.docs > docs/rules.md
"""

from __future__ import annotations

import json
from typing import Any

from ..model import FormKind
from . import RULES, Rule
from .registry import REDIRECTS, SECTIONS, get_setting

FAMILIES = {
    "F": "文件（F0xx）",
    "H": "表头与结构（H1xx）",
    "G": "绩效目标申报表（G1xx）",
    "I": "指标表，两种表格通用（I1xx）",
    "S": "绩效自评表（S2xx）",
    "X": "复核与交叉核对，由 pbm score 产生（X3xx）",
    "U": "单位名录匹配（U4xx）",
    "M": "执行监控（M5xx）",
    "R": "整改台账（R6xx）",
}
SCOPES = {"submission": "pbm validate 逐表检查", "file": "读取文件或批量处理时产生",
          "score": "pbm score 复核时产生", "ledger": "匹配单位名录时产生（ingest、monitor 等）",
          "monitor": "pbm monitor 读取执行导出表时产生", "rectify": "pbm rectify import 导入整改清单时产生"}


def _default_pack() -> Any:
    from ..config import default_pack

    return default_pack()


def _setting_text(value: Any) -> str:
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_setting_text(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_setting_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _plain(value: Any) -> Any:
    """A setting as JSON data (tuples -> lists)."""
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def settings_of(rule: Rule, pack: Any | None = None) -> dict[str, str]:
    """``{setting: value in pack}`` (national defaults when no pack)."""
    pack = pack or _default_pack()
    return {s: _setting_text(get_setting(pack, s)) for s in rule.settings}


_SHORT = {FormKind.GOAL: "申报表", FormKind.SELFEVAL: "自评表", FormKind.MONITOR: "监控表"}


def forms_text(rule: Rule) -> str:
    """申报表、自评表 / 全部."""
    if set(rule.forms) >= set(_SHORT):
        return "全部"
    return "、".join(_SHORT.get(f, f.label) for f in rule.forms)


def rule_dict(rule: Rule, pack: Any | None = None) -> dict[str, Any]:
    """The JSON shape of one rule (`pbm rules explain --format json`)."""
    return {
        "code": rule.code,
        "name": rule.name,
        "severity": rule.severity.value,
        "severity_label": rule.severity.label,
        "summary": rule.summary,
        "forms": [f.value for f in rule.forms],
        "scope": rule.scope,
        "message": rule.message,
        "settings": {s: _plain(get_setting(pack or _default_pack(), s)) for s in rule.settings},
        "sections": {s: rule.sections.get(s, "") for s in SECTIONS},
        "explanation": rule_markdown(rule, pack, heading="#"),
    }


def rule_markdown(rule: Rule, pack: Any | None = None, heading: str = "##") -> str:
    """One rule as Markdown (title, meta line, the five sections)."""
    lines = [f"{heading} {rule.code} {rule.name}（{rule.severity.label}）", "",
             f"适用：{forms_text(rule)}；{SCOPES.get(rule.scope, rule.scope)}。", ""]
    for section in SECTIONS:
        lines += [f"{heading}# {section}", "", rule.sections.get(section, ""), ""]
        if section == "配置项" and rule.settings:
            lines += [f"- `{k}` = `{v}`（national 默认值）" for k, v in settings_of(rule, pack).items()]
            lines.append("")
    lines += [f"{heading}# 提示文字模板", "", f"`{rule.message}`", ""]
    return "\n".join(lines).rstrip() + "\n"


def list_rows() -> list[dict[str, str]]:
    """Rows for `pbm rules list`, sorted by code."""
    return [{"code": r.code, "name": r.name, "severity": r.severity.value,
             "severity_label": r.severity.label, "forms": forms_text(r), "summary": r.summary}
            for r in (RULES[c] for c in sorted(RULES))]


def list_json() -> str:
    return json.dumps(list_rows(), ensure_ascii=False, indent=2)


def render_rules_markdown() -> str:
    """docs/rules.md: every rule, grouped by family, from the registry."""
    pack = _default_pack()
    out = ["# 规则说明", "",
           "本文件由 `python -m pbmcli.rules.docs > docs/rules.md` 从规则注册表生成，请勿手工修改。"
           "单条规则也可用 `pbm rules explain 代码` 查看。", "",
           "级别：**错误**＝表格有误，必须改正后重新报送（pbm validate 退出码为 1）；"
           "**警告**＝可能有问题或不符合常规做法，请核实或说明；"
           "**提示**＝数据不足等无法自动判断的情况，请人工核对。"
           "规则包的 `[rules]` 可用 select / ignore 开关规则，用 severity 调整级别（如 `{ G104 = \"error\" }`）。", "",
           "| 代码 | 名称 | 级别 | 适用 | 说明 |", "|---|---|---|---|---|"]
    for row in list_rows():
        out.append(f"| [{row['code']}](#{row['code'].lower()}) | {row['name']} | {row['severity_label']} "
                   f"| {row['forms']} | {row['summary']} |")
    if REDIRECTS:
        out += ["", "已停用的代码：" + "，".join(f"{a} → {b}" for a, b in sorted(REDIRECTS.items()))]
    for letter, title in FAMILIES.items():
        codes = [c for c in sorted(RULES) if c.startswith(letter)]
        if not codes:
            continue
        out += ["", f"## {title}", ""]
        for code in codes:
            out += [f'<a id="{code.lower()}"></a>', "", rule_markdown(RULES[code], pack, "###")]
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":  # pragma: no cover - python -m pbmcli.rules.docs
    import sys

    sys.stdout.reconfigure(encoding="utf-8")  # type: ignore[union-attr]
    sys.stdout.write(render_rules_markdown())
