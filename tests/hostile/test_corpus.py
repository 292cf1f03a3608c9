"""Hostile and broken submissions through `pbm validate` and `pbm score`.

Every case puts the hostile file in a folder next to a clean form (of another
project) and asserts the SPECIFIC outcome: the F-code (or rule code) and a key
part of its Chinese message on the hostile file, the clean form still checked,
the exit code of the contract (0/1 for a batch, 2 for an unreadable file given
alone), and never a traceback.  Inputs that may blow up the process or its
memory (bombs, far cells) run in a child process under RLIMIT_AS
(test_isolated.py); the rest run in-process here.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from . import factory as hf
from .conftest import (
    CLEAN_PROJECT,
    Case,
    Corpus,
    Run,
    assert_clean_run,
    entry,
    finding,
    invoke,
    squash,
)


@dataclass(frozen=True)
class Expect:
    """What validate must say about the hostile file."""

    code: str
    text: str  # a key part of the Chinese message
    unreadable: bool = False  # cannot be read as a form: alone it stops the command (exit 2)
    cell: str | None = None  # the cell the finding points at


def long_number_text(folder: Path) -> Path:
    return hf._form(folder / "数字格里一万字.xlsx", amount="长" * 10_000)


BUILDERS = {"long_number_text": long_number_text}

VALIDATE: dict[str, Expect] = {
    "zero_byte": Expect("F008", "0 字节", unreadable=True),
    "truncated_zip": Expect("F001", "损坏", unreadable=True),
    "encrypted": Expect("F002", "密码", unreadable=True),
    "xls_renamed": Expect("F011", "扩展名"),  # read as .xls, the extension reported
    "csv_renamed": Expect("F001", "CSV", unreadable=True),  # not a workbook: an error (F011 is for readable ones)
    "formula_uncached": Expect("F005", "没有保存计算结果", cell="H6"),
    "long_number_text": Expect("F012", "应填数字", cell="D6"),
    "bad_amounts": Expect("F012", "NaN", cell="D6"),
    "text_inf_amount": Expect("F012", "-inf", cell="D6"),
    "nan_number": Expect("F012", "应填数字", cell="D6"),  # <v>NaN</v>: a number cell that is no number
    "inf_amount": Expect("F012", "应填数字", cell="D6"),  # <v>inf</v>
    "date_amount": Expect("F012", "2026-03-01", cell="D6"),
    "negative_amount": Expect("S201", "-90%", cell="G6"),  # rate recomputed from the negative budget
    "hidden_form": Expect("F010", "隐藏"),
    "two_forms": Expect("F010", "多张"),
    "many_merges": Expect("", ""),  # read normally, in reasonable time
}


def build(corpus: Corpus, name: str) -> Case:
    return corpus.case(name, BUILDERS.get(name))


def check_batch(case: Case, exp: Expect, run: Run) -> dict[str, Any]:
    """validate on the folder: the hostile file's finding, the clean form checked, exit 0/1."""
    assert_clean_run(run)
    report = run.json()
    files = report["files"]
    assert len(files) == 2 and not report["skipped"]
    clean = entry(files, case.clean)
    assert (clean["form"], clean["project"], clean["ok"], clean["findings"]) == ("selfeval", CLEAN_PROJECT, True, [])
    hostile = entry(files, case.hostile)
    assert hostile["path"].endswith(case.hostile.name)
    if exp.code:
        hit = finding(hostile, exp.code)
        assert exp.text in hit["message"], hit["message"]
        if exp.cell:
            assert hit["cell"] == exp.cell, hit
        assert len(hit["message"]) < 600, "a finding message must not quote a whole cell"
    if exp.unreadable:
        assert hostile["form"] == "unknown" and hostile["ok"] is False
    else:
        assert hostile["form"] == "selfeval", "the hostile form must still be read"
    assert run.exit_code == (1 if report["summary"]["errors"] else 0)
    return hostile


def check_alone(case: Case, exp: Expect, run: Run) -> None:
    """validate on the hostile file alone: exit 2 with the Chinese reason when unreadable."""
    assert_clean_run(run)
    if exp.unreadable:
        assert run.exit_code == 2
        assert case.hostile.name in squash(run.stderr) and squash(exp.text) in squash(run.stderr)
    else:
        assert run.exit_code in (0, 1)


def check_score(case: Case, exp: Expect, run: Run) -> dict[str, Any]:
    """score on the folder: the clean form scored, the hostile file reported, exit per findings."""
    assert_clean_run(run)
    report = run.json()
    results = report["results"]
    clean = entry(results, case.clean)
    assert clean["total"] == 99.0 and clean["grade"] == "优"
    hostile = entry(results, case.hostile)
    if exp.unreadable:
        hit = finding(hostile, exp.code)
        assert exp.text in hit["message"] and hostile["total"] is None
    errors = any(f["severity"] == "error" for r in results for f in r["findings"])
    assert run.exit_code == (1 if errors or exp.unreadable else 0), "an unreadable file fails the batch"
    return hostile


