"""`pbm dashboard`: the period at a glance, as one offline HTML page."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from .app import command
from .ledger_common import DateOpt, DbOpt, open_db, rule_pack
from .options import ConfigOpt, ForceOpt, RulesOpt
from .output import err, shown


@command("dashboard", help="生成看板：一个离线 HTML 页面（不联网，可直接发送、双击打开、横向 A4 打印），"
                           "显示总体情况、各单位执行率、月度走势、排名（可排序、按类别筛选）、自评复核、指标亮灯、"
                           "整改和结果应用；数字与 pbm rank / monitor / apply 的输出一致。")
def dashboard_cmd(
    period: Annotated[str, typer.Option("--period", "-p", help="期间：2026-10（月）、2026Q3（季度）或 2026（年度）。")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="输出的 .html 文件；默认为工作区「输出」文件夹"
                                                                      "（不在工作区时为当前文件夹）下的「期间绩效看板.html」。")] = None,
    lights: Annotated[Path | None, typer.Option("--lights", help="绩效运行监控表（文件或文件夹），在看板中显示指标亮灯。")] = None,
    force: ForceOpt = False,
    db: DbOpt = None,
    date: DateOpt = None,
    config: ConfigOpt = None,
    rules: RulesOpt = None,
) -> None:
    from ..fileio import write_text
    from ..period import Period
    from ..render.dashboard import collect, render

    pack = rule_pack(rules, config)
    p = Period.parse(period)
    light_data = _lights(lights, p, pack) if lights is not None else None
    target = output or (pack.workspace.folder("输出") or Path(".")) / f"{p}绩效看板.html"
    if target.suffix.lower() not in (".html", ".htm"):
        from ..errors import UsageError

        raise UsageError(f"看板是 HTML 页面，-o 应以 .html 结尾，现为「{target}」。")
    with open_db(pack, db, date) as ledger:
        data = collect(ledger, str(p), pack, light_data, ledger.today())
    write_text(target, render(data, pack), force)
    err.print(f"已生成：{shown(target)}（双击用浏览器打开；打印时选择横向）", markup=False)


def _lights(path: Path, p: Any, pack: Any) -> dict[str, Any]:
    from ..cycle.lights import monitor_forms
    from ..errors import UsageError
    from ..ledger.workspace import read_forms

    if not path.exists():
        raise UsageError(f"找不到绩效运行监控表 {path}。")
    month = str(p.months[-1]) if p.kind != "month" else str(p)
    subs, findings, months, skipped = read_forms([path], pack=pack)
    if not subs:
        why = "；".join([*(f.message for f in findings[:3]), *skipped[:3]])
        raise UsageError(f"{path} 中没有可读取的绩效运行监控表" + (f"：{why}" if why else "。"))
    return dict(monitor_forms(subs, month, pack, months).to_dict())
