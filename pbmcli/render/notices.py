"""From inputs (contract dicts) to Notice objects: one per kind, one per unit for return letters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from ..config import RulePack
from ..errors import UsageError
from . import Notice, context, letters, samples


def _need(inputs: dict[str, Any], key: str, kind: str) -> Any:
    if not inputs.get(key):
        raise UsageError(f"生成 {kind} 通报缺少{_INPUT_LABELS[key]}。")
    data = inputs[key]
    empty: Callable[[dict[str, Any]], bool] = {"monitor": lambda d: not d.get("units"),
             "rank": lambda d: not any(g.get("rows") for g in d.get("groups", [])),
             "validate": lambda d: "files" not in d}[key]
    if empty(data):
        raise UsageError(f"{_INPUT_LABELS[key]}中没有任何单位的数据，无法生成 {kind} 通报；"
                         "请检查期间是否正确、数据是否已记入台账。")
    return data


_INPUT_LABELS = {"monitor": "执行监控数据（--monitor JSON 或台账中的执行数据）",
                 "rank": "排名数据（--rank JSON 或台账）",
                 "validate": "审核结果（--from validate.json 或台账中的审核记录）"}


def build_notices(kind: str, inputs: dict[str, Any], pack: RulePack, day: dt.date,
                  number: int | None, period: str) -> list[Notice]:
    """The notices of ``kind`` (return: one per unit with findings)."""
    overdue = inputs.get("overdue") or []
    if kind == "monthly":
        monitor = _need(inputs, "monitor", kind)
        ctx = context.build_monthly(monitor, inputs.get("rank") or {}, overdue, pack, day, number)
        bars = context.chart_bars(monitor, pack) if pack.notice.chart else []
        return [Notice(kind, f"{period}预算执行进度通报", ctx, day, bars,
                       float(monitor.get("time_progress") or 0.0))]
    if kind == "quarterly":
        ctx = context.build_quarterly(_need(inputs, "rank", kind), overdue, pack, day, number)
        return [Notice(kind, f"{period}综合排名通报", ctx, day)]
    if kind == "annual":
        ctx = context.build_annual(_need(inputs, "rank", kind), inputs.get("scores"), inputs.get("apply"),
                                   pack=pack, date=day, number=number, overdue=overdue)
        return [Notice(kind, f"{period[:4]}年度总评通报", ctx, day)]
    if kind == "return":
        return _return_notices(inputs, pack, day, number, period)
    raise UsageError(f"未知的通报类型「{kind}」，可选：{'、'.join(context.KINDS)}")


def _return_notices(inputs: dict[str, Any], pack: RulePack, day: dt.date, number: int | None,
                    period: str) -> list[Notice]:
    """One letter per unit (units directory in inputs["units"] when known) + the clerk's list
    of files whose unit cannot be identified."""
    groups = letters.group_for_return(_need(inputs, "validate", "return"), inputs.get("units"))
    out = []
    for i, (unit, files) in enumerate(groups.letters.items()):
        num = number + i if number is not None else None
        ctx = letters.build_return(files, unit, pack, day, num, period)
        out.append(Notice("return", f"退回修改意见-{unit}", ctx, day))
    if groups.unidentified:
        ctx = letters.build_unidentified(groups.unidentified, pack, day)
        out.append(Notice(UNIDENTIFIED, ctx["title"], ctx, day))
    return out


UNIDENTIFIED = "unidentified"   # template of the clerk's list (not a notice kind of the CLI)


def sample_context(kind: str, pack: RulePack) -> dict[str, Any]:
    """A context of ``kind`` built from the bundled samples (its keys = the template contract)."""
    day = dt.date(2026, 11, 22)
    rank = {} if kind == "monthly" else samples.rank(*(("2026Q3", "quarter") if kind == "quarterly"
                                                       else ("2026", "year")))
    inputs = {"monitor": samples.monitor(), "rank": rank,
              "overdue": samples.overdue(), "validate": samples.validate(),
              "scores": samples.scores(), "apply": samples.apply()}
    period = {"monthly": "2026-10", "quarterly": "2026Q3"}.get(kind, "2026")
    return build_notices(kind, inputs, pack, day, 1, period)[0].context
