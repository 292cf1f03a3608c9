"""Console text at 80 columns: tables fold long cells instead of cutting them with "…", and
prose wraps between Chinese characters but never inside a word, number, code or path."""

from __future__ import annotations

from pathlib import Path

from rich.cells import cell_len
from typer.testing import CliRunner

from pbmcli.cli import app
from pbmcli.cli.output import wrap_cjk


def test_wrap_keeps_words_and_paths_whole() -> None:
    text = ("  未知变量（上下文中没有，渲染时会报错）：不存在、black_list、time_progress、"
            "deadline_cn。请把文件放进 收件/目标申报 后运行 pbm validate 收件/目标申报。")
    lines = wrap_cjk(text, 40)
    assert all(cell_len(line) <= 40 for line in lines)
    assert all(line.startswith("  ") for line in lines)            # the paragraph's indent is kept
    assert "".join("".join(lines).split()) == "".join(text.split())   # nothing lost but blanks
    words = {w for line in lines for w in line.replace("、", " ").replace("。", " ").split()}
    assert {"time_progress", "收件/目标申报", "black_list"} <= {w.strip("：，") for w in words}
    assert not any(line.strip()[0] in "，。、；：）" for line in lines)   # no closing mark first


def test_a_path_wider_than_the_line_is_folded_not_lost() -> None:
    path = "/home/clerk/" + "很长的文件夹名" * 8 + "/申报表.xlsx"
    lines = wrap_cjk(path, 30)
    assert "".join(lines) == path and all(cell_len(line) <= 30 for line in lines)


def _columns(output: str) -> list[str]:
    """The text of each column of a boxed table, its wrapped lines joined."""
    cols: list[str] = []
    for line in output.splitlines():
        if line.startswith("│"):
            cells = line.strip().strip("│").split("│")
            cols += [""] * (len(cells) - len(cols))
            cols = [c + cell.strip() for c, cell in zip(cols, cells, strict=False)] + cols[len(cells):]
    return cols


def test_validate_table_at_80_columns_keeps_every_reason(tmp_path: Path) -> None:
    long_name = "附件材料清单（请各单位按要求补充完整后一并报送财政局绩效股审核）.docx"
    (tmp_path / long_name).write_bytes(b"not a spreadsheet")
    res = CliRunner().invoke(app, ["validate", str(tmp_path)], env={"COLUMNS": "80"}, terminal_width=80)
    assert res.exit_code == 2
    assert "…" not in res.output
    skipped = res.output[res.output.index("路径"):]
    path, reason = _columns(skipped)
    assert path.endswith(long_name)
    assert "".join(reason.split()) == "不是电子表格文件（.docx），已跳过；支持.xlsx、.xlsm、.xls、.ods和.zip"
