"""X3xx: findings made by ``pbm score`` (pbmcli.scoring / pbmcli.scoring.crosscheck).

They are registered here only so that ``pbm rules list/explain`` and
docs/rules.md cover every code; ``engine.check`` does not run them (scope
"score").  Severities must equal scoring.FINDING_CODES / crosscheck.CROSS_CODES
(tests/test_registry.py checks it).  Division of work with the S rules: S206 /
S207 (``pbm validate``) compare each self-score with scoring.score_indicator;
X304 / X305 are the same comparison as reported by ``pbm score``, which does
not run S206 / S207, so one problem gives one finding per command.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from ..model import FormKind, Severity, Submission
from .registry import Check, Outcome, rule

if TYPE_CHECKING:
    from ..config import RulePack

_SELF = (FormKind.SELFEVAL,)
_S = ("scoring.score_tolerance", "scoring.decimals")


def _scored(code: str, name: str, severity: Severity, title: str, settings: tuple[str, ...] = ()) -> Callable[[Check], Check]:
    return rule(code=code, name=name, severity=severity, forms=_SELF, settings=settings, scope="score",
                message="{where}：" + title + "——{detail}")


@_scored("X301", "self-score-inflated", Severity.ERROR, "自评得分虚高",
         ("scoring.inflation_tolerance", "scoring.execution_caps_enabled", *_S))
def self_score_inflated(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：自评总分比按规则复核的总分高出允许误差以上（pbm score 复核）。
    原因：单位自评打分偏松、加总错误或未按公式计分，都会使自评等级虚高，影响结果应用。
    示例：自评总分 95 分，逐项复核后总分 88.5 分，高出 6.5 分。
    修正：按复核表逐项核对得分，按复核结果修改后重新报送。
    配置项：scoring.inflation_tolerance（允许误差，默认 1 分）；scoring.execution_caps_enabled；scoring.decimals。
    """
    yield from ()


@_scored("X302", "target-set-too-low", Severity.WARNING, "指标值设定偏低",
         ("scoring.overshoot_ratio", "scoring.overshoot_deduction"))
