"""`pbm demo` works from an installed wheel, in any folder, without the source checkout.

The wheel is built from a copy of the project (no network: the setuptools of this
environment builds it), installed without dependencies into a fresh virtual environment
whose only link back here is a .pth file naming this environment's site-packages (so the
dependencies import, but pbmcli can only come from the wheel), and `pbm demo` is run in an
empty folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# what the build reads; everything else (.git, .venv, build/, caches) stays behind
BUILD_INPUTS = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "pbmcli", "report_templates", "examples")


def _run(args: list[str | Path], cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["PYTHONIOENCODING"] = "utf-8"
    proc = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True,
                          encoding="utf-8", errors="replace", timeout=timeout)
    assert proc.returncode == 0, f"{args}\n{proc.stdout}\n{proc.stderr}"
    return proc


def _build_wheel(tmp: Path) -> Path:
    src, dist = tmp / "src", tmp / "dist"
    junk = shutil.ignore_patterns("__pycache__")
    src.mkdir()
    for name in BUILD_INPUTS:
        if not (ROOT / name).exists():
            continue
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=junk)
        else:
            shutil.copy2(ROOT / name, src / name)
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
          "--no-cache-dir", "-q", "-w", dist, src], cwd=tmp)
    (wheel,) = dist.glob("pbm-*.whl")
    return wheel


def _fresh_venv(tmp: Path, wheel: Path) -> Path:
    venv = tmp / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=tmp)
    python = venv / "bin" / "python"
    _run([sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps", "--no-index",
          wheel], cwd=tmp)
    site = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                     cwd=tmp).stdout.strip())
    # the dependencies come from this environment; .pth files there (our editable install) are not run
    deps = dict.fromkeys(sysconfig.get_paths()[k] for k in ("purelib", "platlib"))
    (site / "pbm-test-deps.pth").write_text("".join(f"{p}\n" for p in deps), "utf-8")
    return venv


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="venv layout (bin/) of POSIX")
def test_demo_runs_from_an_installed_wheel_in_an_empty_folder(tmp_path: Path):
    wheel = _build_wheel(tmp_path)
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
    assert not [n for n in names if n.endswith(("generate_examples.py", "planted.json"))]
    venv = _fresh_venv(tmp_path, wheel)
    empty = tmp_path / "空文件夹"
    empty.mkdir()
    where = _run([venv / "bin" / "python", "-c", "import pbmcli; print(pbmcli.__file__)"], cwd=empty)
    assert Path(where.stdout.strip()).resolve().is_relative_to(venv.resolve()), where.stdout
    run = _run([venv / "bin" / "pbm", "demo", "--date", "2026-11-22"], cwd=empty, timeout=600)
    used = next(line for line in run.stderr.splitlines() if line.startswith("示例数据："))
    assert Path(used.removeprefix("示例数据：")).resolve().is_relative_to(venv.resolve()), used
    out = empty / "pbm-demo"
    notices = list((out / "05-通报").glob("*.docx"))
    assert len(notices) >= 3, notices  # monthly, quarterly, annual
    assert list((out / "05-通报" / "退回修改意见").glob("*.docx"))
    assert (out / "04-排名" / "年度综合排名.xlsx").is_file()
    assert (out / "04-排名" / "三季度综合排名.xlsx").is_file()
