"""Screen tables written by QuickTable are byte for byte the tables rich prints itself."""

from __future__ import annotations

import io
import random

import pytest
from rich.console import Console

from pbmcli.cli.ledger_common import screen_table
from pbmcli.cli.output import QuickTable

NAMES = ["示例县教育局", "示例县人力资源和社会保障局", "单位7", "Unit 12", "城关镇", "—", "",
         "示例县桃源镇人民政府一事一议财政奖补项目办公室"]


def _rows(n: int, seed: int, wide: bool = False) -> list[list[object]]:
    rng = random.Random(seed)
    names = NAMES if wide else NAMES[:-1]
    return [[i + 1, rng.choice(names), f"U{rng.randint(0, 9999):04d}", rng.uniform(0, 100),
             rng.choice([rng.uniform(-50, 150), None, "—"]), rng.choice(["↑3", "↓12", "—", "新"])]
            for i in range(n)]


HEADER = ["名次", "单位", "编码", "得分", "执行进度\n40%", "变化"]


def _printed(renderable: object, width: int, colour: bool) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=colour, color_system="truecolor" if colour else None,
                      emoji=False, highlight=False)
    console.print(renderable)
    return buffer.getvalue()


@pytest.mark.parametrize("width", [40, 72, 80, 120, 200])
@pytest.mark.parametrize("colour", [False, True])
@pytest.mark.parametrize(("n", "seed", "wide"), [(1, 1, False), (7, 2, False), (300, 3, False), (50, 4, True)])
def test_quick_table_prints_what_rich_prints(width: int, colour: bool, n: int, seed: int, wide: bool) -> None:
    title = "2026 年度综合排名（全部单位）"
    rich_own = _printed(screen_table(title, HEADER, _rows(n, seed, wide)), width, colour)
    quick = _printed(QuickTable(screen_table(title, HEADER, _rows(n, seed, wide))), width, colour)
    assert quick == rich_own


def test_quick_table_writes_the_rows_itself_when_they_fit() -> None:
    """The fast path is taken for a plain ranking (else the comparison above proves little)."""
    console = Console(file=io.StringIO(), width=120)
    table = QuickTable(screen_table("排名", HEADER, _rows(50, 5)))
    assert table._lines(console, console.options) is not None
    narrow = Console(file=io.StringIO(), width=30)
    assert table._lines(narrow, narrow.options) is None   # cells wrap: rich lays them out
