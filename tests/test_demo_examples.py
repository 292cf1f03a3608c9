"""Where `pbm demo` finds its sample county, and that the wheel carries every file it reads.

The end-to-end check (build the wheel, install it, run the demo in an empty folder) is the
slow test in test_wheel.py; these run in the quick suite.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from pbmcli import demo
from pbmcli.errors import UsageError

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def _shipped() -> set[Path]:
    """The example files setup.py copies into the wheel (its DEMO_FILES patterns)."""
    tree = ast.parse((ROOT / "setup.py").read_text("utf-8"))
    (patterns,) = [ast.literal_eval(node.value) for node in tree.body if isinstance(node, ast.Assign)
                   and any(isinstance(t, ast.Name) and t.id == "DEMO_FILES" for t in node.targets)]
    return {f for pattern in patterns for f in EXAMPLES.glob(pattern) if f.is_file()}


def test_the_wheel_ships_every_example_the_demo_reads(tmp_path: Path):
    read: set[Path] = set()
    for step in demo.steps(EXAMPLES, tmp_path, "2026-11-22"):
        for path in (Path(arg) for arg in step.args):
            if path.is_relative_to(EXAMPLES):
                read |= {path} if path.is_file() else {f for f in path.rglob("*") if f.is_file()}
    read |= {f for f in (EXAMPLES / "submissions").rglob("*") if f.is_file()}  # the overview, step [0]
    shipped = _shipped()
    assert read and sorted(read - shipped) == []
    assert not {f.name for f in shipped} & {"generate_examples.py", "planted.json"}


def test_without_an_installed_copy_the_source_checkout_is_used():
    """An editable install (this test run) has no pbmcli/examples/: examples/ of the checkout."""
    assert demo.find_examples() == EXAMPLES


def test_the_installed_copy_comes_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    (tmp_path / "examples" / "submissions").mkdir(parents=True)
    monkeypatch.setattr(demo.resources, "files", lambda package: tmp_path)
    assert demo.find_examples() == tmp_path / "examples"


def test_a_wrong_examples_folder_is_a_usage_error(tmp_path: Path):
    with pytest.raises(UsageError, match="--examples"):
        demo.find_examples(tmp_path)
    assert demo.find_examples(EXAMPLES) == EXAMPLES
