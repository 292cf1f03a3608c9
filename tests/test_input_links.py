"""A linked subfolder of a submissions folder (issue 16, item 17): not followed (it may lead
anywhere, or back up the tree) and not silently dropped: listed as skipped with the reason."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

try:
    from tests.hostile import factory as hf
    from tests.hostile.conftest import assert_clean_run, invoke
except ImportError:
    from hostile import factory as hf  # type: ignore[no-redef]
    from hostile.conftest import assert_clean_run, invoke  # type: ignore[no-redef]

from pbmcli.readers.inputs import expand


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    """收件/县教育局/ holds a form; 收件/县财政局 links to a folder elsewhere holding another;
    收件/回环 links back to 收件 itself."""
    elsewhere = tmp_path / "别处"
    elsewhere.mkdir()
    hf._form(elsewhere / "财政局自评表.xlsx", big_text="项目甲")
    inbox = tmp_path / "收件"
    (inbox / "县教育局").mkdir(parents=True)
    hf._form(inbox / "县教育局" / "教育局自评表.xlsx", big_text="项目乙")
    try:
        os.symlink(elsewhere, inbox / "县财政局", target_is_directory=True)
        os.symlink(inbox, inbox / "回环", target_is_directory=True)
    except OSError as exc:  # Windows without the privilege to make links
        pytest.skip(f"cannot make a folder link here: {exc}")
    return inbox


def test_a_linked_subfolder_is_listed_as_skipped(inbox: Path) -> None:
    items, skipped = expand([inbox])
    assert [Path(i.display).name for i in items] == ["教育局自评表.xlsx"]
    assert sorted(Path(s.display).name for s in skipped) == ["县财政局", "回环"]
    assert all("文件夹链接" in s.reason and "实际路径" in s.reason for s in skipped)


@pytest.mark.skipif(sys.platform == "win32", reason="link creation is checked by the fixture")
def test_validate_reports_the_linked_subfolder(inbox: Path) -> None:
    run = invoke("validate", "-q", "-j", "1", "--format", "json", inbox)
    assert_clean_run(run)
    report = run.json()
    assert [Path(f["path"]).name for f in report["files"]] == ["教育局自评表.xlsx"]
    assert {Path(s["path"]).name for s in report["skipped"]} == {"县财政局", "回环"}
