"""Font names for Word (GB/T 9704-2012) and a CJK font finder for charts.

Word: the East-Asian font names are written exactly as in official documents
(仿宋_GB2312, 方正小标宋简体, 黑体, 楷体_GB2312, 宋体).  Where a machine lacks them,
Word/WPS substitute a similar installed font; LibreOffice substitutes e.g.
Noto Serif CJK SC / FangSong.  The names stay in the file, so the document prints
correctly on an office PC that has the official fonts.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

BODY = "仿宋_GB2312"       # 正文 3号
TITLE = "方正小标宋简体"    # 标题 2号, 红头
HEI = "黑体"               # 一级标题 "一、"
KAI = "楷体_GB2312"        # 二级标题 "（一）"
SONG = "宋体"              # 页码 4号
TABLE = "仿宋_GB2312"      # 表格正文
TABLE_HEAD = "黑体"        # 表头

# Chart fonts, first found wins (families known to matplotlib's font manager).
CJK_CANDIDATES = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
    "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Microsoft YaHei", "SimHei", "DengXian",
    "PingFang SC", "Hiragino Sans GB", "Noto Serif CJK SC", "FangSong", "SimSun", "STSong",
    "AR PL UMing CN", "AR PL UKai CN", "Noto Sans CJK JP", "Noto Sans CJK TC",
)
SHIPPED_DIR = Path(__file__).with_name("fonts")


@dataclass(frozen=True)
class ChartFont:
    name: str | None       # family name, None = no CJK font found
    path: str | None = None
    shipped: bool = False  # the GB2312 subset bundled with pbm


@lru_cache(maxsize=1)
def chart_font() -> ChartFont:
    """The first installed CJK font matplotlib knows, else the bundled GB2312 subset."""
    from matplotlib import font_manager as fm

    installed = {f.name: f.fname for f in fm.fontManager.ttflist}
    for name in CJK_CANDIDATES:
        if name in installed:
            return ChartFont(name, installed[name])
    for f in sorted(SHIPPED_DIR.glob("*.otf")):
        fm.fontManager.addfont(str(f))
        return ChartFont(fm.FontProperties(fname=str(f)).get_name(), str(f), shipped=True)
    return ChartFont(None)


@lru_cache(maxsize=4)
def covered(path: str) -> frozenset[int]:
    """Code points a font file has glyphs for (first face of a collection)."""
    from matplotlib.ft2font import FT2Font

    return frozenset(FT2Font(path).get_charmap())
