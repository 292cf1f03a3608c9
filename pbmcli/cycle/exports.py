"""Rankings and execution monitoring as tables: the sheets of their workbooks, their
Markdown, the rows of their screen tables.  Core work (no CLI): a library user makes a
ranking workbook with ``write_xlsx(path, rank_sheets(ranking), force)``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..outputs import SheetSpec, markdown_table, md_text

if TYPE_CHECKING:
    from .monitor import MonitorResult
    from .ranking import Ranking


def rank_header(res: Ranking) -> tuple[list[str], list[str]]:
    from .ranking import DIM_SHORT, display_weights

    dims = list(res.weights)
    extra = ["执行率%", "偏差"] if res.kind == "month" else []
    shown = display_weights(res.weights)  # whole percents that sum to 100
    labels = [f"{DIM_SHORT[d]}\n{shown[d]}%" if res.kind != "month" else "进度得分" for d in dims]
    return ["名次", "单位", "编码", "得分", *labels, *extra, "变化"], dims + (["rate", "gap"] if extra else [])


def rank_rows(res: Ranking, rows: list[Any], keys: list[str]) -> list[list[Any]]:
    """Rows of a ranking; a dimension not counted for a unit (neutral) shows "—"."""
    return [[r.rank, r.unit, r.code, r.score,
             *("—" if k in r.neutral else {**r.dimensions, **r.figures}.get(k) for k in keys), r.change_text]
            for r in rows]


def without_code(header: list[str], rows: list[list[Any]]) -> tuple[list[str], list[list[Any]]]:
    """Screen tables of composite rankings leave out 编码 to fit an 80-column console."""
    return header[:2] + header[3:], [r[:2] + r[3:] for r in rows]


def rank_title(res: Ranking) -> str:
    kind = {"month": "月度执行进度排名", "quarter": "季度综合排名", "year": "年度综合排名"}[res.kind]
    return f"{res.period} {kind}"


def rank_markdown(res: Ranking) -> str:
    header, keys = rank_header(res)
    parts = [f"# {md_text(rank_title(res))}\n"]
    for group, rows in res.groups.items():
        parts += [f"## {md_text(group)}\n", markdown_table(header, rank_rows(res, rows, keys))]
    parts += [md_text(line) + "\n" for line in res.list_lines()]
    if res.missing:
        parts.append("未报送：" + "、".join(md_text(m["unit"]) for m in res.missing) + "\n")
    parts += [md_text(n) + "\n" for n in res.notes()]
    return "\n".join(parts)


def rank_sheets(res: Ranking) -> list[SheetSpec]:
    """The ranking workbook: one sheet per group, 红榜, 黑榜, 未报送, 说明."""
    header, keys = rank_header(res)
    sheets = [SheetSpec(g, header, rank_rows(res, rows, keys)) for g, rows in res.groups.items()]
    brief = ["分组", "名次", "单位", "编码", "得分"]
    sheets += [SheetSpec("红榜", brief, [list(r.brief().values()) for r in res.red()]),
               SheetSpec("黑榜", brief, [list(r.brief().values()) for r in res.black()]),
               SheetSpec("未报送", ["单位", "编码"], [[m["unit"], m["code"]] for m in res.missing])]
    if res.kind != "month":
        basis = {"rank": "排名末位", "grade": "综合评价等级"}
        sheets.insert(-1, SheetSpec("约谈", [*brief, "依据"],
                                    [[*i.values()][:-1] + [basis[i["basis"]]] for i in res.to_dict()["interview"]]))
    notes = res.list_lines() + res.notes()
    if notes:
        sheets.append(SheetSpec("说明", ["说明"], [[n] for n in notes], autofilter=False))
    return sheets


def monitor_sheets(res: MonitorResult) -> list[SheetSpec]:
    """The execution-monitoring workbook: 单位汇总, 项目明细, 未报送, 数据缺失, 说明."""
    d = res.to_dict()
    units = [[u["unit"], u["code"], u["budget"], u["spent"], u["rate"], u["gap"], u["level_text"]] for u in d["units"]]
    projects = [[u["unit"], u["code"], p["project"], p["budget"], p["spent"], p["rate"], p["gap"], p["level_text"]]
                for u in d["units"] for p in u["projects"]]
    return [
        SheetSpec("单位汇总", ["单位", "编码", "全年预算", "累计支出", "执行率%", "偏差(百分点)", "预警"], units),
        SheetSpec("项目明细", ["单位", "编码", "项目", "全年预算", "累计支出", "执行率%", "偏差(百分点)", "预警"], projects),
        SheetSpec("未报送", ["单位", "编码"], [[m["unit"], m["code"]] for m in d["missing"]]),
        SheetSpec("数据缺失", ["单位", "编码", "项目", "行号", "缺失的列"],
                  [[i["unit"], i["code"], i["project"], i["row"], i["columns"]] for i in d["incomplete"]]),
        SheetSpec("说明", ["项目", "值"], [["期间", d["period"]], ["时间进度%", d["time_progress"]],
                                          ["合计执行率%", d["total"]["rate"]], ["金额单位", "万元"],
                                          *[["说明", n] for n in d["notes"]]], autofilter=False),
    ]
