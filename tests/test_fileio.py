from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from pbmcli.errors import OutputExistsError
from pbmcli.fileio import atomic_path, safe_cell_text, write_text


def test_write_refuses_existing_file_without_force(tmp_path: Path):
    target = tmp_path / "报告.md"
    write_text(target, "一")
    with pytest.raises(OutputExistsError, match="--force"):
        write_text(target, "二")
    assert target.read_text("utf-8") == "一"
    write_text(target, "二", force=True)
    assert target.read_text("utf-8") == "二"


def test_failed_write_leaves_no_partial_file(tmp_path: Path):
    target = tmp_path / "out.xlsx"
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("disk full")
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_written_file_gets_normal_permissions(tmp_path: Path):
    old = os.umask(0o022)
    try:
        path = write_text(tmp_path / "a.txt", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


@pytest.mark.parametrize(("value", "shown"), [
    ("=1+1", "'=1+1"), ("+86", "'+86"), ("-3", "'-3"), ("@SUM(A1)", "'@SUM(A1)"),
    ("正常文本", "正常文本"), (12.5, 12.5), (-3.0, -3.0),
])
def test_formula_injection_guard(value, shown):
    assert safe_cell_text(value) == shown


def test_a_folder_that_cannot_be_written_is_named_not_pbms_marker_file(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from pbmcli import fileio
    from pbmcli.errors import PbmError

    def read_only(path: str | Path, data: bytes, force: bool = False) -> Path:
        raise OSError(errno.EROFS, "Read-only file system", str(path))

    monkeypatch.setattr(fileio, "write_bytes", read_only)
    with pytest.raises(PbmError) as caught, fileio.output_set(tmp_path, [tmp_path / "甲单位.docx"], False):
        pass
    message = str(caught.value)
    assert f"无法写入 {tmp_path}：磁盘或文件夹是只读的" in message and fileio.MARKER not in message
