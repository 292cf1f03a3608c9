"""Blocks → Markdown (the same text as the Word document, for e-mail and the web).

Block texts are plain text (the Word writer prints them as they are), so every one is
escaped here (``outputs.md_text``): a unit or problem text holding ``<script>``,
``<img onerror=…>`` or ``[x](javascript:…)`` shows as those characters, never as HTML or a
link.  The only markup in a table cell is the explicit line break ``<br>`` (tables.LINE_BREAK).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..outputs import md_text
from .blocks import Block
from .tables import LINE_BREAK


def _escape(text: str) -> str:
    """A table cell: text, with its explicit line breaks kept."""
    return LINE_BREAK.join(md_text(part.replace("|", "｜")) for part in text.split(LINE_BREAK))


def md_table(rows: Sequence[Sequence[str]], groups: dict[int, str] | None = None) -> list[str]:
    """Pipe table; a group name becomes a row with the name in bold in the second column."""
    header, body = rows[0], rows[1:]
    width = len(header)
    out = ["| " + " | ".join(_escape(c) for c in header) + " |",
           "|" + "|".join(["---"] * width) + "|"]
    for i, row in enumerate(body, 1):
        if groups and i in groups:
            label = ["", f"**{_escape(groups[i])}**", *[""] * (width - 2)][:width]
            out.append("| " + " | ".join(label) + " |")
        cells = [*row, *[""] * (width - len(row))][:width]
        out.append("| " + " | ".join(_escape(c) for c in cells) + " |")
    return out


_SIMPLE: dict[str, Callable[[str], str]] = {
    "redheader": lambda t: f"**{t}**",
    "letterhead": lambda t: f"**{t}**",
    "title": lambda t: f"# {t}",
    "h1": lambda t: f"## {t}",
    "h2": lambda t: f"### {t}",
    "label": lambda t: f"**{t}**",
    "subtitle": lambda t: f"## {t}",
}


def to_markdown(blocks: Sequence[Block], chart_name: str | None = None) -> str:
    """Render blocks; ``chart_name`` is the PNG written next to the .md (if any)."""
    out: list[str] = []
    for b in blocks:
        text = md_text(b.text)
        if b.kind == "table":
            out.append("\n".join(md_table(b.rows, b.groups)))
        elif b.kind == "pagebreak":
            out.append("---")
        elif b.kind == "chart":
            if chart_name:
                out.append(f"![{text}]({chart_name})")
        elif b.kind == "printed":
            out.append("　".join(md_text(p) for p in b.parts))
        elif b.kind in ("sign", "date", "docnum"):
            out.append(f'<p align="right">{text}</p>' if b.kind != "docnum" else text)
        else:
            out.append(_SIMPLE[b.kind](text) if b.kind in _SIMPLE else text)
    return "\n\n".join(out).strip() + "\n"
