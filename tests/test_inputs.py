"""Input expansion: files, folders, zips (GBK names, hostile member paths), skips, limits."""

from __future__ import annotations

import contextlib
import json
import os
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from factory import make_goal, make_selfeval

from pbmcli.errors import InputError
from pbmcli.readers import inputs, read_submission
from pbmcli.readers.inputs import InputItem, expand, read_bytes


@pytest.fixture(scope="module")
def form_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return make_selfeval(tmp_path_factory.mktemp("src") / "src.xlsx").read_bytes()


def _gbk_zip(path: Path, members: dict[str, bytes]) -> Path:
    """A Windows-style zip: GBK member names, no UTF-8 flag (as WinRAR / Explorer write them).

    zipfile always writes non-ASCII names as UTF-8, so ASCII placeholders of the same
    byte length are written and then replaced by the GBK bytes."""
    names = {f"{n:0{len(name.encode('gbk'))}d}"[-len(name.encode("gbk")):]: name
             for n, name in enumerate(members, start=10**6)}
    with zipfile.ZipFile(path, "w") as z:
        for holder, name in names.items():
            z.writestr(holder, members[name])
    raw = path.read_bytes()
    for holder, name in names.items():
        raw = raw.replace(holder.encode(), name.encode("gbk"))
    path.write_bytes(raw)
    return path


def test_folder_is_walked_sorted_with_skips(tmp_path: Path, form_bytes: bytes) -> None:
    root = tmp_path / "报送"
    (root / "乙镇").mkdir(parents=True)
    (root / "甲局").mkdir()
    (root / "乙镇" / "自评表.xlsx").write_bytes(form_bytes)
    (root / "甲局" / "b.xlsx").write_bytes(form_bytes)
    (root / "甲局" / "a.XLSX").write_bytes(form_bytes)
    (root / "甲局" / "~$a.xlsx").write_bytes(b"lock")
    (root / "甲局" / "说明.docx").write_bytes(b"doc")
    (root / "甲局" / ".DS_Store").write_bytes(b"x")
    items, skipped = expand([root])
    shown = [Path(i.display).relative_to(root).as_posix() for i in items]
    assert shown == ["乙镇/自评表.xlsx", "甲局/a.XLSX", "甲局/b.xlsx"]
    assert expand([root])[0] == items  # deterministic
    reasons = {Path(s.display).name: s.reason for s in skipped}
    assert "锁定文件" in reasons["~$a.xlsx"]
    assert "不是电子表格" in reasons["说明.docx"]
    assert ".DS_Store" in reasons


def test_gbk_zip_members_are_decoded_and_read(tmp_path: Path, form_bytes: bytes) -> None:
    archive = _gbk_zip(tmp_path / "乡镇报送.zip", {"城关镇/自评表.xlsx": form_bytes,
                                                    "青山镇/自评表.xlsx": form_bytes,
                                                    "青山镇/~$自评表.xlsx": b"lock",
                                                    "__MACOSX/._x.xlsx": b"junk"})
    items, skipped = expand([archive])
    assert [i.display for i in items] == [f"{archive}/城关镇/自评表.xlsx", f"{archive}/青山镇/自评表.xlsx"]
    assert len(skipped) == 2
    sub = read_submission(items[1])
    assert sub.path == f"{archive}/青山镇/自评表.xlsx"
    assert sub.project == "农村公路养护工程"
    import hashlib

    assert sub.sha256 == hashlib.sha256(form_bytes).hexdigest()


def test_utf8_zip_names_are_kept(tmp_path: Path, form_bytes: bytes) -> None:
    archive = tmp_path / "a.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("教育局/目标表.xlsx", form_bytes)
    items, _ = expand([archive])
    assert items[0].display.endswith("教育局/目标表.xlsx")