@pytest.mark.parametrize("name", VALIDATE)
def test_validate_batch_goes_on(name: str, corpus: Corpus) -> None:
    case = build(corpus, name)
    started = time.monotonic()
    run = invoke("validate", "-q", "-j", "1", "--format", "json", case.folder)
    assert time.monotonic() - started < 20
    check_batch(case, VALIDATE[name], run)


@pytest.mark.parametrize("name", VALIDATE)
def test_validate_alone(name: str, corpus: Corpus) -> None:
    case = build(corpus, name)
    check_alone(case, VALIDATE[name], invoke("validate", "-q", case.hostile))


# what score must say about the readable hostile files (unreadable ones: the F-code, as validate)
SCORE_READABLE = {
    "xls_renamed": ("X307", None),  # the .xls stub has no funds table: execution not computable
    "formula_uncached": (None, 99.0),  # H6 has no cached value: recomputed, self score unknown
    "bad_amounts": ("X309", 99.0),  # 全年预算数 is text: the initial budget is used
    "negative_amount": ("X301", 90.0),  # self total 99 vs recomputed 90: inflated
    "hidden_form": (None, 99.0),
    "two_forms": (None, 99.0),
    "many_merges": (None, 99.0),
}


@pytest.mark.parametrize("name", [n for n, e in VALIDATE.items() if e.unreadable or n in SCORE_READABLE])
def test_score_batch_goes_on(name: str, corpus: Corpus) -> None:
    case = build(corpus, name)
    run = invoke("score", "-q", "-j", "1", "--format", "json", case.folder)
    hostile = check_score(case, VALIDATE[name], run)
    if name in SCORE_READABLE:
        code, total = SCORE_READABLE[name]
        if code:
            finding(hostile, code)
        assert hostile["total"] == total
    if name == "formula_uncached":
        assert hostile["execution"]["self_score"] is None  # unknown, never read as 0


def test_formula_without_cache_is_not_guessed_in_score(corpus: Corpus) -> None:
    case = build(corpus, "formula_uncached")
    run = invoke("score", "-q", "--format", "json", case.hostile)
    assert_clean_run(run)
    assert run.json()["results"][0]["execution"]["score"] == 9.0  # recomputed, not the formula


def test_many_merges_are_read_in_reasonable_time(corpus: Corpus) -> None:
    from pbmcli.readers import read_submission

    case = build(corpus, "many_merges")
    started = time.monotonic()
    sub = read_submission(case.hostile)
    assert time.monotonic() - started < 10
    assert sub.project == "农村公路养护" and len(sub.indicators) == 5


def test_long_cell_text_is_shortened_in_messages(corpus: Corpus) -> None:
    case = build(corpus, "long_number_text")
    run = invoke("validate", "-q", "--format", "json", case.hostile)
    hit = finding(run.json()["files"][0], "F012")
    assert hit["message"].count("长") < 300 and "长长长" in hit["message"]
    table = invoke("validate", "-q", case.hostile)
    assert_clean_run(table)
    assert table.stdout.count("长") < 2_000  # the table does not print the 10,000 characters


def test_injection_text_is_data_not_a_crash(corpus: Corpus) -> None:
    case = corpus.case("injection_form")
    run = invoke("validate", "-q", "--format", "json", case.folder)
    check_batch(case, Expect("I108", "+1+1", cell="E13"), run)
    hostile = entry(run.json()["files"], case.hostile)
    assert hostile["project"] == hf.INJECTION["project"] and hostile["unit"] == hf.INJECTION["unit"]


def long_values(folder: Path) -> Path:
    """An unreadable 13,500-character target and a 9,000-character actual value."""
    import xlsxwriter

    p = folder / "超长指标值.xlsx"
    wb = xlsxwriter.Workbook(str(p))
    ws = wb.add_worksheet("自评表")
    hf._write_selfeval(ws, big_text=None, amount=100.0)
    ws.write_string("E13", "不少于100公里且" * 1500)
    ws.write_string("F14", "完成了" * 3000 + "92%")
    wb.close()
    return p


def test_long_values_are_shortened_in_every_message(corpus: Corpus) -> None:
    case = corpus.case("long_values", long_values)
    checked = invoke("validate", "-q", "--format", "json", case.hostile)
    scored = invoke("score", "-q", "--format", "json", case.hostile)
    findings = checked.json()["files"][0]["findings"] + scored.json()["results"][0]["findings"]
    quoting = [f for f in findings if "不少于100公里且" in f["message"] or "完成了完成了" in f["message"]]
    assert {f["code"] for f in quoting} >= {"I108", "S212"}
    assert all(len(f["message"]) < 600 for f in quoting), [len(f["message"]) for f in quoting]
