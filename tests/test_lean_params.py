"""Option values are coerced without pydantic, with typer's own values and (Chinese) messages."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

import pytest
import typer
from typer.testing import CliRunner

from pbmcli.cli import app as pbm_app


def _flat(text: str) -> str:
    return " ".join(text.replace("│", " ").split())


# what each kind of bad value said before the lean coercion (recorded on main)
@pytest.mark.parametrize(("args", "message"), [
    (["validate", "x.xlsx", "--jobs", "abc"], "参数 --jobs / -j 的值无效：应为整数。"),
    (["validate", "x.xlsx", "-j", "1.5"], "参数 --jobs / -j 的值无效：应为整数。"),
    (["validate", "x.xlsx", "-j", ""], "参数 --jobs / -j 的值无效：应为整数。"),
    (["validate", "x.xlsx", "-j", "٣"], "参数 --jobs / -j 的值无效：应为整数。"),
    (["score", "x.xlsx", "--jobs", "x"], "参数 --jobs / -j 的值无效：应为整数。"),
    (["apply", "--year", "20 26"], "参数 --year / -y 的值无效：应为整数。"),
    (["rectify", "done", "abc", "--evidence", "x"], "参数 编号 的值无效：应为整数。"),
    (["notice", "--number", "abc"], "参数 --number / -n 的值无效：应为整数。"),
    (["notice", "--number", "0"], "参数 --number / -n 的值无效：应不小于 1。"),
    (["validate", "x.xlsx", "-f", "yaml"], "参数 --format / -f 的值无效：「yaml」不是可选值之一，可选：table, json, csv, xlsx, md。"),
    (["validate", "x.xlsx", "-f", ""], "参数 --format / -f 的值无效：「」不是可选值之一，可选：table, json, csv, xlsx, md。"),
    (["rank", "-p", "2026", "-f", "csv"], "参数 --format / -f 的值无效：「csv」不是可选值之一，可选：table, json, xlsx, md。"),
    (["ingest", "x", "-p", "2026", "-f", "xlsx"], "参数 --format / -f 的值无效：「xlsx」不是可选值之一，可选：table, json。"),
    (["monitor", "x", "-f", "md"], "参数 --format / -f 的值无效：「md」不是可选值之一，可选：table, json, xlsx。"),
    (["ledger", "remove", "-p", "2026", "--form", "report"],
     "参数 --form 的值无效：「report」不是可选值之一，可选：goal, selfeval, monitor。"),
    (["config", "show", "-f", "yaml"], "参数 --format / -f 的值无效：「yaml」不是可选值之一，可选：toml, json。"),
    (["rules", "explain", "G101", "-f", "md"], "参数 --format / -f 的值无效：「md」不是可选值之一，可选：text, json。"),
    (["dashboard", "-p", "2026", "--lights"], "选项 --lights 后面需要跟一个值。"),
])
def test_pbm_bad_values_keep_their_messages(args: list[str], message: str) -> None:
    result = CliRunner().invoke(pbm_app, args, env={"COLUMNS": "200"}, terminal_width=200)
    assert result.exit_code == 2
    assert message in _flat(result.output)


class Colour(StrEnum):
    red = "red"
    green = "green"


probe = typer.Typer()


@probe.command()
def show(
    text: Annotated[str, typer.Option("--text")] = "x",
    whole: Annotated[int | None, typer.Option("--int")] = None,
    number: Annotated[float, typer.Option("--float")] = 60,
    ranged: Annotated[int | None, typer.Option("--ranged", min=1, max=9)] = None,
    real: Annotated[float | None, typer.Option("--real", max=10.5)] = None,
    clamped: Annotated[int | None, typer.Option("--clamped", min=1, max=9, clamp=True)] = None,
    flag: Annotated[bool, typer.Option("--flag", envvar="PBM_PROBE_FLAG")] = False,
    path: Annotated[Path | None, typer.Option("--path")] = None,
    existing: Annotated[Path | None, typer.Option("--existing", exists=True, dir_okay=False)] = None,
    colour: Annotated[Colour, typer.Option("--colour", "-c")] = Colour.red,
    insensitive: Annotated[Colour | None, typer.Option("--any-case", case_sensitive=False)] = None,
    literal: Annotated[Literal["a", "b"] | None, typer.Option("--literal")] = None,
    texts: Annotated[list[str] | None, typer.Option("--texts")] = None,
    paths: Annotated[list[Path] | None, typer.Option("--paths")] = None,
) -> None:
    for name, value in locals().items():
        print(name, type(value).__name__, repr(value))


BAD_AND_ODD = [
    [], ["--text", ""], ["--text", "中文 值"],
    *(["--int", v] for v in ("7", "-0", "+5", "007", "1_000", " 3", "1.0", "1.5", "abc", "", "٣", "9" * 30)),
    *(["--float", v] for v in ("1", "1.", ".5", "-1E-3", "1e5", "inf", "nan", "1_0", " 2", "abc", "", "1e400")),
    *(["--ranged", v] for v in ("1", "9", "0", "10", "x")),
    *(["--real", v] for v in ("10.5", "10.6", "-1", "y")),
    *(["--clamped", v] for v in ("0", "5", "99")),
    ["--path", "a/"], ["--path", ""], ["--existing", "no-such-file"], ["--existing", "."],
    ["--colour", "green"], ["--colour", "GREEN"], ["-c", "blue"], ["-c", ""],
    ["--any-case", "GREEN"], ["--any-case", "blue"], ["--literal", "a"], ["--literal", "c"],
    ["--texts", "a", "--texts", "b"], ["--paths", "a", "--paths", "b/c"],
]
ENV_FLAGS = ["yes", "On", "0", "FALSE", " ", "2", "maybe"]


def _run(monkeypatch: pytest.MonkeyPatch, lean: bool, args: list[str], env: dict[str, str]) -> tuple[int, str]:
    from typer import _coercion, core

    if not lean:
        monkeypatch.setattr(core, "build_runtime_param", _coercion.build_runtime_param)
    result = CliRunner().invoke(probe, args, env={"COLUMNS": "200", **env}, terminal_width=200)
    monkeypatch.undo()
    return result.exit_code, _flat(result.output)


@pytest.mark.parametrize("args", BAD_AND_ODD, ids=lambda a: " ".join(a) or "defaults")
def test_lean_coercion_matches_typer(monkeypatch: pytest.MonkeyPatch, args: list[str]) -> None:
    assert _run(monkeypatch, True, args, {}) == _run(monkeypatch, False, args, {})


@pytest.mark.parametrize("word", ENV_FLAGS)
def test_lean_booleans_match_typer(monkeypatch: pytest.MonkeyPatch, word: str) -> None:
    env = {"PBM_PROBE_FLAG": word}
    assert _run(monkeypatch, True, [], env) == _run(monkeypatch, False, [], env)


def test_lean_coercion_is_installed() -> None:
    from typer import core

    assert getattr(core.build_runtime_param, "_pbm", False)
