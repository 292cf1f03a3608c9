"""Notices (通报): context → template → blocks → Markdown and Word.

Public API::

    from pbmcli.render import context, Notice, write_notice, check_template
    ctx = context.build_monthly(monitor, rank, overdue, pack, date, number)
    write_notice(Notice("monthly", "预算执行进度通报-2026-10", ctx, date, bars=…, progress=…),
                 out_dir, fmt="both", force=False)
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..fileio import check_writable, write_bytes, write_text

FORMATS = ("docx", "md", "both")


@dataclass
class Notice:
    kind: str
    stem: str                 # output file name without extension
    context: dict[str, Any]
    day: dt.date
    bars: Sequence[Any] = field(default_factory=list)   # chart.Bar (monthly only)
    progress: float = 0.0


def safe_stem(text: str) -> str:
    """A file name that works on Windows too."""
    return re.sub(r'[\\/:*?"<>|\s]+', "_", text).strip("._") or "通报"


def _chart(notice: Notice, warn: Callable[[str], None] | None) -> bytes | None:
    if not notice.bars:
        return None
    from .chart import draw

    return draw(notice.bars, notice.progress, "各单位预算执行率与序时进度对比", warn).png


@dataclass
class Rendered:
    """One notice rendered, not yet written: the files it makes and their content."""

    notice: Notice
    targets: dict[str, Path]    # ext -> file
    blocks: list[Any]
    png: bytes | None


def render_notice(notice: Notice, out_dir: Path, fmt: str = "both", template: Path | None = None,
                  warn: Callable[[str], None] | None = None) -> Rendered:
    """Render one notice for ``out_dir`` (nothing is written)."""
    from . import blocks as blk

    if fmt not in FORMATS:
        raise UsageError(f"--format 只能是 {' / '.join(FORMATS)}，现为「{fmt}」")
    blocks = blk.render_blocks(notice.kind, notice.context, template)
    png = _chart(notice, warn) if any(b.kind == "chart" for b in blocks) else None
    stem = safe_stem(notice.stem)
    targets: dict[str, Path] = {ext: out_dir / f"{stem}.{ext}" for ext in ("docx", "md", "png")
                                if (ext == "docx" and fmt != "md") or (ext in ("md", "png") and fmt != "docx")}
    if png is None:
        targets.pop("png", None)
    return Rendered(notice, targets, list(blocks), png)


def write_rendered(r: Rendered, force: bool | set[Path] = False) -> list[Path]:
    """Write a rendered notice; ``force``: replace existing files (all, or those in the set).
    Every file is checked for overwrite before any is written."""
    from .docx import to_docx_bytes
    from .markdown import to_markdown

    def may(path: Path) -> bool:
        return force if isinstance(force, bool) else path in force

    for path in r.targets.values():
        check_writable(path, may(path))
    notice, targets, written = r.notice, r.targets, []
    if "png" in targets and r.png is not None:
        written.append(write_bytes(targets["png"], r.png, may(targets["png"])))
    if "md" in targets:
        chart_name = targets["png"].name if "png" in targets else None
        written.append(write_text(targets["md"], to_markdown(r.blocks, chart_name), may(targets["md"])))
    if "docx" in targets:
        data = to_docx_bytes(r.blocks, title=str(notice.context.get("title", safe_stem(notice.stem))),
                             author=str(notice.context.get("authority", "")), day=notice.day,
                             chart_png=r.png)
        written.append(write_bytes(targets["docx"], data, may(targets["docx"])))
    return written


def write_notice(notice: Notice, out_dir: Path, fmt: str = "both", force: bool = False,
                 template: Path | None = None, warn: Callable[[str], None] | None = None) -> list[Path]:
    """Render one notice; returns the files written (checked for overwrite before any write)."""
    return write_rendered(render_notice(notice, out_dir, fmt, template, warn), force)


@dataclass(frozen=True)
class TemplateCheck:
    unknown: list[str]   # used by the template, not in the context
    unused: list[str]    # in the context, not used by the template


def check_template(path: Path, context_keys: Sequence[str]) -> TemplateCheck:
    from .blocks import template_variables

    used = template_variables(path)
    keys = set(context_keys)
    return TemplateCheck(sorted(used - keys), sorted(keys - used))
