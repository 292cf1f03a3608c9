"""Archives and the file system: escaping member paths, GBK names, files that vanish,
zip limits, and the XML defences that must be active."""

from __future__ import annotations

import io
import json
import os
import sys
import zipfile
from pathlib import Path

import pytest

from pbmcli import deadline
from pbmcli.readers import limits

from . import factory as hf
from .conftest import CLEAN_PROJECT, Corpus, assert_clean_run, entry, finding, invoke, squash


def _limit(monkeypatch: pytest.MonkeyPatch, name: str, value: int) -> None:
    """Lower a reading limit wherever a reader module imported it."""
    import importlib
    import pkgutil

    import pbmcli.readers as pkg

    for info in pkgutil.iter_modules(pkg.__path__):
        module = importlib.import_module(f"pbmcli.readers.{info.name}")
        if hasattr(module, name):
            monkeypatch.setattr(module, name, value)


def _files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


def _negative_form(path: Path) -> Path:
    return hf._form(path, amount=-100.0)  # a form with error findings, so copies are annotated


def test_escaping_member_paths_are_listed_as_skipped_and_never_written(tmp_path: Path) -> None:
    """Members named ../…, /… or ..\\… are no forms a unit packed: each is listed as skipped
    under the name it has (was: read as clean forms shown under those names)."""
    inbox = tmp_path / "a" / "b" / "收件 箱"
    inbox.mkdir(parents=True)
    archive = hf.evil_zip(inbox, base=_negative_form)
    clean = hf._form(inbox / "干净.xlsx", big_text=CLEAN_PROJECT)
    out = tmp_path / "a" / "b" / "批注 副本"
    before = _files(tmp_path)
    archive_bytes = archive.read_bytes()
    assert not Path("/tmp/pbm_绝对路径.xlsx").exists()

    run = invoke("validate", "-q", "-j", "1", "--format", "json", "--annotate", out, inbox)

    assert_clean_run(run)
    assert run.exit_code == 0, run.stderr
    report = run.json()
    assert [f for f in report["files"] if ".zip/" in f["path"]] == []
    skipped = {s["path"].split(".zip/", 1)[1]: s["reason"] for s in report["skipped"] if ".zip/" in s["path"]}
    assert sorted(skipped) == sorted(m.replace("\\", "/") for m in hf.EVIL_MEMBERS)
    assert all("绝对路径或上级目录" in reason for reason in skipped.values())
    assert entry(report["files"], clean)["ok"] is True
    assert _files(tmp_path) == before  # no annotated copy: nothing with errors was read
    assert not Path("/tmp/pbm_绝对路径.xlsx").exists()
    assert not any("逃逸" in p.name for p in (tmp_path / "a").iterdir())
    assert archive.read_bytes() == archive_bytes


def test_gbk_member_names_are_decoded_in_the_report(corpus: Corpus) -> None:
    case = corpus.case("gbk_zip")
    run = invoke("validate", "-q", "-j", "1", "--format", "json", case.folder)
    assert_clean_run(run)
    paths = [f["path"] for f in run.json()["files"]]
    assert any(p.endswith("乡镇报送.zip/城关镇/自评表.xlsx") for p in paths)
    assert any(p.endswith("乡镇报送.zip/青山镇/自评表.xlsx") for p in paths)
    table = invoke("validate", "-q", case.folder)
    assert "城关镇" in squash(table.stdout + table.stderr)


def test_file_removed_while_the_batch_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pbmcli.readers import inputs

    folder = tmp_path / "收表"
    folder.mkdir()
    gone = hf._form(folder / "a_会被删除.xlsx")
    kept = hf._form(folder / "b_留下.xlsx", big_text=CLEAN_PROJECT)
    real_expand = inputs.expand

    def expand_then_delete(paths):  # the clerk moves the file away after pbm listed it
        found = real_expand(paths)
        gone.unlink()
        return found

    monkeypatch.setattr(inputs, "expand", expand_then_delete)
    run = invoke("validate", "-q", "-j", "1", "--format", "json", folder)
    assert_clean_run(run)
    assert run.exit_code == 1
    files = run.json()["files"]
    hit = finding(entry(files, gone), "F001")
    assert "被移走或删除" in hit["message"]
    assert entry(files, kept)["ok"] is True


def test_zip_member_count_limit_is_enforced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert limits.MAX_MEMBERS >= 1_000
    _limit(monkeypatch, "MAX_MEMBERS", 50)  # the real limit (10,000) works the same way
    archive = hf.zip_many_members(tmp_path, 51)
    run = invoke("validate", "-q", "--format", "json", archive, hf._form(tmp_path / "干净.xlsx"))
    assert_clean_run(run)
    skipped = run.json()["skipped"]
    assert len(skipped) == 1 and "文件数 51 超过上限 50" in skipped[0]["reason"]


