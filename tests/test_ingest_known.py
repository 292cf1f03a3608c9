"""Re-ingesting files the ledger already holds hashes them and stops there: no reading,
checking or scoring again (issue 14: an unchanged folder of 10,000 files re-ingests in a
fraction of the first time)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pbmcli.config import default_pack
from pbmcli.ledger.store import Ledger
from pbmcli.ledger.workspace import ingest

GOALS = Path(__file__).resolve().parents[1] / "examples" / "submissions" / "2026" / "目标申报"


def test_known_files_are_not_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "收件"
    folder.mkdir()
    for name in ("县水利局-2026年农村饮水安全维修养护-绩效目标申报表.xlsx", "民政局-特困人员救助供养-申报表.xlsx"):
        shutil.copy(GOALS / name, folder / name)
    pack = default_pack()
    with Ledger.open(tmp_path / "pbm.sqlite") as led:
        first = ingest(led, [folder], "2026", pack)
        assert [i.status for i in first.items] == ["new", "new"]

        import pbmcli.readers

        def never(*args: object, **kw: object) -> None:
            raise AssertionError("a recorded file was read again")

        monkeypatch.setattr(pbmcli.readers, "read_submission", never)
        again = ingest(led, [folder], "2026", pack)
        elsewhere = ingest(led, [folder], "2025", pack)
    assert [i.status for i in again.items] == ["duplicate", "duplicate"]
    # the line shows what the ledger holds: unit, project, counts, and no note for the same period
    assert [(i.unit, i.project, i.errors, i.note) for i in again.items] == \
           [(i.unit, i.project, i.errors, "") for i in first.items]
    assert all("已按 2026 期间记入台账" in i.note for i in elsewhere.items)
