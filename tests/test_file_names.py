"""File names at the edges (issue 16, item 11): a name close to the 255-byte limit can be
written (the temporary name fits as well), and a name holding control characters (a newline,
a vertical tab, ESC) still gets its annotated copy."""

from __future__ import annotations

import os
from pathlib import Path

import openpyxl
import pytest

try:
    from tests.hostile import factory as hf
    from tests.hostile.conftest import assert_clean_run, invoke
except ImportError:
    from hostile import factory as hf  # type: ignore[no-redef]
    from hostile.conftest import assert_clean_run, invoke  # type: ignore[no-redef]

from pbmcli.fileio import write_text

LONG = "很" * 80 + ".xlsx"  # 245 bytes in UTF-8


def test_an_output_name_of_252_bytes_is_written(tmp_path: Path) -> None:
    target = tmp_path / ("长" * 83 + ".md")
    assert len(os.fsencode(target.name)) == 252  # the limit is 255
    write_text(target, "内容")
    assert target.read_text("utf-8") == "内容"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_a_245_byte_form_name_gets_its_report_and_annotated_copy(tmp_path: Path) -> None:
    forms = tmp_path / "forms"
    forms.mkdir()
    hf._form(forms / LONG, amount=-100.0)
    out = tmp_path / "输出"
    run = invoke("validate", "-q", "-j", "1", "--format", "json", "-o", out / LONG.replace(".xlsx", ".json"),
                 "--annotate", out / "批注", forms)
    assert_clean_run(run)
    assert run.exit_code == 1 and run.stderr == "", run.stderr
    assert (out / "批注" / LONG).is_file() and (out / LONG.replace(".xlsx", ".json")).is_file()


@pytest.mark.parametrize("char", ["\n", "\x0b", "\x1b"], ids=["newline", "vertical-tab", "escape"])
def test_a_name_with_a_control_character_gets_its_annotated_copy(char: str, tmp_path: Path) -> None:
    forms = tmp_path / "forms"
    forms.mkdir()
    hf._form(forms / f"第一{char}行.xlsx", amount=-100.0)
    out = tmp_path / "批注"
    run = invoke("validate", "-q", "-j", "1", "--format", "json", "--annotate", out, forms)
    assert_clean_run(run)
    assert run.exit_code == 1 and "IllegalCharacter" not in run.stderr and run.stderr == "", run.stderr
    copy = out / "第一_行.xlsx"
    assert copy.is_file(), list(out.iterdir())
    assert openpyxl.load_workbook(copy)["审核意见"]["A1"].value == "审核意见：第一_行.xlsx"
