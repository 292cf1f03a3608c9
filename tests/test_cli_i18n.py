"""The command line speaks Chinese, including the framework's own words."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from pbmcli.cli import app
from pbmcli.cli.i18n import translate_error


@pytest.mark.parametrize(("english", "chinese"), [
    ("No such option: -x", "没有这个选项：-x。"),
    ("No such option: --debug (Possible options: --db)", "没有这个选项：--debug。相近的选项：--db。"),
    ("Missing option '--period' / '-p'.", "缺少必填选项 --period / -p。"),
    ("Invalid value for '--number' / '-n': Input should be a valid integer, got 'abc'",
     "参数 --number / -n 的值无效：应为整数。"),
    ("Got unexpected extra argument (b.xlsx)", "多余的参数：b.xlsx。含空格的路径请加引号。"),
    ("something pbm never heard of", "something pbm never heard of"),
])
def test_framework_errors_are_translated(english, chinese):
    assert translate_error(english) == chinese


@pytest.mark.parametrize("args", [["--help"], ["validate", "--help"], ["score", "--help"],
                                  ["notice", "--help"], ["monitor", "--help"], ["inspect", "--help"],
                                  ["template", "--help"], ["init", "--help"], ["ingest", "--help"],
                                  ["rules", "explain", "--help"], ["rectify", "done", "--help"],
                                  ["ledger", "--help"], ["ledger", "remove", "--help"]])
def test_help_has_no_english_framework_words(args):
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0
    for word in ("Usage:", "Options", "Arguments", "[required]", "[default:", "Show this message",
                 "PATH", "FILE", "KIND", "CODE", "ITEM_ID", "DIRECTORY", "EXPORT"):
        assert word not in result.output, word
    assert "用法：" in result.output


def test_usage_error_exits_2_in_chinese():
    result = CliRunner().invoke(app, ["validate", "--no-such-flag", "x"])
    assert result.exit_code == 2
    assert "没有这个选项" in result.output


def test_a_misplaced_option_names_the_near_ones_in_chinese():
    """`pbm ledger --debug` (the option belongs before the command): typer's "Possible options"."""
    result = CliRunner().invoke(app, ["ledger", "--debug"])
    assert result.exit_code == 2
    text = " ".join(result.output.split())
    assert "没有这个选项：--debug" in text and "相近的选项" in text and "Possible" not in text


def _all_commands() -> list[tuple[list[str], object]]:
    import typer.main

    root = typer.main.get_command(app)
    out = []

    def walk(cmd: object, path: list[str]) -> None:
        subs = getattr(cmd, "commands", None)
        if subs:
            for name, sub in subs.items():
                walk(sub, [*path, name])
        else:
            out.append((path, cmd))

    walk(root, [])
    return out


@pytest.mark.parametrize("path", [[], ["rectify"], ["rules"], ["config"], ["ledger"]])
def test_command_lists_at_80_columns_keep_every_word(path):
    """The 命令 panel of a group's help wraps each command's description instead of cutting it."""
    import typer.main

    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "80"}, terminal_width=80)
    assert result.exit_code == 0 and "…" not in result.output
    group = typer.main.get_command(app)
    for name in path:
        group = group.commands[name]
    flat = "".join(ch for ch in result.output if not ch.isspace() and ch not in "│")
    for sub in group.commands.values():
        first = (sub.short_help or sub.help or "").split("\n\n")[0].replace("\\[", "[")
        assert "".join(first.split()) in flat, sub.name


@pytest.mark.parametrize(("path", "cmd"), _all_commands(), ids=lambda x: " ".join(x) if isinstance(x, list) else "")
def test_help_at_80_columns_keeps_every_word(path, cmd):
    """Chinese option help has no spaces; at 80 columns it must wrap, never end in "…"."""
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "80"}, terminal_width=80)
    assert result.exit_code == 0
    assert "…" not in result.output.replace("文本…>", "")   # <文本…>: several values
    assert "[OPTIONS]" not in result.output and "COMMAND" not in result.output
    flat = "".join(ch for ch in result.output if not ch.isspace() and ch not in "│")
    for param in cmd.params:
        text = " ".join((getattr(param, "help", None) or "").replace("\\[", "[").split())
        if text:
            assert "".join(text.split()) in flat, (path, param.name)


def test_help_localisation_loads_only_when_help_is_shown() -> None:
    """A command does not pay for typer's rich help module (≈ 40 ms of start-up): the Chinese
    patches wait for its import, and are in place once help or an error is shown."""
    import subprocess
    import sys

    code = ("import sys, pbmcli.cli; assert 'typer.rich_utils' not in sys.modules, 'loaded at start-up'; "
            "import typer.rich_utils as r; assert r.OPTIONS_PANEL_TITLE == '选项', r.OPTIONS_PANEL_TITLE")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_version_answers_without_loading_the_command_line() -> None:
    """`pbm --version` (scripts ask it often) prints the version without importing typer/rich."""
    import subprocess
    import sys

    code = ("import sys; sys.argv = ['pbm', '--version']; from pbmcli.entry import main; main(); "
            "assert 'typer' not in sys.modules and 'rich' not in sys.modules")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    from pbmcli import __version__

    assert out == f"pbm {__version__}\n"