def test_zip_member_size_is_checked_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The declared size is checked first; a member lying about its size is cut at the limit."""
    form = hf._form(tmp_path / "表.xlsx").read_bytes()
    archive = tmp_path / "包.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("大.xlsx", form)
    _limit(monkeypatch, "MAX_MEMBER_BYTES", 1_000)
    read = []
    real_open = zipfile.ZipFile.open

    def spy(self, name, *a, **kw):  # noqa: ANN001 - zipfile's own signature
        read.append(name)
        return real_open(self, name, *a, **kw)

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    run = invoke("validate", "-q", "--format", "json", archive)
    assert_clean_run(run)
    report = run.json()
    text = json.dumps(report, ensure_ascii=False)
    assert "F009" in text or "超过" in text
    assert not read, "no member may be decompressed once its declared size is over the limit"


def test_total_uncompressed_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    form = hf._form(tmp_path / "表.xlsx").read_bytes()
    archive = tmp_path / "多.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for i in range(5):
            z.writestr(f"{i}.xlsx", form)
    _limit(monkeypatch, "MAX_TOTAL_BYTES", 4 * len(form))
    run = invoke("validate", "-q", "--format", "json", archive)
    assert_clean_run(run)
    assert "超过上限" in run.json()["skipped"][0]["reason"]


def test_the_readme_states_the_limits_the_code_applies() -> None:
    """The 读取上限 table of the README (written for clerks) names the numbers limits.py uses:
    a change to either without the other fails here."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")
    table = readme[readme.index("### 读取上限"):readme.index("### 保证")]
    mb = 1024 * 1024
    stated = {
        "单个文件大小 | 100 MB": 100 * mb == limits.MAX_FILE_BYTES,
        "中的文件数 | 10,000 个": limits.MAX_MEMBERS == 10_000,
        "单个文件解压后的大小 | 50 MB": 50 * mb == limits.MAX_MEMBER_BYTES,
        "全部文件解压后合计 | 200 MB": 200 * mb == limits.MAX_TOTAL_BYTES,
        "前 5,000 行 × 200 列": (limits.MAX_ROWS, limits.MAX_COLS) == (5_000, 200),
        "处理时间（validate、score、ingest": True,
        "| 60 秒；用环境变量 `PBM_FILE_TIMEOUT`": deadline.FILE_SECONDS == 60
        and deadline.FILE_SECONDS_ENV == "PBM_FILE_TIMEOUT",
    }
    for text, applies in stated.items():
        assert text in table and applies, text


def test_defusedxml_is_a_dependency_and_active_for_openpyxl() -> None:
    import tomllib

    import defusedxml  # noqa: F401 - installed
    import openpyxl.xml

    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    deps = tomllib.loads(pyproject.read_text("utf-8"))["project"]["dependencies"]
    assert any(d.replace(" ", "").startswith("defusedxml") for d in deps)
    assert openpyxl.xml.DEFUSEDXML is True


def test_openpyxl_refuses_an_entity_bomb(corpus: Corpus) -> None:
    """The annotate writer and templates use openpyxl: with defusedxml it refuses DTD entities."""
    import openpyxl

    case = corpus.case("laughs_shared_strings")
    with pytest.raises(Exception) as exc:
        openpyxl.load_workbook(io.BytesIO(case.hostile.read_bytes()))
    chain, err = [], exc.value
    while err is not None:
        chain.append(type(err).__name__)
        err = err.__cause__ or err.__context__
    assert "EntitiesForbidden" in chain


def test_paths_with_chinese_and_spaces(tmp_path: Path) -> None:
    folder = tmp_path / "2026 年 自评" / "城关 镇"
    folder.mkdir(parents=True)
    form = hf._form(folder / "自评 表 (终稿).xlsx")
    out = tmp_path / "输出 结果" / "审核 报告.xlsx"
    run = invoke("validate", "-q", "--format", "xlsx", "-o", out, folder)
    assert_clean_run(run)
    assert run.exit_code == 0 and out.is_file()
    run = invoke("validate", "-q", "--format", "json", os.path.relpath(form))
    assert run.json()["files"][0]["ok"] is True


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs a file system that stores raw bytes")
def test_file_names_in_gbk_bytes(tmp_path: Path) -> None:
    """A Windows zip unpacked with Linux `unzip` leaves GBK bytes as file names.  The report
    shows the decoded Chinese name, and no lone surrogate reaches a report file or the ledger."""
    folder = tmp_path / "收表"
    folder.mkdir()
    raw = os.path.join(os.fsencode(folder), "负数金额.xlsx".encode("gbk"))
    hf._form(Path(os.fsdecode(raw)), amount=-100.0)
    for fmt in ("json", "csv", "md", "xlsx"):
        out = tmp_path / f"报告.{fmt}"
        run = invoke("validate", "-q", "-j", "1", "--format", fmt, "-o", out, folder)
        assert_clean_run(run)
        assert run.exit_code == 1 and out.is_file()
    assert "负数金额.xlsx" in (tmp_path / "报告.json").read_text("utf-8")
    run = invoke("validate", "-q", "--annotate", tmp_path / "批注", folder)
    assert_clean_run(run)
    assert "未能生成" not in run.stderr and len(list((tmp_path / "批注").rglob("*.xlsx"))) == 1
    assert_clean_run(invoke("ingest", folder, "-p", "2026", "--db", tmp_path / "台账.sqlite"))