def target_set_too_low(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：正向指标的实际完成值达到年度指标值的 1.3 倍以上（pbm score 复核）。
    原因：大幅超额完成，多半是目标定得过低；财预〔2020〕10号要求说明原因，下年度合理设定目标。
    示例：目标“≥100人次”，实际完成 180 人次。
    修正：在偏差原因中说明超额原因，下年度按实际能力设定目标值。
    配置项：scoring.overshoot_ratio（倍数，默认 1.3）；scoring.overshoot_deduction（扣分，默认 0 不扣）。
    """
    yield from ()


@_scored("X303", "completion-synonym", Severity.INFO, "完成情况视同标准表述",
         ("scoring.completion_terms",))
def completion_synonym(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：定性指标的完成情况不是三档标准表述，但可按同义词归入某一档（pbm score 提示）。
    原因：标准表述为“达成年度指标 / 部分达成年度指标并具有一定效果 / 未达成年度指标且效果较差”，同义词归档后请核对是否符合本意。
    示例：完成情况写“已完成”，按“达成年度指标”计分。
    修正：改用三档标准表述。
    配置项：scoring.completion_terms（同义词表）。
    """
    yield from ()


@_scored("X304", "qualitative-band-score", Severity.ERROR, "定性指标自评得分不在完成档次内",
         ("scoring.qualitative_bands",))
def qualitative_band_score(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：pbm score 复核时发现定性指标的自评得分不在完成情况对应的档次内（与 pbm validate 的 S207 是同一检查）。
    原因：达成 80%～100%、部分达成 60%～80%、未达成 0～60% 的分值区间是定性指标计分的依据；复核得分取档次内最近的分数。
    示例：完成情况“部分达成年度指标并具有一定效果”，分值 10，自评 9 分，复核按 8 分计。
    修正：在档次区间内打分，或如实改正完成情况。
    配置项：scoring.qualitative_bands。
    """
    yield from ()


@_scored("X305", "score-differs", Severity.ERROR, "单项自评得分与复核得分不一致", _S)
def score_differs(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：pbm score 复核时某项（指标或预算执行率）的自评得分与按公式计算的得分不一致（与 pbm validate 的 S202、S206 是同一检查）。
    原因：得分应按统一公式计算，差异会累积到总分。
    示例：目标“≥100人次”，实际 80 人次，分值 10，自评 10 分，复核 8 分。
    修正：按复核得分修改。
    配置项：scoring.score_tolerance；scoring.decimals；scoring.reverse_mode。
    """
    yield from ()


@_scored("X306", "completion-unbanded", Severity.WARNING, "定性指标完成情况无法归档",
         ("scoring.completion_terms",))
def completion_unbanded(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：定性指标的完成情况既不是三档标准表述，也不能按同义词归档，复核时沿用自评得分。
    原因：无法归档就无法判断自评得分是否在正确档次内。
    示例：完成情况写“顺利推进”。
    修正：改用“达成年度指标”等三档标准表述。
    配置项：scoring.completion_terms。
    """
    yield from ()


@_scored("X307", "score-data-insufficient", Severity.WARNING, "数据不足，无法复核得分")
def score_data_insufficient(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：复核某项得分所需的数据（分值、实际完成值、预算数、执行数等）缺失或无法识别，该项和总分不予计算。
    原因：缺失的数据不按 0 分或满分处理，以免得出错误的总分和等级。
    示例：实际完成值为空；全年预算数为 0。
    修正：补全数据后重新复核（pbm validate 会指出具体单元格）。
    配置项：无。
    """
    yield from ()


@_scored("X308", "qualitative-score-blank", Severity.INFO, "定性指标未填自评得分")
def qualitative_score_blank(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：定性指标没有填自评得分，复核时按完成档次的下限计分。
    原因：按下限计分是保守做法，避免虚高。
    示例：完成情况“达成年度指标”，分值 10，得分空白，按 8 分计。
    修正：填写自评得分。
    配置项：scoring.qualitative_bands。
    """
    yield from ()


@_scored("X309", "initial-budget-used", Severity.INFO, "全年预算数缺失，按年初预算数计算执行率")
def initial_budget_used(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：全年预算数为空，复核执行率时改用年初预算数。
    原因：全年预算数（含调整）才是执行率的分母；缺失时用年初预算数近似，并提示核对。
    示例：年初预算数 100，全年预算数空白。
    修正：填写全年预算数（调整后预算）。
    配置项：无。
    """
    yield from ()


@_scored("X310", "unit-mismatch-not-scored", Severity.ERROR, "目标值与实际值单位不一致，未计分",
         ("scoring.fraction_max",))
def unit_mismatch_not_scored(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：pbm score 复核时，年度指标值与实际完成值一个是百分数、另一个是不带单位且不大于 1.5 的数，该项不计分，总分按数据不足处理（与 pbm validate 的 S214 是同一检查）。
    原因：0.93 可能是 93% 也可能是 0.93%；目标“=100%”在 Excel 中输成公式后单元格的值是 1。按原数计分会得出完全错误的得分，按 ×100 猜测也可能猜错，所以不猜，请填报单位核对。
    示例：目标值“≥95%”，实际完成值 0.93（常规格式）；目标值输成公式 =100%（值为 1），实际完成值 98%。
    修正：把百分数写成“93%”，或把单元格设置为百分比格式；目标值写成“≥100%”这样的文字。
    配置项：scoring.fraction_max（不带单位的数不大于此值时视为可能是小数形式的百分数，默认 1.5）。
    """
    yield from ()


def _cross(code: str, name: str, severity: Severity, title: str) -> Callable[[Check], Check]:
    return rule(code=code, name=name, severity=severity, forms=_SELF, scope="score",
                message="{where}：" + title + "——{detail}")


@_cross("X311", "indicator-added", Severity.WARNING, "自评表新增了绩效目标中没有的指标")
def indicator_added(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：自评表中的指标在已批复的绩效目标申报表中找不到（pbm score --goals 交叉核对）。
    原因：自评应对照批复的绩效目标逐项评价，不能自行增加指标。
    示例：目标表没有“宣传资料发放数量”，自评表却有。
    修正：删除新增指标，或说明目标调整的批准依据。
    配置项：无。
    """
    yield from ()


@_cross("X312", "indicator-dropped", Severity.WARNING, "自评表缺少已批复绩效目标中的指标")
def indicator_dropped(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：已批复绩效目标中的指标在自评表中没有出现。
    原因：漏评指标（常是未完成的指标）会使自评结果失真。
    示例：目标表有“培训合格率 ≥95%”，自评表没有该行。
    修正：补充该指标的实际完成值和得分。
    配置项：无。
    """
    yield from ()


@_cross("X313", "target-changed", Severity.ERROR, "年度指标值与已批复的绩效目标不一致")
def target_changed(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：自评表的年度指标值与已批复的目标值不同（比较解析后的符号、数值和单位，写法不同但含义相同的不报）。
    原因：“谁批复预算，谁批复目标”，目标批复后原则上不得调整；自评时改低目标会虚增得分。
    示例：目标表“≥1000人次”，自评表写“≥800人次”。
    修正：按批复的目标值填写；确经批准调整的，附调整依据。
    配置项：无。
    """
    yield from ()


@_cross("X314", "goal-not-found", Severity.WARNING, "未找到对应的已批复绩效目标")
def goal_not_found(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：交叉核对时找不到与自评表同一单位、同一项目的绩效目标申报表。
    原因：没有批复目标就无法核对目标值是否被改动。
    示例：项目名称在两张表中写法不同（“农村技术培训”与“农村实用技术培训”）。
    修正：统一项目名称，或把对应的目标申报表放入 --goals 指定的目录。
    配置项：无。
    """
    yield from ()


@_cross("X315", "goal-ambiguous", Severity.WARNING, "匹配到多份绩效目标申报表")
def goal_ambiguous(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：与自评表匹配的绩效目标申报表不止一份，无法确定以哪份为准。
    原因：同一项目报送了多个版本的目标表。
    示例：目标目录中同时有“培训项目.xlsx”和“培训项目（修改）.xlsx”。
    修正：只保留批复的那一份目标表。
    配置项：无。
    """
    yield from ()


@_scored("X316", "self-score-below", Severity.WARNING, "自评得分低于按公式计算的得分", _S)
def self_score_below(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：pbm score 复核时某项（指标或预算执行率）的自评得分低于按公式计算的得分（与 pbm validate 的 S219 是同一检查）。
    原因：少计分不抬高等级，但与数据对不上；单位可能另有扣分理由，应在偏差原因中写明。高于公式的是 X305（错误）。
    示例：实际完成值等于目标值，分值 20，自评 19 分。
    修正：写明扣分理由，或按公式改正得分。
    配置项：scoring.score_tolerance；scoring.decimals。
    """
    yield from ()


@_scored("X317", "weights-not-100-scored", Severity.WARNING, "分值合计不是 100", ("weights.tolerance",))
def weights_not_100_scored(sub: Submission, pack: RulePack) -> Iterator[Outcome]:
    """
    说明：pbm score 复核时，预算执行率和各指标的分值合计不是 100，总分按实际分值计算（与 pbm validate 的 S203 是同一问题）。
    原因：分值合计 60 的表复核出 60 分、评为“差”，并不说明项目差，而是分值填错或表格被截断；只看复核结果的人需要知道。
    示例：执行率 10 + 产出 50，表中没有效益、满意度指标，合计 60。
    修正：按 S203 的提示改正分值后重新复核。
    配置项：weights.tolerance。
    """
    yield from ()
