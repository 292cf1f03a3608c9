"""F0xx: file-level rules.

Most of these are raised outside ``engine.check`` (the reader raises
``InputError(code=...)``, the batch finds duplicates) and become findings via
``finding_for``; F005, F010 and F012 also run on a parsed submission.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from ..model import CellRef, Field, Severity, Submission
from .common import FUND_COLS, FUND_ROWS, is_blank_mark, norm_text, number_of, shown
from .registry import ALL_FORMS, Check, Hit, Outcome, hit, rule

if TYPE_CHECKING:
    from ..config import RulePack

ERROR, WARNING = Severity.ERROR, Severity.WARNING

_FIX_OPEN = "请用 Excel 或 WPS 打开该文件，确认能正常显示后另存为 .xlsx 再提交。"


def _file_rule(code: str, name: str, severity: Severity, message: str) -> Callable[[Check], Check]:
    return rule(code=code, name=name, severity=severity, message=message, forms=ALL_FORMS,
                scope="file")


def _nothing(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    yield from ()


@_file_rule("F001", "file-unreadable", ERROR,
            "{where}无法读取：{reason}。" + _FIX_OPEN)
def file_unreadable(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：文件无法作为表格读取（已损坏、被截断或根本不是 Excel/WPS 表格）。
    原因：无法读取的文件无法审核，只能退回重报。
    示例：把 .doc 文件或 CSV 文本改名为 .xlsx；压缩包下载不完整。
    修正：用 Excel 或 WPS 打开原文件，另存为 .xlsx 后重新提交。
    配置项：无。
    """
    yield from _nothing(sub, pack)


@_file_rule("F002", "file-encrypted", ERROR,
            "{where}设置了打开密码，无法读取。请去掉密码（文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码）后重新提交。")
