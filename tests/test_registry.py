"""The rule registry: codes, docstrings, redirects, selection and severity overrides."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from pbmcli import engine
from pbmcli.config import RuleSelection
from pbmcli.errors import ConfigError
from pbmcli.model import FormKind, Severity, Submission
from pbmcli.rules import REDIRECTS, RULES, finding_for, resolve, rule, suggest
from pbmcli.rules.registry import SECTIONS, get_setting, parse_sections, placeholders


def test_codes_are_well_formed_and_cover_the_families():
    assert all(re.fullmatch(r"[A-Z]\d{3}", c) for c in RULES)
    assert {c[0] for c in RULES} == set("FHGISXUMR")
    assert len({r.name for r in RULES.values()}) == len(RULES)  # slugs unique too


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_rule_is_documented(code, pack):
    r = RULES[code]
    assert [s for s in SECTIONS if r.sections.get(s)] == list(SECTIONS)
    assert r.summary and "{where}" in r.message
    for setting in r.settings:
        get_setting(pack, setting)  # raises if the pack has no such setting
    r.render({name: "x" for name in placeholders(r.message)})


def test_import_time_checks_reject_bad_rules():
    doc = "说明：a\n原因：b\n示例：c\n修正：d\n配置项：无"

    def fn(sub, pack):
        yield from ()

    bad = [
        dict(code="G1010", name="x", message="{where}"),
        dict(code="G101", name="dup", message="{where}"),
        dict(code="Z999", name="Not_Kebab", message="{where}"),
        dict(code="Z998", name="no-where", message="单元格错误"),
        dict(code="Z997", name="bad-field", message="{where}{0}"),
    ]
    for kw in bad:
        fn.__doc__ = doc
        with pytest.raises(ValueError):
            rule(severity=Severity.ERROR, **kw)(fn)
    fn.__doc__ = "说明：只有一节"
    with pytest.raises(ValueError, match="原因"):
        rule(code="Z996", name="half-doc", severity=Severity.ERROR, message="{where}")(fn)
    assert not any(c.startswith("Z") for c in RULES)


def test_sections_parse_both_styles():
    assert parse_sections("说明：一\n续\n## 原因\n二") == {"说明": "一\n续", "原因": "二"}


def test_redirects_resolve(monkeypatch):
    monkeypatch.setitem(REDIRECTS, "G199", "G101")
    assert resolve("g199") == "G101"
    assert resolve("G101") == "G101"
    assert resolve("Q123") is None
    assert all(resolve(new) == new for new in REDIRECTS.values())
    assert suggest("G1O1")[0] == "G101"


@pytest.mark.parametrize(
    ("select", "ignore", "code", "enabled"),
    [
        ((), (), "S206", True),
        (("S",), (), "G101", False),
        (("G",), ("G10",), "G101", False),
        (("G101",), ("G10",), "G101", True),
        (("G1",), ("G1",), "G101", False),
    ],
)
def test_selection_table(select, ignore, code, enabled):
    assert RuleSelection(select, ignore).enabled(code) is enabled


def _pack_with(pack, **kw):
    return dataclasses.replace(pack, rules=dataclasses.replace(pack.rules, **kw))


def _bad_goal() -> Submission:
    return Submission(path="g.xlsx", kind=FormKind.GOAL, sheet="表")


def test_engine_applies_selection_and_severity(pack):
    sub = _bad_goal()  # no header, no funds, no indicators
    assert [(f.code, f.cell) for f in engine.check(sub, pack)] == [
        ("H101", None), ("H101", None), ("H101", None), ("H101", None), ("H103", None), ("H190", None)]
    only_h103 = _pack_with(pack, select=("H103",))
    assert [f.code for f in engine.check(sub, only_h103)] == ["H103"]
    quiet = _pack_with(pack, ignore=("H190",))
    assert "H190" not in {f.code for f in engine.check(sub, quiet)}
    demoted = _pack_with(pack, severity={"H103": "warning"})
    assert {f.severity for f in engine.check(sub, demoted) if f.code == "H103"} == {Severity.WARNING}
    with pytest.raises(ConfigError, match="H103"):
        engine.check(sub, _pack_with(pack, severity={"H103": "fatal"}))


def test_findings_are_sorted_deterministically(pack):
    found = engine.check(_bad_goal(), pack)
    assert found == sorted(found, key=lambda f: f.sort_key())


def test_finding_for_file_level_codes(pack):
    f = finding_for("F002", path="a/b.xlsx", pack=pack)
    assert (f.code, f.severity, f.path) == ("F002", Severity.ERROR, "a/b.xlsx")
    assert f.message.startswith("文件设置了打开密码")
    g = finding_for("F006", path="b.xlsx", related="a.xlsx")
    assert "「a.xlsx」" in g.message and g.severity is Severity.WARNING
    h = finding_for("F012", path="c.xlsx", sheet="表", cell="C7", actual="十万")
    assert "工作表「表」C7 单元格" in h.message and "十万" in h.message
    with pytest.raises(KeyError):
        finding_for("Q001")


def test_input_error_becomes_its_finding(pack):
    from pbmcli.errors import InputError

    f = engine.input_error_finding(InputError("x.xlsx", "文件不是 zip 格式", "F001"), pack)
    assert (f.code, f.path) == ("F001", "x.xlsx") and "文件不是 zip 格式" in f.message


def test_no_finding_is_made_outside_the_registry():
    """Every finding comes from the registry (message and severity in one place): no module but
    rules/registry.py constructs a Finding."""
    import ast

    package = Path(__file__).resolve().parent.parent / "pbmcli"
    makers = []
    for path in package.rglob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "Finding":
                makers.append(f"{path.relative_to(package)}:{node.lineno}")
    assert makers and all(m.startswith("rules/registry.py:") for m in makers), makers


def test_score_twins_of_validate_rules_have_the_same_severity():
    # one problem, one severity: pbm score's X305 is pbm validate's S206, X316 is S219
    assert RULES["X305"].severity is RULES["S206"].severity
    assert RULES["X316"].severity is RULES["S219"].severity


def test_severity_overrides_apply_to_score_findings_and_are_checked_at_load(tmp_path):
    """[rules] severity = {X301 = "Warning"} (any case) grades pbm score's X301 like validate's
    findings; a bad level or an unknown code is a Chinese config error (exit 2)."""
    from factory import make_selfeval

    from pbmcli.config import load
    from pbmcli.errors import ConfigError
    from pbmcli.scoring.report import score_paths

    form = make_selfeval(tmp_path / "f" / "a.xlsx", totals={"score": 110.0})  # recomputed 99.5
    (tmp_path / "pbm.toml").write_text('[rules]\nseverity = { X301 = "Warning" }\n', "utf-8")
    pack = load(cwd=tmp_path)
    [res] = score_paths([form], pack, jobs=1).results
    x301 = [f for f in res.findings if f.code == "X301"]
    assert x301 and x301[0].severity.value == "warning" and res.result is not None
    (tmp_path / "pbm.toml").write_text('[rules]\nseverity = { X301 = "fatal" }\n', "utf-8")
    with pytest.raises(ConfigError, match="fatal"):
        load(cwd=tmp_path)
    (tmp_path / "pbm.toml").write_text('[rules]\nseverity = { X399 = "error" }\n', "utf-8")
    with pytest.raises(ConfigError, match="X399"):
        load(cwd=tmp_path)
