"""Rankings and execution monitoring as tables: the sheets of their workbooks, their
Markdown, the rows of their screen tables.  Core work (no CLI): a library user makes a
ranking workbook with ``write_xlsx(path, rank_sheets(ranking), force)``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..outputs import MONEY, PERCENT_POINTS, TWO, Heading, SheetSpec, markdown_table, md_text

if TYPE_CHECKING:
    from .lights import LightsResult
    from .monitor import MonitorResult
    from .ranking import Ranking

GAP = "与序时进度差（个百分点）"


def _period(period: str) -> str:
    from ..render.fmt import period_label

    return period_label(period)


def rank_header(res: Ranking, plain: bool = False) -> tuple[list[str], list[str]]:
    """The ranking's columns (``plain``: as printed in the workbook, every header a phrase)
    and the keys of its dimension and figure columns."""
    from .ranking import DIM_SHORT, display_weights

    dims = list(res.weights)
    extra = (["执行率", GAP] if plain else ["执行率%", "偏差"]) if res.kind == "month" else []
    shown = display_weights(res.weights)  # whole percents that sum to 100
    if res.kind == "month":
        labels = ["进度得分" for _ in dims]
    elif plain:
        labels = [f"{DIM_SHORT[d]}（权重{shown[d]}%）" for d in dims]
    else:
        labels = [f"{DIM_SHORT[d]}\n{shown[d]}%" for d in dims]
    change = "名次变化" if plain else "变化"
    return ["名次", "单位", "编码", "得分", *labels, *extra, change], dims + (["rate", "gap"] if extra else [])


def rank_rows(res: Ranking, rows: list[Any], keys: list[str]) -> list[list[Any]]:
    """Rows of a ranking; a dimension not counted for a unit (neutral) shows "—"."""
    return [[r.rank, r.unit, r.code, r.score,
             *("—" if k in r.neutral else {**r.dimensions, **r.figures}.get(k) for k in keys), r.change_text]
            for r in rows]


def without_code(header: list[str], rows: list[list[Any]]) -> tuple[list[str], list[list[Any]]]:
    """Screen tables of composite rankings leave out 编码 to fit an 80-column console."""
    return header[:2] + header[3:], [r[:2] + r[3:] for r in rows]


def rank_title(res: Ranking) -> str:
    """2026年10月执行进度排名 / 2026年第三季度综合排名 / 2026年度综合排名 (as the workbook's title)."""
    kind = {"month": "执行进度排名", "quarter": "综合排名", "year": "综合排名"}[res.kind]
    return f"{_period(res.period)}{kind}"


def rank_markdown(res: Ranking) -> str:
    header, keys = rank_header(res)
    parts = [f"# {md_text(rank_title(res))}\n"]
    for group, rows in res.groups.items():
        body = [[f"{v:.2f}" if isinstance(v, float) else v for v in r] for r in rank_rows(res, rows, keys)]
        parts += [f"## {md_text(group)}\n", markdown_table(header, body)]  # scores as in the workbook: 90.60
    parts += [md_text(line) + "\n" for line in res.list_lines()]
    if res.missing:
        parts.append("未报送：" + "、".join(md_text(m["unit"]) for m in res.missing) + "\n")
    parts += [md_text(n) + "\n" for n in res.notes()]
    return "\n".join(parts)


def rank_heading(res: Ranking, office: str = "") -> Heading:
    """The title rows of the ranking workbook: 2026年第三季度综合排名, 制表单位."""
    kind = {"month": "执行进度排名", "quarter": "综合排名", "year": "综合排名"}[res.kind]
    return Heading(kind, office, _period(res.period))


def rank_sheets(res: Ranking) -> list[SheetSpec]:
    """The ranking workbook: one sheet per group, 红榜, 黑榜, 未报送, 说明."""
    header, keys = rank_header(res, plain=True)
    formats = {3: TWO, **{4 + i: TWO for i in range(len(res.weights))}}
    if res.kind == "month":
        formats.update({len(header) - 3: PERCENT_POINTS, len(header) - 2: TWO})
    sheets = [SheetSpec(g, header, rank_rows(res, rows, keys), num_formats=formats)
              for g, rows in res.groups.items()]
    brief = ["分组", "名次", "单位", "编码", "得分"]
    sheets += [SheetSpec("红榜", brief, [list(r.brief().values()) for r in res.red()], num_formats={4: TWO}),
               SheetSpec("黑榜", brief, [list(r.brief().values()) for r in res.black()], num_formats={4: TWO}),
               SheetSpec("未报送", ["单位", "编码"], [[m["unit"], m["code"]] for m in res.missing])]
    if res.kind != "month":
        basis = {"rank": "排名末位", "grade": "综合评价等级"}
        sheets.insert(-1, SheetSpec("约谈", [*brief, "依据"],
                                    [[*i.values()][:-1] + [basis[i["basis"]]] for i in res.to_dict()["interview"]]))
    notes = res.list_lines() + res.notes()
    if notes:
        sheets.append(SheetSpec("说明", ["说明"], [[n] for n in notes], autofilter=False))
    return sheets


def monitor_heading(res: MonitorResult | LightsResult, office: str = "") -> Heading:
    """The title rows of the monitoring workbooks: 2026年8月预算执行进度监控表, 制表单位."""
    from .lights import LightsResult

    title = "绩效运行监控指标亮灯表" if isinstance(res, LightsResult) else "预算执行进度监控表"
    return Heading(title, office, _period(res.period))


def monitor_sheets(res: MonitorResult) -> list[SheetSpec]:
    """The execution-monitoring workbook: 单位汇总, 项目明细, 未报送, 数据缺失, 说明."""
    d = res.to_dict()
    units = [[u["unit"], u["code"], u["budget"], u["spent"], u["rate"], u["gap"], u["level_text"]] for u in d["units"]]
    projects = [[u["unit"], u["code"], p["project"], p["budget"], p["spent"], p["rate"], p["gap"], p["level_text"]]
                for u in d["units"] for p in u["projects"]]
    figures = ["全年预算（万元）", "累计支出（万元）", "执行率", GAP, "预警"]
    money = {0: MONEY, 1: MONEY, 2: PERCENT_POINTS, 3: TWO}
    progress = d["time_progress"]
    return [
        SheetSpec("单位汇总", ["单位", "编码", *figures], units, status=6,
                  num_formats={2 + c: f for c, f in money.items()}),
        SheetSpec("项目明细", ["单位", "编码", "项目", *figures], projects, status=7,
                  num_formats={3 + c: f for c, f in money.items()}),
        SheetSpec("未报送", ["单位", "编码"], [[m["unit"], m["code"]] for m in d["missing"]]),
        SheetSpec("数据缺失", ["单位", "编码", "项目", "行号", "缺失的列"],
                  [[i["unit"], i["code"], i["project"], i["row"], i["columns"]] for i in d["incomplete"]]),
        SheetSpec("说明", ["项目", "内容"], [["期间", _period(d["period"])],
                                          ["序时进度", f"{progress:.2f}%" if progress is not None else "—"],
                                          ["合计执行率", _percent(d["total"]["rate"])], ["金额单位", "万元"],
                                          *[["说明", n] for n in d["notes"]]], autofilter=False),
    ]


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}%"


LIGHTS_HEADER = ["单位", "项目", "指标", "年度指标值", "当前完成值", "按序时进度的完成比例", "亮灯", "判断依据"]


def lights_sheets(res: LightsResult) -> list[SheetSpec]:
    """The indicator-lights workbook: one row per indicator, the light as a word and a colour."""
    rows = [[i["unit"], i["project"], i["indicator"], i["target"], i["current"], i["p"], i["light_label"],
             i["basis"]] for i in res.to_dict()["indicators"]]
    return [SheetSpec("指标亮灯", LIGHTS_HEADER, rows, status=6, num_formats={5: PERCENT_POINTS})]