def test_hostile_member_paths_never_touch_the_disk(tmp_path: Path, form_bytes: bytes) -> None:
    work = tmp_path / "in"
    work.mkdir()
    archive = work / "恶意.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("../../逃逸.xlsx", form_bytes)
        z.writestr("/tmp/绝对路径.xlsx", form_bytes)
        z.writestr("嵌套.zip", b"PK")
    before = sorted(p.name for p in tmp_path.rglob("*"))
    items, skipped = expand([archive])
    assert items == []  # no zip tool names members so: listed as skipped, under those names
    assert [s.display.removeprefix(f"{archive}/") for s in skipped] == ["../../逃逸.xlsx", "/tmp/绝对路径.xlsx", "嵌套.zip"]
    assert all("绝对路径或上级目录" in s.reason for s in skipped[:2])
    assert sorted(p.name for p in tmp_path.rglob("*")) == before
    assert not Path("/tmp/绝对路径.xlsx").exists()
    assert skipped[2].reason.startswith("压缩包中的压缩包")


def test_missing_paths_and_duplicates(tmp_path: Path, form_bytes: bytes) -> None:
    f = tmp_path / "a.xlsx"
    f.write_bytes(form_bytes)
    items, skipped = expand([f, tmp_path, tmp_path / "没有.xlsx"])
    assert [i.path for i in items] == [f]
    assert skipped[-1].display.endswith("没有.xlsx") and "不存在" in skipped[-1].reason


def test_explicit_odd_file_is_read_and_fails_with_a_code(tmp_path: Path) -> None:
    f = tmp_path / "数据.csv"
    f.write_text("单位,金额\n甲,1\n", encoding="utf-8")
    items, skipped = expand([f])
    assert items and not skipped
    with pytest.raises(InputError) as exc:
        read_submission(items[0])
    assert exc.value.code == "F001" and "CSV" in exc.value.reason  # unreadable: an error, not F011's warning


def test_corrupt_zip_is_skipped_with_a_reason(tmp_path: Path) -> None:
    bad = tmp_path / "坏.zip"
    bad.write_bytes(b"PK\x03\x04 not really")
    items, skipped = expand([bad])
    assert not items and "损坏" in skipped[0].reason


def test_file_removed_between_expand_and_read(tmp_path: Path, form_bytes: bytes) -> None:
    f = tmp_path / "a.xlsx"
    f.write_bytes(form_bytes)
    archive = _gbk_zip(tmp_path / "b.zip", {"x.xlsx": form_bytes})
    items, _ = expand([f, archive])
    f.unlink()
    archive.unlink()
    for item in items:
        with pytest.raises(InputError) as exc:
            read_bytes(item)
        assert exc.value.code == "F001" and "被移走或删除" in exc.value.reason


