"""pandas views of pbm results, for analysis in Python / Jupyter.

Each function takes the public JSON-shaped dict of a result (``to_dict()`` of the
library object, or ``json.load`` of a ``--format json`` output) and returns a
flat ``pandas.DataFrame`` whose columns are the contract's keys.  pandas is
imported here only, lazily, so the command line never pays its start-up cost.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd


def _frame(rows: Iterable[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(list(rows), columns=columns)


def findings_frame(validate: dict[str, Any]) -> pd.DataFrame:
    """One row per finding of ``pbm validate`` (files without findings are left out)."""
    def rows() -> Iterator[dict[str, Any]]:
        for f in validate["files"]:
            for x in f["findings"]:
                yield {"path": f["path"], "form": f["form"], "unit": f["unit"],
                       "project": f["project"], **x}

    return _frame(rows(), ["path", "form", "unit", "project", "code", "severity", "sheet", "cell",
                           "message", "expected", "actual", "related"])


def scores_frame(score: dict[str, Any]) -> pd.DataFrame:
    """One row per scored self-evaluation of ``pbm score``."""
    def rows() -> Iterator[dict[str, Any]]:
        for r in score["results"]:
            ex = r.get("execution") or {}
            yield {"path": r["path"], "unit": r["unit"], "project": r["project"], "year": r["year"],
                   "self_total": r["self_total"], "total": r["total"],
                   "difference": r["difference"], "grade": r["grade"],
                   "self_grade": r["self_grade"], "execution_rate": ex.get("rate"),
                   "findings": len(r["findings"])}

    return _frame(rows(), ["path", "unit", "project", "year", "self_total", "total", "difference",
                           "grade", "self_grade", "execution_rate", "findings"])


def ranking_frame(rank: dict[str, Any]) -> pd.DataFrame:
    """One row per ranked unit of ``pbm rank``; dimensions become columns."""
    def rows() -> Iterator[dict[str, Any]]:
        for group in rank["groups"]:
            for row in group["rows"]:
                yield {"group": group["group"], "rank": row["rank"], "unit": row["unit"],
                       "code": row["code"], "score": row["score"], "change": row["change"],
                       "change_text": row.get("change_text", ""),
                       **{f"dim_{k}": v for k, v in (row.get("dimensions") or {}).items()}}

    data = list(rows())
    dims = sorted({k for r in data for k in r if k.startswith("dim_")})
    return _frame(data, ["group", "rank", "unit", "code", "score", "change", "change_text", *dims])


def execution_frame(monitor: dict[str, Any]) -> pd.DataFrame:
    """One row per unit and project of ``pbm monitor`` (execution exports)."""
    def rows() -> Iterator[dict[str, Any]]:
        for u in monitor["units"]:
            for p in u.get("projects") or []:
                yield {"unit": u["unit"], "code": u["code"], **p}

    return _frame(rows(), ["unit", "code", "project", "budget", "spent", "rate", "gap", "level", "level_text"])
