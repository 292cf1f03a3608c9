"""U4xx / M5xx / R6xx: findings made while matching units, reading execution exports and
importing rectification lists.

Like the X3xx codes they are made outside ``engine.check`` (pbmcli.ledger.units,
pbmcli.cycle.monitor) and registered here so that ``pbm rules list/explain`` and
docs/rules.md cover every code pbm can report.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..model import FormKind, Severity, Submission
from .registry import Outcome, rule

if TYPE_CHECKING:
    from ..config import RulePack

_ALL = (FormKind.GOAL, FormKind.SELFEVAL, FormKind.MONITOR)


@rule(code="U401", name="unit-not-in-directory", severity=Severity.WARNING, forms=_ALL,
      scope="ledger", message="{where}：{detail}")
def unit_not_in_directory(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：报表或执行数据中的单位名称、编码在单位名录（units.xlsx）中找不到（依次按编码、名称、简称/别名匹配）。
    原因：匹配不上的单位无法计入排名和通报，它的报送情况会被误列为“未报送”。
    示例：表中写“县卫健局”，名录中单位名称为“示例县卫生健康局”，简称一栏没有“县卫健局”。
    修正：在单位名录的“简称/别名”栏补上这种写法（多个用顿号分隔），用 pbm ledger --units 重新导入；或请单位按规范名称填写。
    配置项：无（名录路径见 pbm.toml [workspace] units）。
    """
    yield from ()


@rule(code="R601", name="rectify-deadline-unreadable", severity=Severity.WARNING, forms=_ALL,
      scope="rectify", message="{where}：{detail}")
def rectify_deadline_unreadable(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：整改清单中某行的“整改期限”不是有效日期（如 2026-13-45、2026-02-30、abc），该行没有导入。
    原因：期限决定事项何时逾期，进而影响排名的“按期整改”维度和通报中的逾期清单；猜一个日期会让逾期的事项永不逾期。
    示例：整改期限写“2026/2/30”。“12月底前”“2026年6月底”这类写法可以识别（没写年份的按导入当年）；空白按默认期限导入并说明。
    修正：改为有效日期（如 2026-06-30）后重新导入该清单，已导入的行不会重复导入。
    配置项：rank.rectify_days（未写期限时的默认期限：导入日起的天数）。
    """
    yield from ()


@rule(code="M501", name="execution-amount-missing", severity=Severity.WARNING, forms=_ALL,
      scope="monitor", message="{where}：{detail}")
def execution_amount_missing(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：预算执行导出表中某行的全年预算数或累计支出为空、“—”“/”或文字。
    原因：缺少金额就算不出执行率；按 0 计算会把单位误判为严重滞后，所以该行不计入执行率和合计，单列为“数据缺失”。
    示例：河口乡某项目“累计支出”一栏填“—”。
    修正：在预算系统中补齐该项目的金额后重新导出，或核实该项目是否应纳入本月监控。
    配置项：monitor.aliases（表头别名）。
    """
    yield from ()


@rule(code="M502", name="execution-amounts-in-yuan", severity=Severity.INFO, forms=_ALL,
      scope="monitor", message="{where}：{detail}")
def execution_amounts_in_yuan(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：执行导出表的金额单位是“元”（表头上方有“单位：元”，或列名为“全年预算数（元）”），已除以 10000 换算为万元。
    原因：台账和通报中的金额一律以万元计，混用元和万元会使执行率、排名和通报数字出错。
    示例：“单位：元”下的 4,500,000 按 450 万元记录。
    修正：无需修改；如换算有误，请检查导出表的单位说明。
    配置项：无。
    """
    yield from ()
