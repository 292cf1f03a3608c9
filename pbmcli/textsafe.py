"""Text from inputs made safe to show: control characters are displayed, never acted on.

File names and cell contents can hold ESC sequences (ANSI colours, OSC 8 links,
"clear screen"), C1 controls, a lone carriage return that overwrites a line, and
Unicode direction overrides that reorder what a clerk reads.  ``visible`` writes
each of them as ``\\u001b`` (the same spelling is a valid JSON escape), keeping tab,
line feed and CR LF line ends.
"""

from __future__ import annotations

import re

# C0 but tab and line feed, a CR not ending a line, DEL, C1, bidirectional embeddings,
# overrides and isolates (U+202A–U+202E, U+2066–U+2069), LRM / RLM / ALM
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|\r(?!\n)")


def _escape(m: re.Match[str]) -> str:
    return f"\\u{ord(m.group()):04x}"


def visible(text: str) -> str:
    """``text`` with every control character written out as ``\\uXXXX``."""
    return _CONTROL.sub(_escape, text) if _CONTROL.search(text) else text


def has_control(text: str) -> bool:
    return _CONTROL.search(text) is not None