def file_encrypted(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：文件设置了打开密码（加密），程序无法读取内容。
    原因：财政部门需要读取表格内容进行审核，加密文件无法审核。
    示例：单位为保密给工作簿加了打开密码。
    修正：在 Excel/WPS 中取消打开密码后重新提交；只保护工作表（不加密文件）不影响读取。
    配置项：无。
    """
    yield from _nothing(sub, pack)


@_file_rule("F003", "not-a-form", ERROR,
            "{where}不是可识别的绩效表格：{reason}。应为“项目支出绩效目标申报表”或“项目支出绩效自评表”，请使用统一模板（pbm template）填报。")
def not_a_form(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：表格内容中找不到绩效目标申报表或绩效自评表的标题和栏目名称。
    原因：程序按标题和栏目名称识别表格，不看文件名；识别不出就无法审核。
    示例：提交了预算明细表、空白工作簿，或把栏目名称改得面目全非。
    修正：使用统一下发的模板（pbm template goal / selfeval）重新填报，不要删改栏目名称。
    配置项：无。
    """
    yield from _nothing(sub, pack)


@rule(code="F004", name="unknown-template-version", severity=WARNING, forms=ALL_FORMS,
      message="{where}：模板版本标记「{actual}」无法识别，应为 {expected}；已按栏目名称读取，结果可能不准确。请用 pbm template 生成的最新模板重新填报。")
def unknown_template_version(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：表格带有 pbm 模板版本标记，但类型或版本号不在已知版本之列（仍按栏目名称读取）。
    原因：栏目布局随模板版本变化，版本不明时可能读错单元格。
    示例：使用了其他地区修改过的 pbm 模板，版本标记为 goal-9.9。
    修正：用 pbm template 生成的最新模板重新填报。
    配置项：无。
    """
    for issue in sub.issues:
        if issue.kind == "unknown_template_version":
            yield hit(issue.ref, actual=issue.text, expected="pbm template 生成的模板版本")


@rule(code="F005", name="formula-without-value", severity=ERROR, forms=ALL_FORMS,
      message="{where}是公式{formula}，但文件中没有保存计算结果，无法读取数值。"
              "请用 Excel 或 WPS 打开文件、确认公式已计算后保存，再重新提交。")
def formula_without_value(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：单元格是公式，但文件里没有保存公式的计算结果（常见于用程序生成、未经 Excel 打开保存的文件）。
    原因：程序只读取保存下来的结果，不自行猜测公式的值；没有结果就无法核对。
    示例：资金总额单元格为 =B6+B7+B8，但文件由脚本生成，从未在 Excel 中打开。
    修正：用 Excel 或 WPS 打开文件，按 F9 重新计算后保存，再提交。
    配置项：无。
    """
    seen: set[CellRef | None] = set()
    for issue in sub.issues:
        if issue.kind == "formula_uncached" and (issue.ref is None or issue.ref not in seen):
            seen.add(issue.ref)
            yield _uncached(issue.ref, issue.text)
    for f in _numeric_fields(sub):
        if f.formula_uncached and f.ref not in seen and f.ref is not None:
            seen.add(f.ref)
            yield _uncached(f.ref, f.text)


def _uncached(ref: CellRef | None, text: str) -> Hit:
    formula = text if text.startswith("=") else ""
    return hit(ref, actual=formula or "公式（无计算结果）", expected="公式的计算结果",
               formula=f"「{formula}」" if formula else "")


@_file_rule("F006", "duplicate-file", WARNING,
            "{where}与「{other}」内容完全相同（同一文件重复提交），本次只审核其中一份。请删除重复文件。")
def duplicate_file(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：同一批次中两个文件的内容完全相同（SHA-256 相同）。
    原因：重复提交会造成重复计分、重复排名。
    示例：同一文件既单独提交，又放在压缩包里提交。
    修正：删除重复的一份。
    配置项：无。
    """
    yield from _nothing(sub, pack)


@_file_rule("F007", "duplicate-project", WARNING,
            "{where}与「{other}」是同一单位「{unit}」的同一项目「{project}」，请确认哪一份是最终版本，删除另一份。")
def duplicate_project(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：同一批次中有两份表格的实施单位和项目名称都相同。
    原因：同一项目报了两次，多半是修改前后的两个版本，会造成重复计分。
    示例：“某某项目.xlsx”和“某某项目（修改后）.xlsx”同时提交。
    修正：只保留最终版本。
    配置项：无。
    """
    yield from _nothing(sub, pack)


@_file_rule("F008", "empty-file", ERROR, "{where}是空文件（0 字节），请重新导出或重新提交。")
def empty_file(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：文件大小为 0 字节。
    原因：空文件没有任何内容，通常是保存或传输失败。
    示例：微信、邮件传输中断后留下的空文件。
    修正：重新保存并提交文件。
    配置项：无。
    """
    yield from _nothing(sub, pack)


@_file_rule("F009", "limits-exceeded", ERROR,
            "{where}超出处理上限：{reason}。请确认提交的是绩效表格本身，删除多余的工作表和空行后重新提交。")
def limits_exceeded(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：文件过大、行列数过多、压缩比异常或处理用时过长，超出安全处理上限。
    原因：为防止异常文件拖垮程序（如“压缩炸弹”、结构畸形使读取越来越慢的文件），对大小、行列数和每个文件的处理时间设了上限。
    示例：工作表中误填到第 100 万行；压缩包内文件解压后超过上限；一个文件处理超过 60 秒。
    修正：删除多余的工作表、行和列，另存后重新提交。
    配置项：无（上限见 README“安全与可靠性”；每个文件的处理时间上限用环境变量 PBM_FILE_TIMEOUT 调整）。
    """
    yield from _issue_hits(sub, "out_of_bounds")


@rule(code="F010", name="hidden-or-multiple-forms", severity=WARNING, forms=ALL_FORMS,
      message="{where}：{actual}。本次按{expected}审核，请确认这是要提交的表格，删除或拆分其他表格。")
def hidden_or_multiple(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：表格位于隐藏的工作表中，或一个文件里有多张绩效表格。
    原因：审核只针对一张表格；隐藏表或多张表容易让审核的内容与单位想提交的不一致。
    示例：单位把去年的表格隐藏在同一工作簿中；一个文件里放了三个项目的申报表。
    修正：一个文件只放一个项目的一张表格，删除隐藏或多余的工作表。
    配置项：无。
    """
    for issue in sub.issues:
        if issue.kind in ("hidden_sheet", "multiple_forms"):
            what = issue.detail or ("表格位于隐藏工作表中" if issue.kind == "hidden_sheet"
                                    else "文件中有多张绩效表格")
            yield hit(issue.ref, actual=what, expected=f"工作表「{sub.sheet}」")


@_file_rule("F011", "wrong-extension", WARNING,
            "{where}的扩展名与内容不符：{reason}。请用 Excel/WPS 打开后另存为 .xlsx，不要直接改扩展名。")
def wrong_extension(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：文件扩展名与实际格式不一致，但内容仍是能读取的表格（如内容是 .xls 却命名为 .xlsx）。内容根本不是表格（CSV 文本、网页、普通压缩包改名为 .xlsx）时无法审核，报 F001（错误）。
    原因：扩展名不符的文件在别的电脑上可能打不开，归档时也容易出错；能识别的格式照常读取审核。
    示例：把旧版 .xls 文件直接改名为 .xlsx。
    修正：用 Excel/WPS 打开后“另存为”正确格式（建议 .xlsx），不要直接改扩展名。
    配置项：无。
    """
    yield from _issue_hits(sub, "wrong_extension")


def _issue_hits(sub: Submission, kind: str) -> Iterator[Outcome]:
    """One hit per reader issue of ``kind``; its detail is the Chinese reason."""
    for issue in sub.issues:
        if issue.kind == kind:
            yield hit(issue.ref, actual=issue.text or None, reason=issue.detail)


@rule(code="F012", name="not-a-number", severity=ERROR, forms=ALL_FORMS,
      message="{where}应填数字，现为「{actual}」。请只填写数值（如 {expected}），单位写在栏目名称中，不要填文字。")
def not_a_number(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：要求填数字的单元格（资金、分值、得分、总分）里填了文字。
    原因：文字无法参与计算，资金平衡、执行率和得分都无法核对。
    示例：分值栏填“十分”，全年执行数填“约120万”。
    修正：改为纯数值，如 10、120.5；金额单位以栏目名称为准（通常为万元）。
    配置项：goal.blank_marks（表示“无”的记号，如“——”“/”，视为空，不报此规则）。
    """
    seen: set[CellRef] = set()
    marks = {norm_text(m) for m in pack.goal.blank_marks}
    for issue in sub.issues:
        if issue.kind == "not_a_number" and issue.ref is not None:
            seen.add(issue.ref)
            if norm_text(issue.text) not in marks:
                yield _nan_hit(issue.ref, issue.text)
    for f in _numeric_fields(sub):
        if f.ref is None or f.ref in seen or f.formula_uncached or is_blank_mark(f, pack):
            continue
        if number_of(f) is None and not _percent_text(f):
            seen.add(f.ref)
            yield _nan_hit(f.ref, shown(f))


def _nan_hit(ref: CellRef, text: str) -> Hit:
    return hit(ref, actual=text, expected="10 或 120.5")


def _percent_text(f: Field) -> bool:
    """执行率 written as text "96%" / "96.5％" is a number for our purposes."""
    t = str(f.value).strip().rstrip("%％")
    try:
        float(t)
    except ValueError:
        return False
    return True


def _numeric_fields(sub: Submission) -> Iterator[Field]:
    """Every cell that must hold a number: funds, 分值, 得分, 总分."""
    for rows in sub.funds.values():
        for row in FUND_ROWS:
            for col in FUND_COLS:
                f = rows.get(row, {}).get(col)
                if f is not None:
                    yield f
    for ind in sub.indicators:
        for key in ("weight", "score"):
            yield ind.get(key)
    for key in ("weight", "score"):
        if key in sub.totals:
            yield sub.totals[key]
