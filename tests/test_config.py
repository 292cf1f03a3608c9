from __future__ import annotations

from pathlib import Path

import pytest

from pbmcli.config import load
from pbmcli.errors import ConfigError


def test_national_defaults(pack):
    assert pack.weights.output == 50 and pack.weights.execution == 10
    assert pack.grades.grade(89.5) == "良"
    assert pack.grades.grade(90) == "优"
    assert pack.grades.grade(59.99) == "差"


def test_local_pack_overrides_and_rejects_unknown(tmp_path: Path):
    local = tmp_path / "local.toml"
    local.write_text('extends = "national"\nname = "本县"\n[goal]\nsatisfaction_min = 85\n', "utf-8")
    pack = load(rules=local, isolated=True)
    assert pack.goal.satisfaction_min == 85
    assert pack.name == "本县"
    assert pack.weights.output == 50
    bad = tmp_path / "bad.toml"
    bad.write_text('[goal]\nsatisfacton_min = 85\n', "utf-8")
    with pytest.raises(ConfigError, match="satisfacton_min"):
        load(rules=bad, isolated=True)


def test_pbm_toml_found_walking_up(tmp_path: Path):
    (tmp_path / "pbm.toml").write_text('[workspace]\ndb = "ledger.sqlite"\n[rank]\ntop = 3\n', "utf-8")
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    pack = load(cwd=sub)
    assert pack.rank.top == 3
    assert pack.workspace.db == str(tmp_path / "ledger.sqlite")


@pytest.mark.parametrize(
    ("select", "ignore", "code", "enabled"),
    [
        ((), (), "G101", True),
        ((), ("G",), "G101", False),
        (("G1",), ("G",), "G101", True),
        (("G",), ("G1",), "G101", False),
        (("G1",), ("G1",), "G101", False),
        (("S",), (), "G101", False),
    ],
)
def test_selection_most_specific_wins(select, ignore, code, enabled):
    from pbmcli.config import RuleSelection

    assert RuleSelection(select, ignore).enabled(code) is enabled


def test_library_api_is_importable_lazily():
    import pbmcli

    assert callable(pbmcli.read_submission) and callable(pbmcli.check)
    assert callable(pbmcli.validate_paths) and callable(pbmcli.score_paths)
    with pytest.raises(AttributeError):
        _ = pbmcli.no_such_thing


def test_library_api_names_types_and_laziness_agree():
    """__all__, the lazy table and the TYPE_CHECKING imports name the same objects, so what
    mypy sees is what a caller gets; and importing pbmcli loads none of them."""
    import ast
    import importlib
    import subprocess
    import sys

    import pbmcli

    tree = ast.parse(Path(pbmcli.__file__).read_text(encoding="utf-8"))
    typed: dict[str, tuple[str, str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            for imp in node.body:
                assert isinstance(imp, ast.ImportFrom)
                for alias in imp.names:
                    typed[alias.asname or alias.name] = ("pbmcli." + (imp.module or ""), alias.name)
    expected = {"Ledger", "build_notices", "check", "default_pack", "explain", "load_pack", "monitor_export",
                "monitor_forms", "rank", "read_submission", "score_paths", "score_submission",
                "validate_paths", "write_notice"}
    assert set(typed) == expected and set(pbmcli.__all__) == expected | {"__version__"}
    for name, (module, attr) in typed.items():
        assert getattr(pbmcli, name) is getattr(importlib.import_module(module), attr), name
    code = ("import sys, pbmcli; heavy = [m for m in ('pandas', 'openpyxl', 'pbmcli.cycle.ranking', "
            "'pbmcli.render', 'pbmcli.engine') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(("toml", "word"), [
    ('[grades]\nexcellent = "九十"\n', "excellent"),
    ("[scoring]\nqualitative_bands = [80]\n", "qualitative_bands"),
    ('[scoring]\nqualitative_bands = "80,60"\n', "qualitative_bands"),
    ('[rank]\ntop = "5"\n', "top"),
    ("[workspace]\nunits = 5\n", "units"),
    ("[rank]\ntop = -3\n", "top"),
    ("[scoring]\ndecimals = -1\n", "decimals"),
    ("[grades]\nexcellent = 120.0\n", "excellent"),
    ('[rules]\nignore = ["G199"]\n', "「G199」不存在"),  # no such rule
    ('[rules]\nselect = ["Q"]\n', "「Q」不存在"),  # no family Q
])
def test_wrong_types_and_ranges_are_config_errors(tmp_path: Path, toml: str, word: str):
    cfg = tmp_path / "pbm.toml"
    cfg.write_text(toml, "utf-8")
    with pytest.raises(ConfigError, match=word):
        load(config=cfg)


def test_bad_config_exits_2_with_one_chinese_line(tmp_path: Path, monkeypatch):
    from typer.testing import CliRunner

    from pbmcli.cli import app

    (tmp_path / "pbm.toml").write_text('[grades]\nexcellent = "九十"\n', "utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["config", "show"])
    assert result.exit_code == 2
    assert "excellent" in result.output and "Traceback" not in result.output


def test_rule_prefixes_and_redirected_codes_in_the_pack_are_accepted(tmp_path: Path):
    cfg = tmp_path / "pbm.toml"
    cfg.write_text('[rules]\nselect = ["G1", "S"]\nignore = ["I105"]\n', "utf-8")
    pack = load(config=cfg)
    assert pack.rules.enabled("G101") and not pack.rules.enabled("I105") and not pack.rules.enabled("H101")


@pytest.mark.parametrize(("text", "said"), [
    ("[workspace]\n[grades\nexcellent = 90\n", "不是合法的 TOML（第 2 行第 8 列）：节名缺少右方括号 ]"),
    ("[workspace]\nauthority = 某某县财政局\n", "不是合法的 TOML（第 2 行第 13 列）：值的写法不对：文字要加英文双引号"),
    ("[workspace]\nauthority = \"某某县财政局\n", "文字缺少结尾的英文双引号"),
])
def test_a_broken_pbm_toml_is_explained_in_chinese(tmp_path, text: str, said: str) -> None:
    from pbmcli.config import load
    from pbmcli.errors import ConfigError

    path = tmp_path / "pbm.toml"
    path.write_text(text, "utf-8")
    with pytest.raises(ConfigError) as exc:
        load(config=path)
    assert said in str(exc.value) and "Expected" not in str(exc.value) and "Invalid" not in str(exc.value)


def test_an_unknown_key_names_its_section_and_what_the_section_has(tmp_path) -> None:
    from pbmcli.config import load
    from pbmcli.errors import ConfigError

    path = tmp_path / "pbm.toml"
    path.write_text("[grades]\nexcelent = 90\n", "utf-8")
    with pytest.raises(ConfigError) as exc:
        load(config=path)
    assert "pbm.toml 的 [grades] 节：未知的配置项「excelent」" in str(exc.value)
    assert "这里可用：excellent、fair、good" in str(exc.value) and "pbm.toml.grades" not in str(exc.value)
