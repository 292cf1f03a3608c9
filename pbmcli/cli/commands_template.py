"""`pbm template`: blank official-layout workbooks, or one pre-filled copy per unit."""

from __future__ import annotations

from typing import Annotated

import typer

from .app import command
from .options import ConfigOpt, ForceOpt, RulesOpt
from .output import shown

_HELP = (
    "生成国家表样的空白 Excel 模板：goal（项目支出绩效目标申报表）、selfeval（项目支出绩效自评表）、"
    "monitor（项目支出绩效运行监控表）、units（单位名录）。模板带填表说明、下拉列表、公式、打印设置"
    "和版本标记。加 --units 单位名录.xlsx --out-dir 文件夹，可为每个单位生成已填好单位名称和编码的一份。"
)


@command("template", help=_HELP)
def template(
    kind: Annotated[str, typer.Argument(metavar="种类", help="模板种类：goal、selfeval、monitor、units。")],
    output: Annotated[str | None, typer.Option(
        "--output", "-o", help="输出文件路径；默认在当前文件夹生成中文文件名，如 项目支出绩效自评表.xlsx。")] = None,
    units: Annotated[str | None, typer.Option(
        "--units", help="单位名录（xlsx/xls/csv）：为其中每个单位各生成一份预填表格。")] = None,
    out_dir: Annotated[str | None, typer.Option(
        "--out-dir", help="与 --units 一起使用：预填表格的输出文件夹（不存在会自动创建）。")] = None,
    force: ForceOpt = False,
    rules: RulesOpt = None,
    config: ConfigOpt = None,
) -> None:
    from ..errors import UsageError
    from ..forms import check_kind, write_template
    from .options import settings
    from .output import note

    check_kind(kind)
    pack = settings(rules, config)
    if units is None:
        if out_dir is not None:
            raise UsageError("--out-dir 只能与 --units 一起使用；生成单个模板请用 -o 指定文件。")
        path = write_template(kind, output, force=force, pack=pack)
        note(f"已生成：{shown(path)}")
        return
    if output is not None or out_dir is None:
        raise UsageError("按单位分发时请用 --out-dir 指定输出文件夹（不能同时用 -o）。")
    from ..forms.distribute import write_unit_copies

    paths = write_unit_copies(kind, units, out_dir, force=force, pack=pack)
    note(f"已为 {len(paths)} 个单位生成表格，保存在：{out_dir}")
