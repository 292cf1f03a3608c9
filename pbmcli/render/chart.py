"""Execution-rate chart for the monthly notice (matplotlib, Agg, imported lazily).

Bars in the warning colours (red / yellow / green), the rate printed at the end of each bar,
the time progress as a dashed line; no title in the image (the notice's caption names it).
Drawn at its printed size (150 mm wide) and 300 dpi, with constrained layout so no label is
cut at the edge.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .fonts import ChartFont, chart_font, covered

RED, YELLOW, GREEN, LINE = "#C00000", "#E0A800", "#2E7D32", "#1F3A93"
LEVEL_COLOURS = {"red": RED, "yellow": YELLOW, "green": GREEN, "blue": GREEN}
LEVEL_NAMES = (("red", "红色预警"), ("yellow", "黄色预警"), ("green", "正常"))
DPI = 300
WIDTH_MM = 150.0
NO_FONT_MESSAGE = "未找到可用的中文字体，执行率图中的单位以单位编码表示（安装 Noto Sans CJK 或文泉驿字体后可显示单位名称）。"


@dataclass(frozen=True)
class Bar:
    label: str       # unit name
    code: str        # unit code (used when no CJK font exists)
    rate: float      # percent
    level: str = ""  # red | yellow | green ("" = red below the time progress, else green)


@dataclass(frozen=True)
class ChartResult:
    png: bytes
    font: str | None     # the CJK family used, None = codes instead of names


def _labels(bars: Sequence[Bar], font: ChartFont) -> list[str]:
    """Unit names where the font has every glyph, else the unit code (never boxes)."""
    chars = covered(font.path) if font.path else frozenset()
    return [b.label if font.name and all(ord(c) in chars for c in b.label) else (b.code or f"#{i}")
            for i, b in enumerate(bars, 1)]


def colour(bar: Bar, progress: float) -> str:
    """The bar's warning colour."""
    if bar.level in LEVEL_COLOURS:
        return LEVEL_COLOURS[bar.level]
    return RED if bar.rate < progress else GREEN


def size_mm(count: int) -> tuple[float, float]:
    """Printed size: 150 mm wide, about 6 mm a bar, at most 120 mm high (fits a landscape page)."""
    return WIDTH_MM, max(50.0, min(120.0, 26.0 + 6.0 * count))


def draw(bars: Sequence[Bar], progress: float, title: str,
         warn: Callable[[str], None] | None = None) -> ChartResult:
    """The chart as a PNG; ``title`` is stored as the PNG's Title (the notice prints it as
    the caption, so the image does not repeat it)."""
    font = chart_font()
    if font.name is None and warn is not None:
        warn(NO_FONT_MESSAGE)
    fig = figure(bars, progress)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None, "Title": title})
    return ChartResult(buf.getvalue(), font.name)


def figure(bars: Sequence[Bar], progress: float) -> Any:
    """Horizontal bars in warning colours with value labels and the time-progress line."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    font = chart_font()
    family = [font.name] if font.name else ["DejaVu Sans"]
    n = max(len(bars), 1)
    width, height = size_mm(n)
    fig = Figure(figsize=(width / 25.4, height / 25.4), dpi=DPI, layout="constrained")
    ax = fig.add_subplot()
    rows = list(reversed(bars))
    ax.barh(range(len(rows)), [b.rate for b in rows], height=0.62,
            color=[colour(b, progress) for b in rows])
    ax.set_yticks(range(len(rows)), _labels(rows, font), fontsize=7, fontfamily=family)
    top = max([progress, *[b.rate for b in bars]])
    for y, b in enumerate(rows):
        ax.text(b.rate + top * 0.01, y, f"{b.rate:.2f}", va="center", ha="left", fontsize=6, zorder=3,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.3})
    ax.axvline(progress, color=LINE, linestyle="--", linewidth=1.0, zorder=2)
    ax.set_xlim(0, top * 1.14 + 1)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.set_xlabel("执行率（%）" if font.name else "%", fontsize=7, fontfamily=family)
    ax.tick_params(axis="x", labelsize=7)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if font.name:
        handles: list[Any] = [Patch(color=LEVEL_COLOURS[k], label=name) for k, name in LEVEL_NAMES
                              if any(colour(b, progress) == LEVEL_COLOURS[k] for b in bars)]
        handles.append(Line2D([], [], color=LINE, linestyle="--", label=f"序时进度 {progress:.2f}%"))
        fig.legend(handles=handles, loc="outside lower center", ncol=len(handles), frameon=False,
                   prop={"family": family, "size": 7})
    return fig
