"""Blocks → Markdown (the same text as the Word document, for e-mail and the web)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .blocks import Block


def _escape(text: str) -> str:
    return text.replace("|", "｜")


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
        if b.kind == "table":
            out.append("\n".join(md_table(b.rows, b.groups)))
        elif b.kind == "pagebreak":
            out.append("---")
        elif b.kind == "chart":
            if chart_name:
                out.append(f"![{b.text}]({chart_name})")
        elif b.kind == "printed":
            out.append("　".join(b.parts))
        elif b.kind in ("sign", "date", "docnum"):
            out.append(f'<p align="right">{b.text}</p>' if b.kind != "docnum" else b.text)
        else:
            out.append(_SIMPLE[b.kind](b.text) if b.kind in _SIMPLE else b.text)
    return "\n\n".join(out).strip() + "\n"
