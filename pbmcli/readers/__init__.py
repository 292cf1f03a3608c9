"""Readers: inputs → bytes → workbook → Submission.

``read_submission(item)`` is the one entry point the rest of pbm uses; it never
raises anything but ``InputError`` for bad input.  ``open_item(item)`` gives the
raw ``Workbook`` (for readers of other tables, e.g. the units directory).
"""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

from ..errors import InputError
from ..model import FormKind, Submission
from .forms import parse_workbook
from .inputs import InputItem, Skipped, expand, read_bytes
from .labels import Lexicon, builtin_lexicon, lexicon_for
from .workbook import Sheet, SheetInfo, Workbook, open_workbook

__all__ = [
    "InputItem", "Lexicon", "Sheet", "SheetInfo", "Skipped", "Workbook", "as_item", "expand", "framed", "open_item",
    "builtin_lexicon", "lexicon_for", "open_workbook", "read_bytes", "read_submission",
]


def as_item(item: InputItem | str | Path) -> InputItem:
    """A path (str or Path) becomes an InputItem displayed as written."""
    if isinstance(item, InputItem):
        return item
    path = Path(item)
    if not path.exists():
        raise InputError(str(item), "文件不存在（请检查路径和文件名）", "F001")
    return InputItem(str(item), path)


def open_item(item: InputItem | str | Path, *, max_rows: int | None = None,
              max_cols: int | None = None) -> Workbook:
    """Read and open a spreadsheet (any supported format) without parsing a form:
    sniffed, size- and range-bounded, every failure an InputError with its F code."""
    item = as_item(item)
    try:
        wb = open_workbook(read_bytes(item), item.display, max_rows=max_rows, max_cols=max_cols)
    except InputError as exc:  # callers print it as is: give the cause its rule's frame and fix
        raise framed(exc) from None
    wb.framed_errors = True
    return wb


def framed(exc: InputError) -> InputError:
    """The reader's cause ("内容是CSV/纯文本，不是 Excel 工作簿") inside its F rule's message
    ("文件的扩展名与内容不符：…。请用 Excel/WPS 打开后另存为 .xlsx…"), for plain error output."""
    from ..engine import input_error_finding

    return InputError(exc.path, input_error_finding(exc).message, exc.code)


def read_submission(item: InputItem | str | Path, lexicon: Lexicon | None = None, *,
                    seconds: float | None = None, data: bytes | None = None,
                    prefer: FormKind | None = None) -> Submission:
    """Read one form; ``path`` is the display name, ``sha256`` that of the bytes.
    ``lexicon``: the labels to recognise (default: pbm's own, ``pack_lexicon(pack)`` for a
    rule pack's additions).  ``seconds``: the file's time budget, past which reading stops with
    an F009 InputError (None: none here; ``batch.run_batch`` applies one to each item).
    ``data``: the item's bytes when the caller has already read them (not read again).
    ``prefer``: in a workbook holding several forms, the first of this kind (pbm score reads
    the self-evaluation beside a goal form), else the first form."""
    from ..deadline import OverBudget, over_budget_reason, time_limit

    item = as_item(item)
    if not seconds:
        return _read(item, lexicon, data, prefer)
    try:
        with time_limit(seconds):
            return _read(item, lexicon, data, prefer)
    except OverBudget:
        raise InputError(item.display, over_budget_reason(seconds), "F009") from None


def _read(item: InputItem, lexicon: Lexicon | None, data: bytes | None = None,
          prefer: FormKind | None = None) -> Submission:
    data = read_bytes(item) if data is None else data
    sub = parse_workbook(open_workbook(data, item.display), lexicon, prefer)
    return dataclasses.replace(sub, path=item.display, sha256=hashlib.sha256(data).hexdigest())
