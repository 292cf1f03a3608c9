"""The validate and score reports over the examples, byte for byte (paths aside).

Speed work (issue 14) must not change what a clerk is told: the JSON that
``pbm validate`` and ``pbm score`` write for every example submission is kept
under tests/snapshots/ and compared byte for byte.  Only the folder prefix of ``path`` differs between
machines, so it is cut to the part below examples/.

After a deliberate change of findings or scores, look at the diff and update:
PBM_UPDATE_SNAPSHOTS=1 pytest tests/test_output_stable.py
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_notice_markdown import assert_snapshot

ROOT = Path(__file__).resolve().parents[1]
SUBMISSIONS = ROOT / "examples" / "submissions"


def _report(tmp_path: Path, command: str) -> str:
    out = tmp_path / f"{command}.json"
    proc = subprocess.run(
        [sys.executable, "-m", "pbmcli", command, str(SUBMISSIONS), "--format", "json", "-o", str(out),
         "--quiet"],
        capture_output=True, text=True, cwd=tmp_path, env={**os.environ, "PBM_FILE_TIMEOUT": "0"})
    assert proc.returncode == 1, proc.stderr  # the examples hold planted errors
    text = out.read_text("utf-8")
    prefix = (str(SUBMISSIONS) + os.sep).replace("\\", "\\\\")
    assert prefix in text
    return text.replace(prefix, "examples/submissions/")


@pytest.mark.slow
@pytest.mark.parametrize("command", ["validate", "score"])
def test_report_over_examples_is_unchanged(tmp_path: Path, command: str) -> None:
    assert_snapshot(f"{command}-examples.json", _report(tmp_path, command))