def test_size_limits(tmp_path: Path, form_bytes: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    f = tmp_path / "a.xlsx"
    f.write_bytes(form_bytes)
    archive = _gbk_zip(tmp_path / "b.zip", {"x.xlsx": form_bytes})
    monkeypatch.setattr(inputs, "MAX_FILE_BYTES", 100)
    monkeypatch.setattr(inputs, "MAX_MEMBER_BYTES", 100)
    with pytest.raises(InputError) as exc:
        read_bytes(InputItem("a.xlsx", f))
    assert exc.value.code == "F009"
    with pytest.raises(InputError) as exc:
        read_bytes(InputItem("b.zip/x.xlsx", archive, "x.xlsx"))
    assert exc.value.code == "F009"


def test_goal_and_selfeval_in_one_folder(tmp_path: Path) -> None:
    make_goal(tmp_path / "1目标.xlsx")
    make_selfeval(tmp_path / "2自评.xlsx")
    items, _ = expand([tmp_path])
    assert [read_submission(i).kind.value for i in items] == ["goal", "selfeval"]


def test_zip_members_with_backslash_paths_are_read(tmp_path):
    import zipfile

    from pbmcli.readers.inputs import expand

    archive = tmp_path / "windows.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("城关镇\\自评表.xlsx", b"PK")
        zf.writestr("..\\..\\逃逸.xlsx", b"PK")
    items, skipped = expand([archive])
    assert [i.display.rsplit("/", 1)[-1] for i in items] == ["自评表.xlsx"]
    assert [s.display.rsplit(".zip/", 1)[-1] for s in skipped] == ["../../逃逸.xlsx"]


# ---------------------------------------------------------------- files that are not regular files

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")


@pytest.fixture
def unblock() -> Iterator[list[Path]]:
    """Pipes listed here are opened for writing every second, so a reader stuck on one (the bug
    these tests catch) gets end-of-file and the test fails instead of hanging."""
    pipes: list[Path] = []
    stop = threading.Event()

    def run() -> None:
        while not stop.wait(1):
            for pipe in pipes:
                with contextlib.suppress(OSError):  # no reader waiting: nothing to unblock
                    os.close(os.open(pipe, os.O_WRONLY | os.O_NONBLOCK))

    threading.Thread(target=run, daemon=True).start()
    yield pipes
    stop.set()


def _specials(root: Path, unblock: list[Path]) -> list[str]:
    """Named pipes called *.xlsx and *.zip and a link to a device, beside a real form."""
    for name in ("管道.xlsx", "管道.zip"):
        os.mkfifo(root / name)
        unblock.append(root / name)
    os.symlink(os.devnull, root / "设备.xlsx")
    return ["管道.xlsx", "管道.zip", "设备.xlsx"]


@needs_fifo
def test_special_files_are_skipped_with_a_reason(tmp_path: Path, form_bytes: bytes, unblock: list[Path]) -> None:
    (tmp_path / "表.xlsx").write_bytes(form_bytes)
    names = _specials(tmp_path, unblock)
    items, skipped = expand([tmp_path, tmp_path / "管道.xlsx"])
    assert [Path(i.display).name for i in items] == ["表.xlsx"]
    reasons = {Path(s.display).name: s.reason for s in skipped}
    assert sorted(reasons) == sorted(names)
    assert all("不是普通文件" in r and "已跳过" in r for r in reasons.values()), reasons


@needs_fifo
def test_a_file_replaced_by_a_pipe_after_listing_is_f001(tmp_path: Path, form_bytes: bytes,
                                                          unblock: list[Path]) -> None:
    f = tmp_path / "a.xlsx"
    f.write_bytes(form_bytes)
    archive = _gbk_zip(tmp_path / "b.zip", {"x.xlsx": form_bytes})
    items, _ = expand([f, archive])
    for path in (f, archive):
        path.unlink()
        os.mkfifo(path)
        unblock.append(path)
    for item in items:
        with pytest.raises(InputError) as exc:
            read_bytes(item)
        assert exc.value.code == "F001" and "不是普通文件" in exc.value.reason


@needs_fifo
def test_validate_score_and_ingest_skip_special_files(tmp_path: Path, form_bytes: bytes, unblock: list[Path],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from pbmcli.cli import app

    root = tmp_path / "收件"
    root.mkdir()
    (root / "表.xlsx").write_bytes(form_bytes)
    names = _specials(root, unblock)
    monkeypatch.chdir(tmp_path)
    runs = {cmd: CliRunner().invoke(app, [cmd, str(root), *extra, "--format", "json"])
            for cmd, extra in (("validate", ["-q"]), ("score", ["-q"]), ("ingest", ["--period", "2026"]))}
    for cmd, res in runs.items():
        assert res.exit_code in (0, 1), (cmd, res.stderr)
        assert res.exception is None or isinstance(res.exception, SystemExit), (cmd, res.exception)
        data = json.loads(res.stdout)
        skipped = {Path(s["path"]).name: s["reason"] for s in data["skipped"]}
        assert sorted(skipped) == sorted(names) and all("不是普通文件" in r for r in skipped.values()), (cmd, skipped)
    assert [Path(f["path"]).name for f in json.loads(runs["validate"].stdout)["files"]] == ["表.xlsx"]
    assert [i["status"] for i in json.loads(runs["ingest"].stdout)["items"]] == ["new"]
