"""Execution-rate chart for the monthly notice (matplotlib, Agg, imported lazily)."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .fonts import ChartFont, chart_font, covered

RED, GREEN, LINE = "#C00000", "#2E7D32", "#1F3A93"
NO_FONT_MESSAGE = "未找到可用的中文字体，执行率图中的单位以单位编码表示（安装 Noto Sans CJK 或文泉驿字体后可显示单位名称）。"


@dataclass(frozen=True)
class Bar:
    label: str   # unit name
    code: str    # unit code (used when no CJK font exists)
    rate: float  # percent


@dataclass(frozen=True)
class ChartResult:
    png: bytes
    font: str | None     # the CJK family used, None = codes instead of names


def _labels(bars: Sequence[Bar], font: ChartFont) -> list[str]:
    """Unit names where the font has every glyph, else the unit code (never boxes)."""
    chars = covered(font.path) if font.path else frozenset()
    return [b.label if font.name and all(ord(c) in chars for c in b.label) else (b.code or f"#{i}")
            for i, b in enumerate(bars, 1)]


def draw(bars: Sequence[Bar], progress: float, title: str,
         warn: Callable[[str], None] | None = None) -> ChartResult:
    """Horizontal bars (red below the time-progress line, green at or above it)."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib.figure import Figure

    font = chart_font()
    if font.name is None and warn is not None:
        warn(NO_FONT_MESSAGE)
    family = [font.name] if font.name else ["DejaVu Sans"]
    n = max(len(bars), 1)
    size = max(4.0, min(9.0, 260.0 / n))
    fig = Figure(figsize=(6.3, min(9.0, 1.4 + 0.24 * n)), dpi=150)
    ax = fig.add_subplot()
    rows = list(reversed(bars))
    ax.barh(range(len(rows)), [b.rate for b in rows], height=0.65,
            color=[RED if b.rate < progress else GREEN for b in rows])
    ax.set_yticks(range(len(rows)), _labels(rows, font),
                  fontsize=size, fontfamily=family)
    ax.axvline(progress, color=LINE, linestyle="--", linewidth=1.2)
    marker = f"序时进度 {progress:.2f}%" if font.name else f"{progress:.2f}%"
    ax.text(progress, len(rows) - 0.4, marker, color=LINE, fontsize=8, fontfamily=family,
            ha="left", va="bottom")
    ax.set_xlim(0, max([progress, *[b.rate for b in bars]]) * 1.12 + 1)
    ax.set_ylim(-0.7, len(rows) + 0.3)
    ax.set_xlabel("执行率（%）" if font.name else "%", fontsize=8, fontfamily=family)
    if font.name:
        ax.set_title(title, fontsize=10, fontfamily=family)
    ax.tick_params(axis="x", labelsize=7)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return ChartResult(buf.getvalue(), font.name)

