"""Reporting periods: a month (2026-10), a quarter (2026Q3) or a year (2026).

``Period.parse`` accepts the spellings a clerk types: 2026-10, 2026-1, 2026年10月,
2026年1-10月 (the cumulative months to October: the month of October), 2026Q3, 2026-Q3,
2026年第三季度, 2026年三季度, 2026年, 2026.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from .errors import UsageError

_CN = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_MONTH = re.compile(r"^(\d{4})(?:-|年|\.|/)(?:1-|1—|1~|1至)?(\d{1,2})月?(?:份|底|末)?$")
_QUARTER = re.compile(r"^(\d{4})(?:-|年)?(?:Q([1-4])|第?([一二三四1-4])季度)$")
_YEAR = re.compile(r"^(\d{4})年?(?:度)?$")


def _clean(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text))).upper()


@dataclass(frozen=True)
class Period:
    """A month (2026-10), quarter (2026Q3) or year (2026)."""

    year: int
    kind: str  # month | quarter | year
    index: int = 0  # month 1-12 or quarter 1-4

    @classmethod
    def parse(cls, text: str) -> Period:
        t = _clean(text)
        if m := _MONTH.match(t):
            if 1 <= int(m.group(2)) <= 12:
                return cls(int(m.group(1)), "month", int(m.group(2)))
        elif m := _QUARTER.match(t):
            return cls(int(m.group(1)), "quarter", _CN[m.group(2) or m.group(3)])
        elif m := _YEAR.match(t):
            return cls(int(m.group(1)), "year")
        raise UsageError(f"期间「{text}」格式不对：月份写 2026-10 或 2026年10月，季度写 2026Q3 或 2026年第三季度，"
                         "年度写 2026 或 2026年。")

    def __str__(self) -> str:
        if self.kind == "month":
            return f"{self.year}-{self.index:02d}"
        return f"{self.year}Q{self.index}" if self.kind == "quarter" else str(self.year)

    @property
    def months(self) -> list[Period]:
        if self.kind == "month":
            return [self]
        first, last = (3 * self.index - 2, 3 * self.index) if self.kind == "quarter" else (1, 12)
        return [Period(self.year, "month", m) for m in range(first, last + 1)]

    @property
    def quarters(self) -> list[Period]:
        return [Period(self.year, "quarter", q) for q in range(1, 5)]

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self.months[0].index, 1)

    @property
    def end(self) -> dt.date:
        last = self.months[-1].index
        return dt.date(self.year, last, calendar.monthrange(self.year, last)[1])

    def previous(self) -> Period:
        if self.kind == "year":
            return Period(self.year - 1, "year")
        size = 12 if self.kind == "month" else 4
        if self.index == 1:
            return Period(self.year - 1, self.kind, size)
        return Period(self.year, self.kind, self.index - 1)

    def overlaps(self, other: Period) -> bool:
        return self.start <= other.end and other.start <= self.end


def time_progress(period: Period | str, mode: str) -> float:
    """Time progress (percent) at the end of the period's last month."""
    p = Period.parse(period) if isinstance(period, str) else period
    end = p.end
    if mode == "days":
        days_in_year = 366 if calendar.isleap(end.year) else 365
        return end.timetuple().tm_yday / days_in_year * 100
    return end.month / 12 * 100


# a month written in a file or folder name: 2026-08, 2026_8, 2026.08, 2026年8月, 2026年1-8月
_MONTH_IN_NAME = re.compile(r"(?<!\d)(20\d\d)\s*(?:[-_.]|年)\s*(?:1\s*[-—~至]\s*)?(\d{1,2})(?!\d)\s*(月?)")


def month_in_path(path: str) -> tuple[Period, str] | None:
    """The month a file or folder name states, nearest name first (file, then its folders):
    ``(period, name)`` when the nearest name holding a month holds exactly one, else None."""
    parts = [p for p in re.split(r"[\\/]+", str(path)) if p and p not in (".", "..")]
    for part in reversed(parts):
        stem = re.sub(r"\.(xlsx|xlsm|xls|ods|csv|zip)$", "", part, flags=re.I)
        months = {(int(y), int(m)) for y, m, _ in _MONTH_IN_NAME.findall(unicodedata.normalize("NFKC", stem))
                  if 1 <= int(m) <= 12}
        if len(months) == 1:
            (year, month), = months
            return Period(year, "month", month), part
        if months:
            return None  # two months in one name: ambiguous
    return None
