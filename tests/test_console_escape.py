"""Text from inputs on the console: never rich markup, never a control sequence.

A unit called ``单位[/]`` once made ``pbm ingest`` commit and then crash (rich MarkupError), and
every later ``rank``, ``apply`` or ``rectify`` exit 3; ``[link=…]`` became a terminal link.  File
names and cells with ESC sequences (colours, OSC 8 links, "clear screen"), C1 controls or
direction overrides reached the terminal.  The outputs here are not terminals, so rich adds no
escape sequence of its own: any ESC in them would come from the inputs.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from factory import make_selfeval
from test_units import write_rows
from typer.testing import CliRunner

from pbmcli.cli import app

MARKUP_UNITS = ("单位[/]", "[link=https://evil.example]点我[/link]")
ESC_PROJECT = "项目\x1b]8;;https://evil.example\x1b\\点我\x1b]8;;\x1b\\清屏\x1b[2J\x9b31m"
RLO_UNIT = "县教育局\u202e局育教县"
CONTROLS = ("\x1b", "\x9b", "\u202e", "\x07")


def _run(*args: str | Path) -> tuple[int, str]:
    res = CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "200"})
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    return res.exit_code, res.stdout + res.stderr


def _squash(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A workspace without a units directory: unit names come from the forms as written."""
    _run("init", tmp_path / "ws")
    root = tmp_path / "ws"
    (root / "units.xlsx").unlink()
    monkeypatch.chdir(root)
    return root


def test_markup_in_names_is_printed_as_text_by_every_command(ws: Path) -> None:
    inbox = ws / "收件" / "自评"
    for i, unit in enumerate(MARKUP_UNITS):
        make_selfeval(inbox / f"{i}.xlsx", header={"unit": unit, "project": f"项目[bold]{i}"})
    write_rows(ws / "整改.xlsx", [["单位", "问题", "整改要求", "整改期限"],
                                  [MARKUP_UNITS[0], "问题[/]", "[red]细化", "2026-10-31"]])
    runs = {
        "ingest": _run("ingest", inbox, "--period", "2026", "--date", "2026-11-01"),
        "rank": _run("rank", "--period", "2026"),
        "apply": _run("apply", "--year", "2026"),
        "import": _run("rectify", "import", "整改.xlsx", "--date", "2026-11-01"),
        "list": _run("rectify", "list"),
        "overdue": _run("rectify", "overdue", "--date", "2026-11-22"),
        "ledger": _run("ledger"),
    }
    for name, (code, output) in runs.items():
        assert code in (0, 1), (name, code, output)
        assert "内部错误" not in output, (name, output)
    for name in ("ingest", "rank", "apply"):
        text = _squash(runs[name][1])
        assert all(_squash(u) in text for u in MARKUP_UNITS), (name, runs[name][1])
    for name in ("list", "overdue"):
        assert "单位[/]" in runs[name][1] and "问题[/]" in _squash(runs[name][1]), runs[name][1]


def test_control_characters_from_inputs_never_reach_the_terminal(ws: Path) -> None:
    inbox = ws / "收件"
    make_selfeval(inbox / "a.xlsx", header={"unit": RLO_UNIT, "project": ESC_PROJECT})
    (inbox / "\x1b]8;;evil.example\x07链接\x1b]8;;\x07.xlsx").write_bytes(b"not a spreadsheet")
    (inbox / "\x1b[2J说明.txt").write_text("x", "utf-8")
    lone = inbox / "\x1b[31m红色.xlsx"
    lone.write_bytes(b"not a spreadsheet")
    runs = {
        "validate": _run("validate", inbox),
        "validate-md": _run("validate", "-f", "md", inbox),
        "validate-csv": _run("validate", "-f", "csv", inbox),
        "validate-json": _run("validate", "-f", "json", inbox),
        "validate-lone": _run("validate", lone),
        "score": _run("score", inbox),
        "ingest": _run("ingest", inbox, "--period", "2026"),
        "rank": _run("rank", "--period", "2026"),
        "inspect": _run("inspect", inbox / "a.xlsx"),
        "inspect-json": _run("inspect", inbox / "a.xlsx", "--format", "json"),
    }
    for name, (code, output) in runs.items():
        assert code != 3 and "内部错误" not in output, (name, output)
        assert not [c for c in CONTROLS if c in output], (name, output)
    assert "\\u001b]8;;evil.example\\u0007链接" in runs["validate"][1]   # named, visibly
    assert "\\u001b[31m红色.xlsx" in runs["validate-lone"][1] and runs["validate-lone"][0] == 2
    assert "\\u202e" in runs["ingest"][1] + runs["rank"][1]
    report = json.loads(runs["validate-json"][1])  # still valid JSON, the same text once decoded
    assert ESC_PROJECT in {f["project"] for f in report["files"]}


def test_the_console_net_writes_out_controls_but_keeps_its_own_styles() -> None:
    """Under the helpers, every pbm console writes out control characters of any text it prints
    (code that forgets ``plain`` stays safe); rich's own colours are not text and stay."""
    import io

    from pbmcli.cli.output import SafeConsole
    from pbmcli.cli.reports import report_console

    buf = io.StringIO()
    SafeConsole(file=buf, force_terminal=True, color_system="standard", highlight=False).print(
        "红\x1b[2J", style="red", markup=False)
    assert "红\\u001b[2J" in buf.getvalue() and "\x1b[2J" not in buf.getvalue()
    assert "\x1b[31m" in buf.getvalue()  # the red of the style itself
    assert isinstance(report_console(file=io.StringIO()), SafeConsole)
