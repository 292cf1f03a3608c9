"""Generate the bundled examples of the fictional county 示例县.

Run ``python examples/generate_examples.py [OUT_DIR]`` (default: the folder of
this script).  Everything is deterministic: fixed workbook properties, fixed
zip timestamps, no randomness without a fixed seed.

This script deliberately does NOT import pbmcli: the examples are made "by
another tool" (xlsxwriter, which stores cached values of formula cells exactly
like Excel/WPS do) so that pbm is tested on forms it did not write itself.

The expected findings are listed in planted.json (and README.md); the national
scoring rules of domain.md are re-implemented here (``score_indicator``) so the
clean self-evaluations carry exactly right self-scores.
"""

from __future__ import annotations

import csv
import io
import json
import random
import sys
import zipfile
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

YEAR = 2026
CREATED = datetime(2026, 11, 20, 9, 30, 0)
TODAY = date(2026, 11, 22)
SEED = 20261122
SUB = f"submissions/{YEAR}"
GOAL_DIR = f"{SUB}/目标申报"
SELF_DIR = f"{SUB}/自评"
ZIP_SEP = "/"  # a zip member is shown as "<archive>.zip/<member>"

VAGUE = ("提高", "改善", "加强", "提升", "促进", "推动", "有效", "明显", "进一步")
PLACEHOLDERS = ("*", "XX", "xx", "××", "略", "——", "--", "待定", "待补充", "暂无")
COST_WORDS = ("成本", "费用", "单价", "造价", "经费", "支出")
COMPLETION = ("达成年度指标", "部分达成年度指标并具有一定效果", "未达成年度指标且效果较差")


# --------------------------------------------------------------------------- units

@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    aliases: str
    parent: str  # 主管部门 (full name)
    kind: str  # 部门 / 乡镇
    contact: str
    phone: str


def _u(code: str, name: str, aliases: str, kind: str, contact: str, parent: str = "") -> Unit:
    return Unit(code, name, aliases, parent or name, kind, contact, f"0739-53{code[-5:]}")


UNITS: dict[str, Unit] = {
    "edu": _u("101001", "示例县教育局", "县教育局、教育局", "部门", "王芳"),
    "school": _u("101002", "示例县第一中学", "县一中、第一中学", "部门", "陈刚", "示例县教育局"),
    "health": _u("102001", "示例县卫生健康局", "县卫健局、卫健局、县卫生健康局", "部门", "李静"),
    "cdc": _u("102002", "示例县疾病预防控制中心", "县疾控中心、疾控中心", "部门", "周敏", "示例县卫生健康局"),
    "agri": _u("103001", "示例县农业农村局", "县农业农村局、农业农村局、县农业局", "部门", "赵磊"),
    "trans": _u("104001", "示例县交通运输局", "县交通运输局、县交通局、交通局", "部门", "孙涛"),
    "water": _u("105001", "示例县水利局", "县水利局、水利局", "部门", "吴强"),
    "civil": _u("106001", "示例县民政局", "县民政局、民政局", "部门", "郑丽"),
    "housing": _u("107001", "示例县住房和城乡建设局", "县住建局、住建局、住房和城乡建设局", "部门", "冯军"),
    "culture": _u("108001", "示例县文化广电旅游体育局", "县文广旅体局、文旅局、文化广电旅游体育局", "部门", "蒋华"),
    "hr": _u("109001", "示例县人力资源和社会保障局", "县人社局、人社局", "部门", "韩梅"),
    "chengguan": _u("201001", "示例县城关镇人民政府", "城关镇、城关镇政府", "乡镇", "杨帆"),
    "qingshan": _u("201002", "示例县青山镇人民政府", "青山镇、青山镇政府", "乡镇", "朱红"),
    "hekou": _u("201003", "示例县河口乡人民政府", "河口乡、河口乡政府", "乡镇", "秦勇"),
    "shiqiao": _u("201004", "示例县石桥镇人民政府", "石桥镇、石桥镇政府", "乡镇", "许洁"),
    "baisha": _u("201005", "示例县白沙乡人民政府", "白沙乡、白沙乡政府", "乡镇", "何平"),
    "taoyuan": _u("201006", "示例县桃源镇人民政府", "桃源镇、桃源镇政府", "乡镇", "吕娜"),
}


# --------------------------------------------------------------------------- values and scoring

@dataclass(frozen=True)
class Value:
    """A parsed indicator value: op + number + unit, or a qualitative term."""

    op: str | None
    num: Fraction | None
    unit: str
    term: str = ""

    @property
    def quantitative(self) -> bool:
        return self.num is not None


def parse_value(text: str) -> Value:
    t = text.strip()
    op = None
    for sym in ("≥", "≤", "=", ">", "<"):
        if t.startswith(sym):
            op, t = sym, t[len(sym):]
            break
    i = 0
    while i < len(t) and (t[i].isdigit() or t[i] == "."):
        i += 1
    if i == 0:
        return Value(None, None, "", term=text.strip())
    return Value(op, Fraction(Decimal(t[:i])), t[i:].strip())


def half_up(x: Fraction, places: int = 2) -> Decimal:
    """Round half-up; refuses near-ties so float engines agree with us."""
    scaled = x * 10**places
    frac = scaled - (scaled.numerator // scaled.denominator)
    assert abs(frac - Fraction(1, 2)) > Fraction(1, 10**6), f"near-tie score {float(x)}"
    q = Decimal(x.numerator) / Decimal(x.denominator)
    return q.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def score_indicator(target: str, actual: str | None, weight: Decimal) -> Decimal | None:
    """National rules (domain.md 'pbm defaults'); None for qualitative or missing data."""
    if actual is None or actual == "":
        return None
    a, b = parse_value(target), parse_value(actual)
    w = Fraction(weight)
    if not a.quantitative:
        return None  # qualitative: the self-score is kept when in band
    assert b.quantitative, (target, actual)
    A, B = a.num, b.num
    if a.op in ("≤", "<"):
        s = w if B <= A else A / B * w
    elif a.op == "=" and A == 0:
        s = w if B <= 0 else Fraction(0)
    else:
        s = w if B >= A else B / A * w
    return half_up(s)


def qualitative_band(actual: str, weight: Decimal) -> tuple[Decimal, Decimal]:
    w = Decimal(weight)
    if actual == COMPLETION[0]:
        return w * Decimal("0.8"), w
    if actual == COMPLETION[1]:
        return w * Decimal("0.6"), w * Decimal("0.8")
    return Decimal(0), w * Decimal("0.6")


def execution_score(budget: Decimal, spent: Decimal) -> Decimal:
    rate = min(Fraction(spent) / Fraction(budget), Fraction(1))
    return half_up(rate * 10)


def misses_target(target: str, actual: str | None) -> bool:
    if not actual:
        return True
    a, b = parse_value(target), parse_value(actual)
    if not a.quantitative:
        return actual != COMPLETION[0]
    if a.op in ("≤", "<"):
        return b.num > a.num
    if a.op == "=":
        return b.num != a.num if a.num else b.num > 0
    return b.num < a.num


# --------------------------------------------------------------------------- catalog

@dataclass
class Ind:
    l1: str
    l2: str
    name: str
    target: str
    actual: str = ""
    weight: Decimal = Decimal(0)
    reason: str = ""
    score: Decimal | None = None  # the self-score written; None = computed

    def computed(self) -> Decimal | None:
        """The national score of a quantitative indicator (None: qualitative or no actual)."""
        return score_indicator(self.target, self.actual, self.weight)

    def self_score(self) -> Decimal:
        """The score the unit writes: full for 达成 qualitative ones unless set."""
        if self.score is not None:
            return self.score
        s = self.computed()
        if s is None and self.actual == COMPLETION[0]:
            return self.weight
        assert s is not None, self.name
        return s


L1 = {"产出": "产出指标", "效益": "效益指标", "满意度": "满意度指标", "成本": "成本指标"}
L2 = {"数量": "数量指标", "质量": "质量指标", "时效": "时效指标", "社会": "社会效益指标",
      "经济": "经济效益指标", "生态": "生态效益指标", "可持续": "可持续影响指标",
      "满意": "服务对象满意度指标", "经济成本": "经济成本指标"}


def inds(spec: str) -> list[Ind]:
    """One indicator a line: 一级|二级|三级|指标值|实际完成值|分值|偏差原因 (short level keys)."""
    out = []
    for line in spec.strip().splitlines():
        parts = [p.strip() for p in line.split("|")]
        parts += [""] * (7 - len(parts))
        l1, l2, name, target, actual, weight, reason = parts[:7]
        out.append(Ind(L1.get(l1, l1), L2.get(l2, l2), name, target, actual,
                       Decimal(weight or "0"), reason))
    return out


@dataclass
class Funds:
    """万元. appropriation / carryover / other for 年初预算数, 全年预算数, 全年执行数."""

    initial: tuple[str, str, str]
    budget: tuple[str, str, str]
    spent: tuple[str, str, str]

    def col(self, which: str) -> list[Decimal]:
        parts = [Decimal(x) for x in getattr(self, which)]
        return [sum(parts, Decimal(0)), *parts]


@dataclass
class Project:
    key: str
    unit: str  # key in UNITS (实施单位)
    name: str
    attribute: str  # 新增项目 / 延续项目
    funds: Funds
    goal: str  # 年度目标 / 预期目标
    done: str  # 实际完成情况
    indicators: list[Ind]
    period: str = "1年"
    midterm: tuple[str, str, str] | None = None  # 中期 appropriation/carryover/other
    midterm_goal: str = ""
    assessed: str = "不适用（延续项目）"

    @property
    def dept(self) -> Unit:
        return UNITS[next(k for k, u in UNITS.items() if u.name == UNITS[self.unit].parent)]


def village_admin(unit: str, key: str, villages: int, cadres: int, funds: Funds, actuals: str = "") -> Project:
    """村级组织运转补助 (township template)."""
    a = (actuals or f"{villages}个|{cadres}人|100%|100%|100%|达成年度指标|95%").split("|")
    spec = f"""产出|数量|保障运转行政村数量|≥{villages}个|{a[0]}|15
产出|数量|村干部基本报酬发放人数|≥{cadres}人|{a[1]}|15
产出|质量|补助资金足额发放率|=100%|{a[2]}|10
产出|时效|补助发放及时率|≥95%|{a[3]}|10
效益|社会|村级组织正常运转率|=100%|{a[4]}|15
效益|可持续|村级组织运转保障机制|长期运行|{a[5]}|15
满意度|满意|村干部满意度|≥90%|{a[6]}|10"""
    town = UNITS[unit].aliases.split("、")[0]
    return Project(key, unit, "村级组织运转补助", "延续项目", funds,
                   f"保障{town}{villages}个行政村村级组织正常运转，按时足额发放{cadres}名村干部基本报酬及村级办公补助。",
                   f"{town}{villages}个行政村村级组织运转正常，村干部报酬按月足额发放。", inds(spec))


def living_env(unit: str, key: str, villages: int, toilets: int, funds: Funds, actuals: str) -> Project:
    """农村人居环境整治 (township template)."""
    a = actuals.split("|")
    spec = f"""产出|数量|完成整治行政村数量|≥{villages}个|{a[0]}|15
产出|数量|新建改造农村户厕数量|≥{toilets}户|{a[1]}|15
产出|质量|生活垃圾收运处置体系覆盖率|≥95%|{a[2]}|10
产出|时效|整治任务完成时限|按时完成|达成年度指标|10
效益|社会|村庄环境卫生考核达标率|≥90%|{a[3]}|15
效益|生态|农村生活污水治理率|≥45%|{a[4]}|15
满意度|满意|村民满意度|≥90%|{a[5]}|10"""
    town = UNITS[unit].aliases.split("、")[0]
    return Project(key, unit, "农村人居环境整治", "延续项目", funds,
                   f"完成{town}{villages}个行政村人居环境整治，新建改造农村户厕{toilets}户，生活垃圾收运处置体系覆盖全部行政村。",
                   f"{town}完成{a[0]}行政村整治，新建改造户厕{a[1]}，垃圾收运处置覆盖率{a[2]}。", inds(spec))


def F(initial: tuple[str, str, str], budget: tuple[str, str, str] | None = None,
      spent: tuple[str, str, str] = ("0", "0", "0")) -> Funds:
    return Funds(initial, budget or initial, spent)


def build_catalog() -> dict[str, Project]:
    P: dict[str, Project] = {}

    def add(p: Project) -> None:
        P[p.key] = p

    add(Project("nutrition", "edu", "农村义务教育学生营养改善计划", "延续项目",
                F(("560.00", "26.00", "0"), spent=("545.35", "26.00", "0")),
                "为全县21000名农村义务教育阶段学生提供营养膳食补助，补助标准每生每天5元，全年供餐不少于200天，确保食品安全零事故。",
                "全年为21360名学生提供营养膳食补助202天，未发生食品安全事故，补助资金按月足额拨付。",
                inds("""产出|数量|受益学生人数|≥21000人|21360人|15
产出|数量|营养膳食供餐天数|≥200天|202天|10
产出|质量|食品安全事故发生数|=0起|0起|10
产出|质量|供餐食品抽检合格率|=100%|100%|10
产出|时效|补助资金按月拨付率|≥95%|100%|5
效益|社会|学生营养健康监测覆盖率|≥95%|97%|15
效益|可持续|营养餐供餐长效机制|规范运行|达成年度指标|15
满意度|满意|学生及家长满意度|≥90%|93.6%|10""")))
    add(Project("school_repair", "edu", "中小学校舍维修改造", "新增项目",
                F(("320.00", "0", "0")),
                "完成全县12所中小学8500平方米校舍维修改造，消除校舍安全隐患，秋季开学前全部完工并通过验收。",
                "", inds("""产出|数量|维修改造校舍面积|≥8500平方米
产出|数量|受益学校数量|≥12所
产出|质量|工程验收合格率|=100%
产出|时效|工程完工时限|按时完成
成本|经济成本|维修改造单价|≤350元/平方米
效益|社会|校舍安全隐患消除率|=100%
效益|可持续|校舍使用年限延长|≥10年
满意度|满意|师生满意度|≥90%"""), assessed="已开展"))
    add(Project("public_health", "health", "基本公共卫生服务", "延续项目",
                F(("780.00", "32.40", "0"), spent=("763.75", "32.40", "0")),
                "为全县城乡居民免费提供基本公共卫生服务，居民电子健康档案建档率不低于90%，65岁及以上老年人健康管理15000人以上。",
                "全县居民电子健康档案建档率92.3%，65岁及以上老年人健康管理15320人，各项服务按规范开展。",
                inds("""产出|数量|居民电子健康档案建档率|≥90%|92.3%|10
产出|数量|65岁及以上老年人健康管理人数|≥15000人|15320人|10
产出|质量|适龄儿童国家免疫规划疫苗接种率|≥98%|98.6%|10
产出|质量|高血压患者规范管理率|≥65%|66.2%|10
产出|时效|补助资金拨付及时率|≥95%|100%|10
效益|社会|重点人群健康管理覆盖率|≥85%|86.4%|15
效益|可持续|基本公共卫生服务长效机制|长期运行|达成年度指标|15
满意度|满意|城乡居民满意度|≥90%|92%|10""")))
    add(Project("family_doctor", "health", "家庭医生签约服务", "延续项目",
                F(("90.00", "0", "6.00"), spent=("87.12", "0", "6.00")),
                "组建48个家庭医生签约服务团队，重点人群签约42000人以上，为签约居民提供基本医疗和健康管理服务。",
                "组建签约团队48个，重点人群签约43150人，履约服务率77.6%。",
                inds("""产出|数量|重点人群签约人数|≥42000人|43150人|15
产出|数量|签约服务团队数量|≥48个|48个|10
产出|质量|签约居民履约服务率|≥80%|77.6%|15|部分签约居民外出务工，上门履约服务未全部完成；下一步通过电话随访和集中服务日补足。
产出|时效|转诊预约平均等待时间|≤7天|8天|10|县级医院门诊高峰期转诊排队时间偏长；下一步为签约居民开通转诊绿色通道。
效益|社会|重点人群签约覆盖率|≥75%|76.8%|20
效益|可持续|家庭医生团队服务机制|规范运行|达成年度指标|10
满意度|满意|签约居民满意度|≥90%|91.5%|10""")))
    add(Project("farmland", "agri", "高标准农田建设", "新增项目",
                F(("1400.00", "0", "100.00")),
                "新建高标准农田1.5万亩，工程验收合格率100%，项目区粮食亩产增加50公斤以上。",
                "", inds("""产出|数量|新建高标准农田面积|≥1.5万亩
产出|质量|工程验收合格率|=100%
产出|时效|年度建设任务完成时限|按时完成
成本|经济成本|亩均建设投入|≤1000元/亩
效益|经济|项目区粮食亩产增加量|≥50公斤
效益|生态|节水灌溉面积占比|≥30%
效益|可持续|工程设施管护责任落实率|=100%
满意度|满意|项目区农户满意度|≥90%"""), period="3年（2026—2028年）",
                midterm=("4200.00", "0", "300.00"),
                midterm_goal="2026—2028年新建高标准农田4.5万亩，项目区灌排设施配套完善。", assessed="已开展"))
    add(Project("soil", "agri", "耕地地力保护补贴", "延续项目",
                F(("2380.00", "0", "0"), spent=("2380.00", "0", "0")),
                "按时足额发放耕地地力保护补贴，补贴面积52.6万亩，享受补贴农户6.8万户，落实耕地保护责任。",
                "发放补贴面积52.8万亩，惠及农户6.85万户，补贴资金全部通过“一卡通”发放到户。",
                inds("""产出|数量|补贴发放面积|≥52.6万亩|52.8万亩|20
产出|数量|享受补贴农户数|≥6.8万户|6.85万户|10
产出|质量|补贴资金兑付准确率|=100%|100%|10
产出|时效|补贴发放完成时限|按时完成|达成年度指标|10
效益|社会|耕地保护责任落实率|=100%|100%|15
效益|生态|秸秆综合利用率|≥90%|92%|15
满意度|满意|农户满意度|≥90%|95%|10""")))
    add(Project("road", "trans", "农村公路养护", "延续项目",
                F(("420.00", "30.00", "0"), spent=("396.00", "30.00", "0")),
                "完成全县1260公里农村公路日常养护，优良中等路率不低于80%，病害处置及时率不低于90%。",
                "完成农村公路日常养护1265公里。",
                inds("""产出|数量|农村公路列养里程|≥1260公里|1265公里|20
产出|数量|完成路面修补面积|≥18000平方米|18600平方米|10
产出|质量|优良中等路率|≥80%|82.5%|10
产出|时效|路面病害处置及时率|≥90%|93%|10
效益|社会|农村公路安全通畅率|≥98%|98.5%|15
效益|可持续|农村公路养护长效机制|长期运行|达成年度指标|15
满意度|满意|沿线群众满意度|≥90%|92%|10""")))
    add(Project("water_supply", "water", "农村饮水安全工程维修养护", "延续项目",
                F(("150.00", "30.00", "0"), budget=("170.00", "30.00", "0"), spent=("141.00", "30.00", "0")),
                "维修养护农村供水工程36处，更换老旧供水管网42公里，农村供水水质达标率不低于95%。",
                "维修养护供水工程38处，更换管网43.5公里，水质达标率96.2%；下半年追加的管网改造资金尚未完成支付。",
                inds("""产出|数量|维修养护供水工程数量|≥36处|38处|15
产出|数量|更换供水管网长度|≥42公里|43.5公里|10
产出|质量|农村供水水质达标率|≥95%|96.2%|15
产出|时效|维修养护任务完成及时率|≥95%|97%|10
效益|社会|农村自来水普及率|≥92%|92.8%|15
效益|可持续|供水工程管护机制|规范运行|达成年度指标|15
满意度|满意|受益群众满意度|≥90%|94%|10""")))
    add(Project("dibao", "civil", "城乡最低生活保障", "延续项目",
                F(("3100.00", "160.00", "0"), budget=("3140.00", "160.00", "0"), spent=("3087.20", "160.00", "0")),
                "保障城市低保对象2300人、农村低保对象9800人基本生活，低保金按月足额发放，做到应保尽保。",
                "全年保障城市低保对象2356人、农村低保对象9912人，低保金按月足额发放。",
                inds("""产出|数量|城市低保保障人数|≥2300人|2356人|10
产出|数量|农村低保保障人数|≥9800人|9912人|15
产出|质量|低保对象认定准确率|≥98%|99.1%|15
产出|时效|低保金按月发放率|=100%|100%|10
效益|社会|困难群众基本生活保障|应保尽保|达成年度指标|20
效益|可持续|低保动态管理机制|规范运行|达成年度指标|10
满意度|满意|保障对象满意度|≥90%|95.3%|10""")))
    add(Project("tekun", "civil", "特困人员救助供养", "延续项目",
                F(("890.00", "0", "0"), spent=("872.20", "0", "0")),
                "为全县1650名特困人员提供救助供养，供养金按月足额发放，失能特困人员集中照护率不低于60%。",
                "全年救助供养特困人员1668人，供养金按月足额发放；失能特困人员集中照护率57.2%。",
                inds("""产出|数量|特困人员救助供养人数|≥1650人|1668人|15
产出|数量|集中供养机构数量|≥8所|8所|10
产出|质量|失能特困人员集中照护率|≥60%|57.2%|15|部分失能特困人员本人及亲属不愿入住供养机构；下一步加强上门照护服务，逐户动员。
产出|时效|供养金按月发放率|=100%|100%|10
效益|社会|特困人员基本生活保障率|=100%|100%|20
效益|可持续|供养服务机构安全运行|安全运行|达成年度指标|10
满意度|满意|供养对象满意度|≥90%|96%|10""")))
    add(Project("dangerous_house", "housing", "农村危房改造", "延续项目",
                F(("200.00", "40.00", "0")),
                "完成160户农村低收入群体危房改造，竣工验收合格率100%。",
                "", inds("""产出|数量|危房改造户数|≥160户
产出|质量|竣工验收合格率|=100%
产出|时效|改造任务完成时限|按时完成
效益|社会|农村低收入群体住房安全保障率|=100%
效益|可持续|改造房屋安全使用年限|≥20年
满意度|满意|改造户满意度|≥90%""")))
    add(Project("culture_service", "culture", "公共文化服务体系建设", "延续项目",
                F(("85.00", "0", "0")),
                "全县12个乡镇综合文化站免费开放，更新农家书屋图书1.2万册，组织文化惠民活动参与群众8万人次以上。",
                "", inds("""产出|数量|乡镇综合文化站免费开放数量|≥12个
产出|数量|农家书屋图书更新册数|≥1.2万册
产出|质量|公共文化设施正常开放率|≥95%
产出|时效|文化惠民活动完成时限|按时完成
效益|社会|参与文化活动群众人次|≥8万人次
效益|可持续|公共文化设施免费开放机制|长期运行
满意度|满意|群众满意度|≥90%""")))
    add(living_env("chengguan", "env_chengguan", 12, 600,
                   F(("120.00", "0", "30.00"), spent=("116.25", "0", "30.00")),
                   "12个|612户|96.5%|92%|46.8%|93%"))
    add(village_admin("qingshan", "admin_qingshan", 16, 96, F(("120.00", "0", "0"))))
    add(living_env("hekou", "env_hekou", 9, 420, F(("80.00", "0", "0")), "9个|420户|95%|90%|45%|90%"))
    add(village_admin("shiqiao", "admin_shiqiao", 14, 84,
                      F(("95.00", "0", "0"), spent=("93.10", "0", "0")),
                      "14个|84人|100%|100%|100%|达成年度指标|94.2%"))
    add(living_env("baisha", "env_baisha", 8, 360,
                   F(("70.00", "5.00", "0"), spent=("68.50", "5.00", "0")),
                   "8个|365户|95.6%|91%|45.5%|92.4%"))
    add(Project("yishiyiyi", "taoyuan", "一事一议财政奖补", "延续项目",
                F(("130.00", "0", "20.00"), spent=("126.00", "0", "20.00")),
                "实施一事一议财政奖补项目14个，硬化村组道路9.6公里，受益群众12000人以上。",
                "实施奖补项目14个，硬化村组道路9.8公里，受益群众12450人。",
                inds("""产出|数量|奖补项目数量|≥14个|14个|15
产出|数量|硬化村组道路长度|≥9.6公里|9.8公里|15
产出|质量|项目验收合格率|=100%|100%|10
产出|时效|项目完工及时率|≥90%|92.9%|10
效益|社会|受益群众人数|≥12000人|12450人|15
效益|可持续|建后管护制度落实率|=100%|100%|15
满意度|满意|受益群众满意度|≥90%|93%|10""")))
    add(Project("epidemic", "cdc", "重大传染病防控", "延续项目",
                F(("68.00", "0", "0"), spent=("65.96", "0", "0")),
                "完成结核病患者筛查3200人、艾滋病检测28000人次，传染病报告及时率不低于95%，疫情处置及时率100%。",
                "完成结核病筛查3280人、艾滋病检测28600人次，全年未发生传染病暴发流行。",
                inds("""产出|数量|结核病患者筛查人数|≥3200人|3280人|15
产出|数量|艾滋病检测人次|≥28000人次|28600人次|15
产出|质量|传染病报告及时率|≥95%|99.2%|10
产出|时效|疫情处置及时率|=100%|100%|10
效益|社会|肺结核患者成功治疗率|≥90%|91.5%|15
效益|可持续|传染病监测预警机制|规范运行|达成年度指标|15
满意度|满意|服务对象满意度|≥90%|92.4%|10""")))
    add(Project("equipment", "school", "教学设备购置", "新增项目",
                F(("45.00", "0", "0")),
                "购置多媒体教学设备60套，改造理化生实验室3间，秋季学期投入使用。",
                "", inds("""产出|数量|购置多媒体教学设备数量|≥60套
产出|数量|改造理化生实验室数量|≥3间
产出|质量|设备验收合格率|=100%
产出|时效|设备安装完成时限|按时完成
效益|社会|受益学生人数|≥2400人
效益|可持续|设备正常使用年限|≥6年
满意度|满意|师生满意度|≥90%"""), assessed=""))
    add(Project("employment", "hr", "就业补助", "延续项目",
                F(("260.00", "0", "0")),
                "开展职业技能培训1500人次，新增城镇就业2600人，城镇登记失业率控制在4.5%以内。",
                "", inds("""产出|数量|职业技能培训人次|≥1500人次
产出|数量|新增城镇就业人数|≥2600人
产出|质量|培训合格率|≥90%
产出|时效|就业补贴发放及时率|≥95%
效益|社会|城镇登记失业率|≤4.5%
效益|社会|就业困难人员实现就业人数|≥300人
满意度|满意|补贴对象满意度|≥90%""")))
    add(Project("fitness", "culture", "全民健身设施维护", "延续项目",
                F(("60.00", "0", "0")),
                "维护全县健身路径85处，更新健身器材300件，器材安全检查合格率100%。",
                "", inds("""产出|数量|维护健身路径数量|≥85处
产出|数量|更新健身器材数量|≥300件
产出|质量|器材安全检查合格率|=100%
产出|时效|器材维修响应时间|≤3天
效益|社会|健身设施正常使用率|≥95%
满意度|满意|健身群众满意度|≥90%""")))
    add(Project("clinic", "health", "村卫生室运行补助", "延续项目",
                F(("110.00", "0", "0")),
                "补助全县186个村卫生室运行，保障村级基本医疗和公共卫生服务全覆盖。",
                "", inds("""产出|数量|补助村卫生室数量|≥186个
产出|质量|乡村医生执业资格持证率|≥95%
产出|时效|补助资金拨付到位率|≥95%
效益|社会|村级基本医疗服务覆盖率|=100%
效益|可持续|村卫生室运行机制|规范运行
满意度|满意|村民满意度|≥90%""")))
    add(Project("disabled", "civil", "困难残疾人生活补贴", "延续项目",
                F(("150.00", "0", "0")),
                "为3100名困难残疾人按月发放生活补贴，补贴对象认定准确率不低于98%。",
                "", inds("""产出|数量|补贴发放人数|≥3100人
产出|质量|补贴对象认定准确率|≥98%
产出|时效|补贴按月发放率|=100%
效益|社会|困难残疾人基本生活保障率|=100%
效益|可持续|补贴标准动态调整机制|规范运行
满意度|满意|补贴对象满意度|≥90%""")))
    add(Project("reservoir", "water", "小型水库安全运行管护", "延续项目",
                F(("95.00", "0", "0")),
                "落实全县23座小型水库安全管护责任，汛前检查全部完成，确保水库安全度汛。",
                "", inds("""产出|数量|管护小型水库数量|≥23座
产出|质量|水库安全鉴定合格率|≥95%
产出|时效|汛前检查完成时限|按时完成
成本|经济成本|单座水库年度管护投入|≤4.2万元
效益|社会|水库安全度汛率|=100%
效益|可持续|小型水库管护机制|长期运行
满意度|满意|下游群众满意度|≥90%""")))
    add(Project("bus_stop", "trans", "农村客运招呼站建设", "新增项目",
                F(("120.00", "0", "0")),
                "新建农村客运招呼站40个，建制村通客车率保持100%。",
                "", inds("""产出|数量|新建农村客运招呼站数量|≥40个
产出|质量|招呼站验收合格率|=100%
产出|时效|建设完成时限|按时完成
成本|经济成本|单个招呼站建设投入|≤3万元
效益|社会|建制村通客车率|=100%
满意度|满意|沿线群众满意度|≥90%"""), assessed=""))
    add(Project("opera", "culture", "送戏下乡文化惠民", "延续项目",
                F(("40.00", "0", "0"), spent=("36.92", "0", "0")),
                "开展送戏下乡演出120场、惠民电影放映1560场，观看群众6万人次以上。",
                "完成送戏下乡演出112场、惠民电影放映1572场，观看群众6.3万人次。",
                inds("""产出|数量|送戏下乡演出场次|≥120场|112场|15
产出|数量|惠民电影放映场次|≥1560场|1572场|10
产出|质量|演出节目审核合格率|=100%|100%|15
产出|时效|演出计划完成及时率|≥90%|93%|10
效益|社会|观看演出群众人次|≥6万人次|6.3万人次|15
效益|可持续|基层文艺团队数量|≥18支|19支|15
满意度|满意|观众满意度|≥90%|94%|10""")))
    add(Project("public_jobs", "hr", "公益性岗位补贴", "延续项目",
                F(("180.00", "0", "0"), spent=("176.40", "0", "0")),
                "开发公益性岗位320个，安置就业困难人员300人，岗位补贴按季度足额发放。",
                "开发公益性岗位326个，安置就业困难人员308人，岗位补贴按季度发放。",
                inds("""产出|数量|开发公益性岗位数量|≥320个|326个|15
产出|数量|安置就业困难人员人数|≥300人|308人|15
产出|质量|岗位补贴发放准确率|=100%|100%|10
产出|质量|公益性岗位在岗率|≥95%|96%|5
产出|时效|补贴按季度发放率|=100%|100%|5
效益|社会|就业困难人员稳定就业率|≥85%|88%|20
效益|可持续|公益性岗位动态管理机制|规范运行|达成年度指标|10
满意度|满意|安置人员满意度|≥90%|95%|10""")))
    add(Project("cleaning", "qingshan", "农村环境卫生保洁", "延续项目",
                F(("60.00", "0", "0"), spent=("58.50", "0", "0")),
                "实现全镇16个行政村保洁全覆盖，配备保洁员96人，垃圾日产日清。",
                "16个行政村保洁全覆盖，配备保洁员98人；村庄保洁长效机制仍在完善。",
                inds("""产出|数量|保洁覆盖行政村数量|≥16个|16个|15
产出|数量|配备保洁员人数|≥96人|98人|15
产出|质量|保洁质量考核合格率|≥95%|96%|10
产出|时效|垃圾日产日清率|≥95%|97%|10
效益|社会|村庄保洁长效机制|规范运行|部分达成年度指标并具有一定效果|10|部分村保洁员考核制度执行不到位；下一步按月考核、以奖代补。
效益|生态|生活垃圾无害化处理率|≥90%|92%|20
满意度|满意|村民满意度|≥90%|91%|10""")))
    add(village_admin("hekou", "admin_hekou", 11, 66,
                      F(("90.00", "0", "0"), spent=("84.15", "0", "0")),
                      "11个|66人|100%|100%|100%|达成年度指标|92%"))
    add(Project("pest", "agri", "农作物重大病虫害统防统治", "延续项目",
                F(("75.00", "0", "0"), spent=("72.75", "0", "0")),
                "开展农作物重大病虫害统防统治12万亩，发放防控药剂45吨，挽回粮食损失1.8万吨以上。",
                "完成统防统治10.2万亩，发放防控药剂41.4吨，挽回粮食损失1.62万吨。",
                inds("""产出|数量|统防统治作业面积|≥12万亩|10.2万亩|20|受夏季持续降雨影响，部分地块未能按期作业。
产出|数量|发放防控药剂数量|≥45吨|41.4吨|10|部分药剂招标延迟，到货量不足。
产出|质量|病虫害防治效果达标率|≥90%|90.5%|10
产出|时效|防控作业完成及时率|≥95%|96%|10
效益|经济|挽回粮食损失|≥1.8万吨|1.62万吨|15|作业面积未达计划，挽回损失相应减少。
效益|生态|化学农药使用量|≤60吨|58吨|15
满意度|满意|农户满意度|≥90%|92%|10""")))
    add(Project("preschool", "edu", "学前教育幼儿资助", "延续项目",
                F(("64.00", "0", "0"), spent=("62.72", "0", "0")),
                "资助家庭经济困难幼儿1200人次，资助对象认定准确率不低于98%，资助资金按时足额发放。",
                "资助家庭经济困难幼儿1650人次，资助资金全部按时发放。",
                inds("""产出|数量|资助家庭经济困难幼儿人次|≥1200人次|1650人次|15
产出|数量|资助幼儿园数量|≥56所|57所|10
产出|质量|资助对象认定准确率|≥98%|93%|15|部分资助对象家庭情况变化未及时核减，已逐一复核。
产出|时效|资助资金发放及时率|≥95%|100%|10
效益|社会|困难家庭幼儿入园率|≥95%|97%|15
效益|可持续|学前教育资助政策落实|全面落实|达成年度指标|15
满意度|满意|受助家庭满意度|≥90%|96%|10""")))
    return P


# --------------------------------------------------------------------------- form specs

Key = tuple  # a logical cell: ("head", "project"), ("ind", 3, "target"), ("total", "score") …


@dataclass
class Plant:
    kind: str
    loc: Key | None
    detail: str
    expected: str


@dataclass
class Form:
    path: str  # relative to the examples folder (zip members: "<zip>/<member>")
    kind: str  # goal | self
    project: Project
    variant: str = "national"  # national | city | sichuan
    sheet: str = "绩效目标申报表"
    annex: str = ""  # "附件2" above the title
    stamp: bool = False  # "填报单位（盖章）：" line
    blank_after: int | None = None  # a blank row after this indicator index
    formulas: bool = False
    percent_cells: bool = False  # percent actuals stored as 0.96 with a percent format
    numeric_actuals: bool = False  # quantitative actuals written as bare numbers
    text_money: bool = False  # funds written as text "120万元"
    dept_name: str = ""  # as written on the form (default: full name)
    unit_name: str = ""
    blank: tuple[str, ...] = ()  # header keys left blank
    written: dict = field(default_factory=dict)  # logical cell -> value written instead
    plants: list[Plant] = field(default_factory=list)
    zip_name: str = ""  # member of this archive (path is then "<zip>/<member>")
    date_line: str = ""
    cells: dict = field(default_factory=dict)  # filled by the writer

    @property
    def clean(self) -> bool:
        return not self.plants


def clone(p: Project, **changes) -> Project:
    new = replace(p, indicators=[replace(i) for i in p.indicators], **changes)
    return new


def find(p: Project, name: str) -> int:
    return next(i for i, ind in enumerate(p.indicators) if ind.name == name)


# --------------------------------------------------------------------------- xlsx helpers

FONT = "宋体"


class Book:
    """An xlsxwriter workbook with the usual formats of a county form."""

    def __init__(self, author: str, title: str) -> None:
        self.buf = io.BytesIO()
        self.wb = xlsxwriter.Workbook(self.buf, {"in_memory": True})
        self.wb.set_properties({"title": title, "author": author, "company": author,
                                "created": CREATED, "comments": "示例县示例数据（虚构）"})
        base = {"font_name": FONT, "font_size": 10, "valign": "vcenter", "text_wrap": True}
        cell = {**base, "border": 1}
        self.f = {
            "title": self.wb.add_format({**base, "font_name": "黑体", "font_size": 18, "align": "center"}),
            "sub": self.wb.add_format({**base, "font_size": 11, "align": "center"}),
            "note": self.wb.add_format({**base, "align": "left"}),
            "note_r": self.wb.add_format({**base, "align": "right"}),
            "annex": self.wb.add_format({**base, "font_name": "黑体", "font_size": 12, "text_wrap": False}),
            "label": self.wb.add_format({**cell, "bold": True, "align": "center", "bg_color": "#F2F2F2"}),
            "text": self.wb.add_format({**cell, "align": "left"}),
            "center": self.wb.add_format({**cell, "align": "center"}),
            "num": self.wb.add_format({**cell, "align": "center", "num_format": "0.00"}),
            "int": self.wb.add_format({**cell, "align": "center", "num_format": "0"}),
            "pct": self.wb.add_format({**cell, "align": "center", "num_format": "0.00%"}),
            "pct1": self.wb.add_format({**cell, "align": "center", "num_format": "0.0%"}),
            "date": self.wb.add_format({**cell, "align": "center", "num_format": "yyyy-mm-dd"}),
            "head": self.wb.add_format({**cell, "bold": True, "align": "center", "bg_color": "#DDEBF7"}),
        }

    def sheet(self, name: str, widths: list[float], landscape: bool):
        ws = self.wb.add_worksheet(name)
        for i, w in enumerate(widths):
            ws.set_column(i, i, w)
        ws.set_paper(9)  # A4
        if landscape:
            ws.set_landscape()
        ws.center_horizontally()
        ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
        ws.fit_to_pages(1, 0)
        return ws

    def close(self) -> bytes:
        self.wb.close()
        return self.buf.getvalue()


def put(ws, fmt, r: int, c: int, value, r2: int | None = None, c2: int | None = None,
        formula: str | None = None) -> str:
    """Write (merged when r2/c2 given) and return the A1 address of the top-left cell."""
    r2 = r if r2 is None else r2
    c2 = c if c2 is None else c2
    if (r2, c2) != (r, c):
        ws.merge_range(r, c, r2, c2, "", fmt)
    if formula is not None:
        ws.write_formula(r, c, formula, fmt, value)
    elif value is None or value == "":
        ws.write_blank(r, c, None, fmt)
    elif isinstance(value, Decimal):
        ws.write_number(r, c, float(value), fmt)
    elif isinstance(value, int | float):
        ws.write_number(r, c, value, fmt)
    else:
        ws.write_string(r, c, str(value), fmt)
    return xl_rowcol_to_cell(r, c)


def money(x: Decimal, text: bool):
    if text:
        return f"{x.normalize():f}万元"
    return x


def level_spans(indicators: list[Ind], blank_after: int | None) -> list[tuple[int, int, int]]:
    """(level, first, last) runs of equal 一级 (level 1) and 一级+二级 (level 2) names."""
    spans = []
    for level in (1, 2):
        keys = [(i.l1,) if level == 1 else (i.l1, i.l2) for i in indicators]
        start = 0
        for i in range(1, len(indicators) + 1):
            if i == len(indicators) or keys[i] != keys[start] or blank_after == i - 1:
                spans.append((level, start, i - 1))
                start = i
    return spans


# --------------------------------------------------------------------------- goal form (domain.md §4)

def _header_value(form: Form, key: str, value: str) -> str:
    return "" if key in form.blank else value


def write_title(ws, b: Book, form: Form, r: int, last: int, title: str) -> int:
    if form.annex:
        put(ws, b.f["annex"], r, 0, form.annex)
        r += 1
    put(ws, b.f["title"], r, 0, title, c2=last)
    ws.set_row(r, 36)
    r += 1
    put(ws, b.f["sub"], r, 0, f"（{YEAR}年度）", c2=last)
    r += 1
    if form.stamp:
        who = form.unit_name or UNITS[form.project.unit].name
        put(ws, b.f["note"], r, 0, f"填报单位（盖章）：{who}", c2=last // 2)
        put(ws, b.f["note_r"], r, last // 2 + 1, "金额单位：万元", c2=last)
        r += 1
    return r


def write_goal(form: Form) -> bytes:
    p, f = form.project, form
    b = Book(UNITS[p.unit].name, "项目支出绩效目标申报表")
    ws = b.sheet(form.sheet, [12, 12, 14, 12, 13, 10, 11, 13], landscape=False)
    L, T = b.f["label"], b.f["text"]
    cells = form.cells
    r = write_title(ws, b, form, 0, 7, "项目支出绩效目标申报表")
    put(ws, L, r, 0, "项目名称")
    cells["head", "project"] = put(ws, T, r, 1, _header_value(f, "project", p.name), c2=7)
    r += 1
    dept, unit = form.dept_name or p.dept.name, form.unit_name or UNITS[p.unit].name
    put(ws, L, r, 0, "主管部门及代码")
    cells["head", "department"] = put(ws, T, r, 1, _header_value(f, "department", dept), c2=2)
    put(ws, b.f["center"], r, 3, p.dept.code)
    put(ws, L, r, 4, "实施单位")
    cells["head", "unit"] = put(ws, T, r, 5, _header_value(f, "unit", unit), c2=7)
    r += 1
    put(ws, L, r, 0, "项目属性")
    cells["head", "attribute"] = put(ws, T, r, 1, p.attribute, c2=3)
    put(ws, L, r, 4, "项目期")
    put(ws, T, r, 5, p.period, c2=7)
    r += 1
    put(ws, L, r, 0, "事前评估")
    cells["head", "pre_assessment"] = put(ws, T, r, 1, p.assessed, c2=3)
    put(ws, L, r, 4, "联系人及电话")
    put(ws, T, r, 5, f"{UNITS[p.unit].contact} {UNITS[p.unit].phone}", c2=7)
    r += 1
    r = _goal_funds(ws, b, form, r)
    put(ws, L, r, 0, "总体目标", r2=r + 1)
    put(ws, L, r, 1, "中期目标", c2=3)
    put(ws, L, r, 4, "年度目标", c2=7)
    put(ws, T, r + 1, 1, p.midterm_goal or p.goal, c2=3)
    cells["head", "annual_goal"] = put(ws, T, r + 1, 4, _header_value(f, "annual_goal", p.goal), c2=7)
    ws.set_row(r + 1, 66)
    r += 2
    r = _goal_indicators(ws, b, form, r)
    when = form.date_line or f"{YEAR}年3月12日"
    put(ws, b.f["note"], r + 1, 0,
        f"填报人：{UNITS[p.unit].contact}        联系电话：{UNITS[p.unit].phone}        填报日期：{when}", c2=7)
    return b.close()


def _goal_funds(ws, b: Book, form: Form, r: int) -> int:
    p = form.project
    L, N = b.f["label"], b.f["num"] if not form.text_money else b.f["center"]
    annual = p.funds.col("initial")
    mid = [sum((Decimal(x) for x in p.midterm), Decimal(0)), *(Decimal(x) for x in p.midterm)] \
        if p.midterm else annual
    put(ws, L, r, 0, "项目资金\n（万元）", r2=r + 3)
    mid_labels = ("中期资金总额", "其中：财政拨款", "上年结转资金", "其他资金")
    ann_labels = ("年度资金总额", "其中：财政拨款", "上年结转资金", "其他资金")
    rows = ("total", "appropriation", "carryover", "other")
    for i, row in enumerate(rows):
        put(ws, L, r + i, 1, mid_labels[i], c2=2)
        put(ws, N, r + i, 3, money(mid[i], form.text_money))
        put(ws, L, r + i, 4, ann_labels[i], c2=5)
        value = form.written.get(("fund", "annual", row, "amount"), money(annual[i], form.text_money))
        formula = None
        if row == "total" and form.formulas:
            formula = f"=SUM(G{r + 2}:G{r + 4})"
        form.cells["fund", "annual", row, "amount"] = put(ws, N, r + i, 6, value, c2=7, formula=formula)
    return r + 4


def _goal_indicators(ws, b: Book, form: Form, r: int) -> int:
    p = form.project
    L, T, C = b.f["label"], b.f["text"], b.f["center"]
    n = len(p.indicators)
    put(ws, L, r, 0, "年度绩效指标", r2=r + n)
    for c, c2, text in ((1, 1, "一级指标"), (2, 2, "二级指标"), (3, 5, "三级指标"), (6, 7, "指标值")):
        put(ws, L, r, c, text, c2=c2)
    first = r + 1
    for level, a, z in level_spans(p.indicators, None):
        col = 1 if level == 1 else 2
        name = p.indicators[a].l1 if level == 1 else p.indicators[a].l2
        ref = put(ws, C, first + a, col, name, r2=first + z)
        for i in range(a, z + 1):
            form.cells["ind", i, "l1" if level == 1 else "l2"] = ref
    for i, ind in enumerate(p.indicators):
        form.cells["ind", i, "name"] = put(ws, T, first + i, 3, ind.name, c2=5)
        form.cells["ind", i, "target"] = put(ws, C, first + i, 6, ind.target, c2=7)
        ws.set_row(first + i, 20)
    return first + n


# --------------------------------------------------------------------------- self-evaluation (domain.md §1)

VARIANTS = {
    "national": {
        "title": "项目支出绩效自评表", "last": 8,
        "cols": {"l1": 1, "l2": 2, "name": 3, "target": 4, "actual": 5, "weight": 6, "score": 7, "reason": 8},
        "heads": ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
        "funds": ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
    },
    "city": {
        "title": "项目支出绩效自评表", "last": 8,
        "cols": {"l1": 1, "l2": 2, "name": 3, "target": 4, "actual": 5, "weight": 6, "score": 7, "reason": 8},
        "heads": ["一级指标", "二级指标", "三级指标", "年度指标值(A)", "实际完成值(B)", "分值", "得分", "偏差原因分析及改进措施"],
        "funds": ["年初预算数", "全年预算数(A)", "全年执行数(B)", "分值", "执行率(B/A)", "得分"],
    },
    "sichuan": {
        "title": "部门预算项目支出绩效自评表", "last": 9,
        "cols": {"l1": 0, "l2": 1, "name": 2, "nature": 3, "target": 4, "unit": 5, "actual": 6, "weight": 7,
                 "score": 8, "reason": 9},
        "heads": ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "实际完成值", "分值", "得分", "未完成原因分析"],
        "funds": ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
    },
}
FUND_ROWS = ("total", "appropriation", "carryover", "other")
FUND_LABELS = ("年度资金总额", "其中：当年财政拨款", "上年结转资金", "其他资金")


def exec_figures(p: Project) -> tuple[Decimal, Decimal, float, Decimal]:
    budget, spent = p.funds.col("budget")[0], p.funds.col("spent")[0]
    return budget, spent, float(Fraction(spent) / Fraction(budget)), execution_score(budget, spent)


def self_total(form: Form) -> Decimal:
    """Σ written indicator scores + written execution score."""
    exec_score = form.written.get(("fund", "total", "score"), exec_figures(form.project)[3])
    return sum((i.self_score() for i in form.project.indicators), Decimal(0)) + Decimal(str(exec_score))


def write_self(form: Form) -> bytes:
    p, v = form.project, VARIANTS[form.variant]
    last = v["last"]
    b = Book(UNITS[p.unit].name, v["title"])
    widths = [11, 11, 13, 16, 13, 12, 8, 10, 26] if last == 8 else [11, 15, 18, 8, 10, 8, 11, 7, 8, 26]
    ws = b.sheet(form.sheet, widths, landscape=True)
    L, T = b.f["label"], b.f["text"]
    cells = form.cells
    r = write_title(ws, b, form, 0, last, v["title"])
    put(ws, L, r, 0, "项目名称")
    cells["head", "project"] = put(ws, T, r, 1, _header_value(form, "project", p.name), c2=last)
    r += 1
    put(ws, L, r, 0, "主管部门")
    cells["head", "department"] = put(ws, T, r, 1, form.dept_name or p.dept.name, c2=4)
    put(ws, L, r, 5, "实施单位")
    cells["head", "unit"] = put(ws, T, r, 6, form.unit_name or UNITS[p.unit].name, c2=last)
    r += 1
    r = _self_funds(ws, b, form, r, v)
    put(ws, L, r, 0, "年度总体目标", r2=r + 1)
    put(ws, L, r, 1, "预期目标", c2=4)
    put(ws, L, r, 5, "实际完成情况", c2=last)
    cells["head", "annual_goal"] = put(ws, T, r + 1, 1, p.goal, c2=4)
    put(ws, T, r + 1, 5, p.done, c2=last)
    ws.set_row(r + 1, 66)
    r = _self_indicators(ws, b, form, r + 2, v)
    r = _self_total(ws, b, form, r, v)
    if form.variant == "sichuan":
        r = _sichuan_footer(ws, b, form, r)
    else:
        put(ws, b.f["note"], r + 1, 0, f"填表人：{UNITS[p.unit].contact}        联系电话：{UNITS[p.unit].phone}", c2=last)
    return b.close()


def _self_funds(ws, b: Book, form: Form, r: int, v: dict) -> int:
    p = form.project
    L, N = b.f["label"], (b.f["center"] if form.text_money else b.f["num"])
    put(ws, L, r, 0, "项目资金\n（万元）", r2=r + 4)
    put(ws, L, r, 1, "", c2=2)
    for j, text in enumerate(v["funds"]):
        put(ws, L, r, 3 + j, text, c2=9 if (j == 5 and v["last"] == 9) else None)
    cols = [p.funds.col("initial"), p.funds.col("budget"), p.funds.col("spent")]
    budget, spent, rate, score = exec_figures(p)
    for i, row in enumerate(FUND_ROWS):
        rr = r + 1 + i
        put(ws, L, rr, 1, FUND_LABELS[i], c2=2)
        for j, key in enumerate(("initial", "budget", "spent")):
            cells_key = ("fund", row, key)
            form.cells[cells_key] = put(ws, N, rr, 3 + j, money(cols[j][i], form.text_money))
        end = 9 if v["last"] == 9 else None
        if row != "total":
            for j in range(3):
                put(ws, b.f["center"], rr, 6 + j, "", c2=end if j == 2 else None)
            continue
        form.cells["fund", "total", "weight"] = put(ws, b.f["num"], rr, 6, 10)
        w_rate = form.written.get(("fund", "total", "rate"), rate)
        w_score = form.written.get(("fund", "total", "score"), score)
        plain = not form.formulas or ("fund", "total", "rate") in form.written
        f_rate = None if plain else f"=F{rr + 1}/E{rr + 1}"
        plain = plain or ("fund", "total", "score") in form.written
        f_score = None if plain else f"=ROUND(MIN(H{rr + 1},1)*10,2)"
        form.cells["fund", "total", "rate"] = put(ws, b.f["pct"], rr, 7, w_rate, formula=f_rate)
        form.cells["fund", "total", "score"] = put(ws, b.f["num"], rr, 8, w_score, c2=end, formula=f_score)
    return r + 5


def _row_of(form: Form, first: int, i: int) -> int:
    return first + i + (1 if form.blank_after is not None and i > form.blank_after else 0)


def _self_indicators(ws, b: Book, form: Form, r: int, v: dict) -> int:
    p, cols = form.project, v["cols"]
    L, C = b.f["label"], b.f["center"]
    n = len(p.indicators) + (1 if form.blank_after is not None else 0)
    if form.variant == "sichuan":
        put(ws, L, r, 0, "绩效指标", c2=v["last"])
        r += 1
    else:
        put(ws, L, r, 0, "绩效指标", r2=r + n)
    for text, c in zip(v["heads"], sorted(cols.values()), strict=True):
        put(ws, L, r, c, text)
    first = r + 1
    for level, a, z in level_spans(p.indicators, form.blank_after):
        col = cols["l1" if level == 1 else "l2"]
        name = p.indicators[a].l1 if level == 1 else p.indicators[a].l2
        ref = put(ws, C, _row_of(form, first, a), col, name, r2=_row_of(form, first, z))
        for i in range(a, z + 1):
            form.cells["ind", i, "l1" if level == 1 else "l2"] = ref
    for i, ind in enumerate(p.indicators):
        _indicator_row(ws, b, form, _row_of(form, first, i), i, ind, cols)
    if form.blank_after is not None:
        for c in range(0 if form.variant == "sichuan" else 1, v["last"] + 1):
            put(ws, C, _row_of(form, first, form.blank_after) + 1, c, "")
    form.cells["_rows"] = (first, first + n - 1)
    return first + n


def _indicator_row(ws, b: Book, form: Form, rr: int, i: int, ind: Ind, cols: dict) -> None:
    T, C = b.f["text"], b.f["center"]
    tv, av = parse_value(ind.target), parse_value(ind.actual) if ind.actual else None
    cell = form.cells
    cell["ind", i, "name"] = put(ws, T, rr, cols["name"], ind.name)
    if form.variant == "sichuan":
        put(ws, C, rr, cols["nature"], tv.op or "定性")
        target = float(tv.num) if tv.quantitative else ind.target
        cell["ind", i, "target"] = put(ws, C, rr, cols["target"], target)
        put(ws, C, rr, cols["unit"], tv.unit)
        actual = (float(av.num) if av.quantitative else ind.actual) if av else ""
        cell["ind", i, "actual"] = put(ws, C, rr, cols["actual"], actual)
    else:
        cell["ind", i, "target"] = put(ws, C, rr, cols["target"], ind.target)
        fmt, actual = C, ind.actual
        if av and av.quantitative and form.percent_cells and av.unit == "%":
            fmt, actual = b.f["pct1"], float(av.num / 100)
        elif av and av.quantitative and form.numeric_actuals:
            actual = float(av.num)
        cell["ind", i, "actual"] = put(ws, fmt, rr, cols["actual"], actual)
    cell["ind", i, "weight"] = put(ws, b.f["num"], rr, cols["weight"], ind.weight)
    cell["ind", i, "score"] = put(ws, b.f["num"], rr, cols["score"], ind.self_score())
    cell["ind", i, "reason"] = put(ws, T, rr, cols["reason"], ind.reason)
    ws.set_row(rr, max(20, 14 * -(-len(ind.reason) // 12) + 4))


def _self_total(ws, b: Book, form: Form, r: int, v: dict) -> int:
    cols, last = v["cols"], v["last"]
    wc, sc = cols["weight"], cols["score"]
    put(ws, b.f["label"], r, 0, "总分", c2=wc - 1)
    form.cells["total", "weight"] = put(ws, b.f["num"], r, wc, form.written.get(("total", "weight"), 100))
    total = form.written.get(("total", "score"), self_total(form))
    formula = None
    if form.formulas and ("total", "score") not in form.written:
        first, end = form.cells["_rows"]
        rng = f"{xl_rowcol_to_cell(first, sc)}:{xl_rowcol_to_cell(end, sc)}"
        formula = f"=SUM({rng})+{form.cells['fund', 'total', 'score']}"
    form.cells["total", "score"] = put(ws, b.f["num"], r, sc, total, formula=formula)
    for c in range(sc + 1, last + 1):
        put(ws, b.f["center"], r, c, "")
    return r + 1


def grade_of(total: Decimal) -> str:
    return "优" if total >= 90 else "良" if total >= 80 else "中" if total >= 60 else "差"


def _sichuan_footer(ws, b: Book, form: Form, r: int) -> int:
    p = form.project
    total = self_total(form)
    short = [i for i in p.indicators if i.reason]
    problems = "；".join(i.reason.split("；")[0] for i in short) or "无"
    measures = "；".join(i.reason.split("；")[1] for i in short if "；" in i.reason) or "继续按计划实施，规范资金管理。"
    rows = (("评价结论", f"项目自评得分{total}分，评价等级为“{grade_of(total)}”。"),
            ("存在问题", problems), ("改进措施", measures))
    for label, text in rows:
        put(ws, b.f["label"], r, 0, label)
        put(ws, b.f["text"], r, 1, text, c2=9)
        ws.set_row(r, 32)
        r += 1
    put(ws, b.f["note"], r + 1, 0, "项目负责人（签字）：刘建国", c2=4)
    put(ws, b.f["note"], r + 1, 5, "财务负责人（签字）：黄晓燕", c2=9)
    return r + 2


# --------------------------------------------------------------------------- the submissions

def goal_forms(P: dict[str, Project]) -> list[Form]:
    g = GOAL_DIR
    forms = [
        Form(f"{g}/县教育局-{YEAR}年学生营养改善计划-绩效目标申报表.xlsx", "goal", P["nutrition"], annex="附件2"),
        Form(f"{g}/县教育局/中小学校舍维修改造项目绩效目标申报表.xlsx", "goal", P["school_repair"], stamp=True,
             sheet="项目支出绩效目标申报表"),
        Form(f"{g}/卫健局{YEAR}年基本公共卫生服务项目绩效目标表.xlsx", "goal", P["public_health"],
             dept_name="县卫健局", unit_name="县卫健局", formulas=True),
        Form(f"{g}/高标准农田建设-绩效目标申报表（农业农村局）.xlsx", "goal", P["farmland"], sheet="Sheet1"),
        Form(f"{g}/县农业农村局-{YEAR}年耕地地力保护补贴-绩效目标申报表.xlsx", "goal", P["soil"],
             annex="附件1", stamp=True),
        Form(f"{g}/县水利局-{YEAR}年农村饮水安全维修养护-绩效目标申报表.xlsx", "goal", P["water_supply"]),
        Form(f"{g}/民政局_城乡低保_{YEAR}绩效目标.xlsx", "goal", P["dibao"], sheet="目标表", formulas=True),
        Form(f"{g}/城关镇人居环境整治绩效目标申报表.xlsx", "goal", P["env_chengguan"], text_money=True,
             dept_name="城关镇", unit_name="城关镇"),
        Form(f"{g}/县文广旅体局-公共文化服务体系建设-目标申报表.xlsx", "goal", P["culture_service"]),
        Form(f"{g}/县疾控中心-重大传染病防控-绩效目标申报表.xlsx", "goal", P["epidemic"], stamp=True),
    ]
    forms += paired_goal_forms(P) + _goal_mistakes(P)
    return forms


PAIRED_GOALS = {  # goal forms for the projects whose self-evaluations arrive too (same names as there)
    "family_doctor": ("县卫健局-家庭医生签约服务-绩效目标申报表.xlsx", "县卫健局", "县卫健局"),
    "tekun": ("民政局-特困人员救助供养-申报表.xlsx", "", ""),
    "admin_shiqiao": ("石桥镇-村级组织运转补助-目标表.xlsx", "", ""),
    "env_baisha": ("白沙乡农村人居环境整治绩效目标.xlsx", "", ""),
    "yishiyiyi": ("桃源镇-一事一议财政奖补-绩效目标申报表.xlsx", "", ""),
    "opera": ("县文广旅体局-送戏下乡文化惠民-绩效目标申报表.xlsx", "县文广旅体局", "县文广旅体局"),
    "public_jobs": ("县人社局-公益性岗位补贴-绩效目标申报表.xlsx", "", ""),
    "cleaning": ("青山镇农村环境卫生保洁项目绩效目标.xlsx", "青山镇", "青山镇"),
    "admin_hekou": ("河口乡-村级组织运转补助-申报表.xlsx", "河口乡", "河口乡"),
    "pest": ("农业农村局-农作物重大病虫害统防统治-目标申报表.xlsx", "县农业农村局", "县农业农村局"),
    "preschool": ("教育局-学前教育幼儿资助-目标申报表.xlsx", "县教育局", "县教育局"),
}


def paired_goal_forms(P: dict[str, Project]) -> list[Form]:
    sheets = ("绩效目标申报表", "Sheet1", "项目支出绩效目标申报表")
    out = []
    for n, (key, (name, dept, unit)) in enumerate(PAIRED_GOALS.items()):
        out.append(Form(f"{GOAL_DIR}/{name}", "goal", P[key], sheet=sheets[n % 3], dept_name=dept,
                        unit_name=unit, annex="附件2" if n % 4 == 1 else "", stamp=n % 3 == 2,
                        formulas=n % 2 == 0))
    return out


def _goal_mistakes(P: dict[str, Project]) -> list[Form]:
    g, out = GOAL_DIR, []
    out.append(Form(f"{g}/县交通运输局-{YEAR}年绩效目标申报表.xlsx", "goal", clone(P["road"]), blank=("project",),
                    plants=[Plant("missing_header", ("head", "project"), "项目名称为空",
                                  "填写预算批复中的项目名称（农村公路养护）")]))
    out.append(Form(f"{g}/住建局-农村危房改造-申报表.xlsx", "goal", clone(P["dangerous_house"]),
                    blank=("annual_goal",), written={("fund", "annual", "total", "amount"): Decimal("260.00")},
                    plants=[Plant("missing_header", ("head", "annual_goal"), "年度目标（年度总体目标）为空",
                                  "概括本年度任务和预期效果"),
                            Plant("funds_unbalanced", ("fund", "annual", "total", "amount"),
                                  "年度资金总额填260万元，财政拨款200+上年结转40+其他资金0=240万元", "240万元")]))
    p = clone(P["employment"])
    i = find(p, "就业困难人员实现就业人数")
    p.indicators[i].l2 = "产出"
    out.append(Form(f"{g}/县人社局-就业补助资金-绩效目标申报表.xlsx", "goal", p,
                    plants=[Plant("invalid_level2", ("ind", i, "l2"), "效益指标下的二级指标写成“产出”",
                                  "社会效益指标等规范二级指标名称")]))
    p = clone(P["admin_qingshan"])
    p.indicators.append(Ind("满意指标", "服务对象满意度指标", "村民代表满意度", "≥90%"))
    i = len(p.indicators) - 1
    out.append(Form(f"{g}/青山镇村级组织运转补助目标申报表.xlsx", "goal", p, dept_name="青山镇", unit_name="青山镇",
                    plants=[Plant("invalid_level1", ("ind", i, "l1"), "一级指标写成“满意指标”", "满意度指标")]))
    p = clone(P["env_hekou"])
    d = find(p, "新建改造农村户厕数量")
    p.indicators.insert(d + 1, replace(p.indicators[d]))
    w = find(p, "村庄环境卫生考核达标率") + 1
    p.indicators.insert(w, Ind("效益指标", "质量指标", "村庄保洁质量考核达标率", "≥90%"))
    out.append(Form(f"{g}/河口乡-{YEAR}农村人居环境整治-绩效目标.xlsx", "goal", p, annex="附件2",
                    plants=[Plant("duplicate_indicator", ("ind", d + 1, "name"),
                                  "“新建改造农村户厕数量 ≥420户”重复填写两行", "删除重复行"),
                            Plant("level2_wrong_parent", ("ind", w, "l2"),
                                  "二级指标“质量指标”放在一级指标“效益指标”之下", "质量指标应属于产出指标")]))
    p = clone(P["fitness"])
    p.indicators.pop(find(p, "器材维修响应时间"))
    out.append(Form(f"{g}/全民健身设施维护绩效目标申报表.xlsx", "goal", p,
                    plants=[Plant("missing_coverage", ("ind", 0, "l1"), "产出指标中没有时效指标",
                                  "至少设置一项时效指标")]))
    p = clone(P["equipment"])
    p.indicators.pop(find(p, "师生满意度"))
    t = find(p, "设备正常使用年限")
    p.indicators[t].target = ""
    out.append(Form(f"{g}/县一中教学设备购置申报表.xlsx", "goal", p, dept_name="示例县教育局",
                    plants=[Plant("missing_target", ("ind", t, "target"), "“设备正常使用年限”未填写指标值",
                                  "如“≥6年”"),
                            Plant("missing_coverage", ("ind", len(p.indicators) - 1, "l1"), "没有满意度指标",
                                  "至少设置一项满意度指标（≥90%）")]))
    out += _goal_mistakes_2(P)
    return out


def _goal_mistakes_2(P: dict[str, Project]) -> list[Form]:
    g, out = GOAL_DIR, []
    p = clone(P["clinic"])
    u, o = find(p, "补助村卫生室数量"), find(p, "补助资金拨付到位率")
    p.indicators[u].target, p.indicators[o].target = "≥186", "≥120%"
    out.append(Form(f"{g}/卫健局-村卫生室运行补助-绩效目标申报表.xlsx", "goal", p, dept_name="县卫健局",
                    unit_name="县卫健局",
                    plants=[Plant("quantitative_missing_unit", ("ind", u, "target"), "指标值“≥186”缺少计量单位",
                                  "≥186个"),
                            Plant("percent_over_100", ("ind", o, "target"), "比率类指标的目标“≥120%”超过100%",
                                  "不超过100%，如“≥95%”")]))
    p = clone(P["disabled"])
    s, h = find(p, "补贴对象满意度"), find(p, "困难残疾人基本生活保障率")
    p.indicators[s].target, p.indicators[h].target = "≥85%", "待定"
    out.append(Form(f"{g}/县民政局-困难残疾人生活补贴-绩效目标申报表.xlsx", "goal", p,
                    plants=[Plant("placeholder", ("ind", h, "target"), "指标值填“待定”（占位符）", "=100%"),
                            Plant("satisfaction_low", ("ind", s, "target"), "满意度目标“≥85%”低于90%", "≥90%")]))
    p = clone(P["reservoir"])
    c, v = find(p, "单座水库年度管护投入"), find(p, "水库安全度汛率")
    p.indicators[c] = replace(p.indicators[c], name="水库日常管护费用", target="≥50万元")
    p.indicators[v] = replace(p.indicators[v], name="水库防洪能力", target="有所提高")
    out.append(Form(f"{g}/水利局小型水库管护项目申报表.xlsx", "goal", p, sheet="申报表",
                    plants=[Plant("cost_ge", ("ind", c, "target"), "成本指标“水库日常管护费用”使用“≥50万元”",
                                  "≤50万元"),
                            Plant("vague_target", ("ind", v, "target"), "指标值“有所提高”表述模糊，无法衡量",
                                  "可衡量的目标，如“水库安全度汛率 =100%”")]))
    p = clone(P["bus_stop"])
    out.append(Form(f"{g}/交通局-农村客运招呼站建设(新增)-申报表.xlsx", "goal", p, blank=("unit",),
                    plants=[Plant("missing_header", ("head", "unit"), "实施单位为空", "示例县交通运输局"),
                            Plant("pre_assessment_missing", ("head", "pre_assessment"),
                                  "新增项目年度资金120万元（≥50万元），未标注事前绩效评估", "事前评估：已开展")]))
    return out


def self_forms(P: dict[str, Project]) -> list[Form]:
    s, z = SELF_DIR, f"{SELF_DIR}/乡镇自评表打包.zip"
    forms = [
        Form(f"{s}/县教育局-{YEAR}年学生营养改善计划-绩效自评表.xlsx", "self", P["nutrition"], sheet="绩效自评表",
             annex="附件2", formulas=True, numeric_actuals=True),
        Form(f"{s}/民政局-城乡最低生活保障项目自评表.xlsx", "self", P["dibao"], variant="city", sheet="自评表",
             formulas=True),
        Form(f"{s}/城关镇-农村人居环境整治-自评.xlsx", "self", P["env_chengguan"], sheet="Sheet1", text_money=True,
             dept_name="城关镇", unit_name="城关镇"),
        Form(f"{s}/卫健局家庭医生签约服务绩效自评表.xlsx", "self", P["family_doctor"], variant="sichuan",
             sheet="项目自评表", stamp=True, dept_name="县卫健局", unit_name="县卫健局"),
        Form(f"{s}/自评表(终稿)(1).xlsx", "self", P["tekun"], sheet="自评表", blank_after=3, percent_cells=True),
        Form(f"{z}{ZIP_SEP}石桥镇-村级组织运转补助-绩效自评表.xlsx", "self", P["admin_shiqiao"], sheet="自评表",
             zip_name=z, annex="附件2"),
        Form(f"{z}{ZIP_SEP}白沙乡农村人居环境整治自评表.xlsx", "self", P["env_baisha"], variant="city", sheet="自评表",
             zip_name=z, formulas=True),
        Form(f"{s}/桃源镇/桃源镇一事一议财政奖补项目绩效自评表.xlsx", "self", P["yishiyiyi"], sheet="自评表 (2)",
             stamp=True),
    ]
    return forms + _self_mistakes(P)


def _self_mistakes(P: dict[str, Project]) -> list[Form]:
    s, out = SELF_DIR, []
    p = P["water_supply"]
    budget, spent, rate, _ = exec_figures(p)
    out.append(Form(f"{s}/县水利局-农村饮水安全工程维修养护-自评表.xlsx", "self", clone(p), sheet="自评表",
                    written={("fund", "total", "rate"): 0.95},
                    plants=[Plant("execution_rate_wrong", ("fund", "total", "rate"),
                                  f"执行率填95.00%，全年执行数{spent}÷全年预算数{budget}={rate:.2%}", f"{rate:.2%}")]))
    p = clone(P["opera"])
    budget, spent, rate, score = exec_figures(p)
    r = find(p, "送戏下乡演出场次")
    out.append(Form(f"{s}/文旅局送戏下乡自评表.xlsx", "self", p, variant="sichuan", sheet="自评表",
                    dept_name="县文广旅体局", unit_name="县文广旅体局",
                    written={("fund", "total", "score"): Decimal("10.00")},
                    plants=[Plant("execution_score_wrong", ("fund", "total", "score"),
                                  f"执行率{rate:.2%}，执行率得分填10分", f"min({rate:.4f},1)×10={score}"),
                            Plant("deviation_reason_missing", ("ind", r, "reason"),
                                  "“送戏下乡演出场次”得分14分低于分值15分，未填写未完成原因",
                                  "说明未完成原因及改进措施")]))
    p = clone(P["epidemic"])
    w = find(p, "肺结核患者成功治疗率")
    p.indicators[w].weight = Decimal(10)
    out.append(Form(f"{s}/疾控中心重大传染病防控自评表.xlsx", "self", p, sheet="自评表", annex="附件2",
                    dept_name="县卫健局",
                    plants=[Plant("weights_sum_not_100", ("total", "weight"),
                                  "各项分值合计95分（效益指标只分配了25分），总分栏仍写100", "分值合计100")]))
    p = clone(P["public_jobs"])
    a = find(p, "补贴按季度发放率")
    p.indicators[a].score = Decimal("5.5")
    out.append(Form(f"{s}/县人社局-公益性岗位补贴-自评表.xlsx", "self", p, variant="city", sheet="自评表",
                    formulas=True,
                    plants=[Plant("score_above_weight", ("ind", a, "score"), "得分5.5超过分值5", "≤5"),
                            Plant("self_score_wrong", ("ind", a, "score"), "自评得分5.5高于复核得分5", "5.00")]))
    out += _self_mistakes_2(P)
    return out


def _self_mistakes_2(P: dict[str, Project]) -> list[Form]:
    s, out = SELF_DIR, []
    p = clone(P["cleaning"])
    q = find(p, "村庄保洁长效机制")
    p.indicators[q].score = Decimal("8.5")
    written_total = None
    form = Form(f"{s}/青山镇农村环境卫生保洁绩效自评.xlsx", "self", p, sheet="自评表",
                dept_name="青山镇", unit_name="青山镇")
    written_total = self_total(form) - 1
    form.written[("total", "score")] = written_total
    form.plants = [Plant("qualitative_out_of_band", ("ind", q, "score"),
                         "完成情况为“部分达成年度指标并具有一定效果”，得分8.5不在分值10的60%–80%区间",
                         "6–8分（复核按8分计）"),
                   Plant("total_wrong", ("total", "score"),
                         f"总分填{written_total}，各项得分合计为{self_total(form)}", f"{self_total(form)}")]
    out.append(form)
    p = clone(P["admin_hekou"])
    m = find(p, "村干部基本报酬发放人数")
    p.indicators[m].actual, p.indicators[m].score = "", p.indicators[m].weight
    out.append(Form(f"{s}/河口乡-村级组织运转补助-绩效自评表.xlsx", "self", p, sheet="自评表",
                    dept_name="河口乡", unit_name="河口乡",
                    plants=[Plant("actual_missing", ("ind", m, "actual"), "“村干部基本报酬发放人数”实际完成值为空",
                                  "填写实际发放人数（如“66人”）")]))
    out.append(_inflated(P))
    p = clone(P["preschool"])
    o, w = find(p, "资助家庭经济困难幼儿人次"), find(p, "资助对象认定准确率")
    p.indicators[w].score = p.indicators[w].weight
    out.append(Form(f"{s}/教育局学前教育幼儿资助绩效自评表.xlsx", "self", p, sheet="自评表",
                    dept_name="县教育局", unit_name="县教育局",
                    plants=[Plant("overshoot", ("ind", o, "target"),
                                  "实际完成1650人次，为目标1200人次的137.5%（≥130%），指标值设定偏低", "目标值合理"),
                            Plant("self_score_wrong", ("ind", w, "score"),
                                  f"实际93%低于目标98%，自评得15分，复核得分{p.indicators[w].computed()}",
                                  str(p.indicators[w].computed()))]))
    p = clone(P["public_health"])
    t = find(p, "适龄儿童国家免疫规划疫苗接种率")
    p.indicators[t].target = "≥90%"
    out.append(Form(f"{s}/县卫健局-{YEAR}年基本公共卫生服务-绩效自评表.xlsx", "self", p, sheet="自评表",
                    dept_name="县卫健局", unit_name="县卫健局",
                    plants=[Plant("goal_target_changed", ("ind", t, "target"),
                                  "年度指标值“≥90%”与批复的绩效目标“≥98%”不一致", "≥98%")]))
    p = clone(P["soil"])
    p.indicators[find(p, "耕地保护责任落实率")].weight = Decimal(10)
    p.indicators[find(p, "秸秆综合利用率")].weight = Decimal(10)
    n = find(p, "秸秆综合利用率") + 1
    p.indicators.insert(n, Ind("效益指标", "经济效益指标", "种粮农户亩均增收", "≥20元", "22元", Decimal(10)))
    out.append(Form(f"{s}/县农业农村局-耕地地力保护补贴-自评表.xlsx", "self", p, sheet="自评表",
                    plants=[Plant("indicator_added", ("ind", n, "name"),
                                  "“种粮农户亩均增收”不在批复的绩效目标中", "按批复的绩效目标自评")]))
    return out


def _inflated(P: dict[str, Project]) -> Form:
    p = clone(P["pest"])
    plants = []
    for name in ("统防统治作业面积", "发放防控药剂数量", "挽回粮食损失"):
        ind = p.indicators[find(p, name)]
        ind.score = ind.weight
        plants.append(Plant("self_score_wrong", ("ind", find(p, name), "score"),
                            f"“{name}”未完成目标（{ind.actual}/{ind.target}），自评给满分{ind.weight}",
                            str(ind.computed())))
    form = Form(f"{SELF_DIR}/农业农村局病虫害统防统治自评.xlsx", "self", p, sheet="Sheet1",
                dept_name="县农业农村局", unit_name="县农业农村局")
    recomputed = recomputed_total(form)
    plants.append(Plant("inflated_total", ("total", "score"),
                        f"自评总分{self_total(form)}，复核总分{recomputed}，高出{self_total(form) - recomputed}分",
                        str(recomputed)))
    form.plants = plants
    return form


def recomputed_total(form: Form) -> Decimal:
    total = exec_figures(form.project)[3]
    for ind in form.project.indicators:
        s = ind.computed()
        if s is None and ind.actual in COMPLETION:
            lo, hi = qualitative_band(ind.actual, ind.weight)
            s = min(max(ind.self_score(), lo), hi)
        total += s if s is not None else 0
    return total


# --------------------------------------------------------------------------- units directory

def write_units() -> bytes:
    b = Book("示例县财政局", "示例县预算单位名录")
    ws = b.sheet("单位名录", [12, 30, 36, 26, 8, 10, 16], landscape=True)
    heads = ["单位编码", "单位名称", "简称/别名", "主管部门", "类别", "联系人", "联系电话"]
    for c, h in enumerate(heads):
        put(ws, b.f["head"], 0, c, h)
    for r, u in enumerate(UNITS.values(), start=1):
        for c, v in enumerate((u.code, u.name, u.aliases, u.parent, u.kind, u.contact, u.phone)):
            put(ws, b.f["center"] if c in (0, 4, 5, 6) else b.f["text"], r, c, v)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, len(UNITS), len(heads) - 1)
    return b.close()


# --------------------------------------------------------------------------- monthly execution exports

CURVE = (0.03, 0.08, 0.16, 0.25, 0.33, 0.45, 0.52, 0.60, 0.68, 0.76, 0.85, 1.0)
HEKOU = (0.0, 0.02, 0.04, 0.07, 0.10, 0.13, 0.17, 0.21, 0.26, 0.30, 0.52, 1.0)
SELF_KEYS: set[str] = set()  # projects with a self-evaluation: December = its 全年执行数


def execution_rows(P: dict[str, Project]) -> list[dict]:
    """One row per project and month: cumulative spending in 万元."""
    rng = random.Random(SEED)
    rows = []
    for p in sorted(P.values(), key=lambda x: (UNITS[x.unit].code, x.name)):
        initial, budget = p.funds.col("initial")[0], p.funds.col("budget")[0]
        final = p.funds.col("spent")[0] if p.key in SELF_KEYS else \
            (budget * Decimal(rng.randint(9300, 10000)) / 10000).quantize(Decimal("0.01"))
        curve = HEKOU if p.unit == "hekou" else CURVE
        done = Decimal(0)
        for m in range(1, 13):
            share = curve[m - 1] if m == 12 or p.unit == "hekou" else curve[m - 1] + rng.uniform(-0.03, 0.03)
            value = (budget * Decimal(str(max(share, 0.0)))).quantize(Decimal("0.01"))
            value = final if m == 12 else max(done, min(value, final))
            done = value
            rows.append({"month": m, "code": UNITS[p.unit].code, "unit": UNITS[p.unit].name, "project": p.name,
                         "budget": initial if m <= 6 else budget, "spent": value})
    return rows


EXEC_STYLE = {  # month -> (ext, budget header, spent header, title line, total row, rate column)
    1: ("xlsx", "全年预算数", "累计支出", "", False, False),
    2: ("csv", "全年预算数", "累计支出", "", False, False),
    3: ("xlsx", "全年预算数", "累计支出", f"{YEAR}年1-3月项目支出执行情况表", True, False),
    4: ("xlsx", "预算数", "已支出", "", False, False),
    5: ("xlsx", "全年预算数", "累计支出", "", False, False),
    6: ("xlsx", "全年预算数", "累计支出", f"{YEAR}年1-6月项目支出执行情况表", True, True),
    7: ("csv", "调整后预算数", "累计支出", "", False, False),
    8: ("xlsx", "调整后预算数", "累计支出", "", False, True),
    9: ("xlsx", "调整后预算数", "累计支出", f"{YEAR}年1-9月项目支出执行情况表", True, True),
    10: ("xlsx", "调整后预算数", "累计支出", "", False, True),
    11: ("xlsx", "调整后预算数", "累计支出", "", False, True),
    12: ("xlsx", "调整后预算数", "累计支出", f"{YEAR}年1-12月项目支出执行情况表", True, True),
}
MISSING = (5, "baisha")  # 白沙乡 did not report in May


def execution_file(rows: list[dict], month: int) -> tuple[str, bytes]:
    ext, bh, sh, title, total, rate = EXEC_STYLE[month]
    data = [r for r in rows if r["month"] == month
            and not (month == MISSING[0] and r["unit"] == UNITS[MISSING[1]].name)]
    header = ["序号", "单位编码", "单位名称", "项目名称", bh, sh] + (["执行率"] if rate else [])
    body = []
    for i, r in enumerate(data, start=1):
        line = [i, r["code"], r["unit"], r["project"], r["budget"], r["spent"]]
        if rate:
            line.append(float(r["spent"] / r["budget"]))
        body.append(line)
    if total:
        b_sum = sum((r["budget"] for r in data), Decimal(0))
        s_sum = sum((r["spent"] for r in data), Decimal(0))
        body.append(["合计", "", "", "", b_sum, s_sum] + ([float(s_sum / b_sum)] if rate else []))
    name = f"{YEAR}-{month:02d}.{ext}"
    if ext == "csv":
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\r\n")
        w.writerow(header)
        for line in body:
            w.writerow([f"{x:.2%}" if isinstance(x, float) else x for x in line])
        return name, out.getvalue().encode("gbk")
    b = Book("示例县财政局国库股", f"{YEAR}年{month}月项目支出执行情况")
    ws = b.sheet("Sheet1", [6, 10, 28, 26, 13, 13, 10][: len(header)], landscape=True)
    r0 = 0
    if title:
        put(ws, b.f["title"], 0, 0, title, c2=len(header) - 1)
        put(ws, b.f["note_r"], 1, 0, "单位：万元", c2=len(header) - 1)
        r0 = 2
    for c, h in enumerate(header):
        put(ws, b.f["head"], r0, c, h)
    for i, line in enumerate(body, start=r0 + 1):
        for c, x in enumerate(line):
            fmt = b.f["pct"] if c == 6 else b.f["num"] if c in (4, 5) else b.f["center"] if c < 2 else b.f["text"]
            put(ws, fmt, i, c, x)
    ws.freeze_panes(r0 + 1, 0)
    return name, b.close()


# --------------------------------------------------------------------------- monitoring forms (domain.md §5)

MONITOR = {  # project -> rows: 三级指标|当前完成值|全年预计|可能性|偏差原因|是否整改|整改措施
    "nutrition": """受益学生人数|21280人|21360人|确定能|||
营养膳食供餐天数|98天|202天|确定能|||
食品安全事故发生数|0起|0起|确定能|||
供餐食品抽检合格率|100%|100%|确定能|||
补助资金按月拨付率|100%|100%|确定能|||
学生营养健康监测覆盖率|60%|97%|确定能|||
营养餐供餐长效机制|正常运行|达成年度指标|确定能|||
学生及家长满意度|92%|93%|确定能|||""",
    "public_health": """居民电子健康档案建档率|88.5%|92%|确定能|||
65岁及以上老年人健康管理人数|6200人|15300人|有可能|其他：老年人健康体检集中在第三季度开展|否|
适龄儿童国家免疫规划疫苗接种率|98.2%|98.5%|确定能|||
高血压患者规范管理率|61%|66%|有可能|人员保障：部分村医退休，随访人手不足|是|乡镇卫生院派员下沉随访
补助资金拨付及时率|100%|100%|确定能|||
重点人群健康管理覆盖率|52%|86%|确定能|||
基本公共卫生服务长效机制|正常运行|达成年度指标|确定能|||
城乡居民满意度|91%|92%|确定能|||""",
    "road": """农村公路列养里程|1265公里|1265公里|确定能|||
完成路面修补面积|6800平方米|18000平方米|有可能|硬件条件保障：上半年雨季较长，修补作业推迟|是|8—10月集中开展路面修补
优良中等路率|81.2%|82%|确定能|||
路面病害处置及时率|91%|92%|确定能|||
农村公路安全通畅率|98.3%|98.5%|确定能|||
农村公路养护长效机制|正常运行|达成年度指标|确定能|||
沿线群众满意度|90.5%|91%|确定能|||""",
    "env_hekou": """完成整治行政村数量|2个|6个|完全不可能|经费保障：乡级配套资金未到位，项目开工晚|是|申请调整年度目标，剩余村纳入下年度计划
新建改造农村户厕数量|95户|300户|有可能|制度保障：改厕验收程序未及时明确|是|倒排工期，每周调度
生活垃圾收运处置体系覆盖率|80%|95%|有可能|硬件条件保障：新增垃圾转运车辆未到货|是|10月底前完成车辆采购
整治任务完成时限|进度滞后|部分达成年度指标并具有一定效果|有可能|经费保障：资金支付进度慢|是|加快资金支付
村庄环境卫生考核达标率|70%|88%|有可能|人员保障：保洁员配备不足|是|按行政村补齐保洁员
农村生活污水治理率|20%|40%|有可能|经费保障：污水管网建设资金缺口|是|争取上级资金
村民满意度|85%|88%|有可能|其他：整治进度慢，群众意见较多|是|公开整治计划，接受群众监督""",
}


def monitor_light(ind: Ind, current: str, month: int = 7) -> tuple[str, str]:
    """National lights (domain.md §5) for the README: p for positive quantitative indicators."""
    t, c = parse_value(ind.target), parse_value(current)
    if not t.quantitative:
        return "—", {"正常运行": "绿", COMPLETION[0]: "绿"}.get(current, "黄")
    if t.op in ("≤", "<") or (t.op == "=" and t.num == 0):
        ok = c.num <= t.num
        return "—", "绿" if ok else "红"
    p = c.num / (t.num * Fraction(month, 12)) * 100
    light = "红" if p < 60 else "黄" if p < 80 else "绿" if p < 120 else "蓝"
    return f"{float(p):.1f}", light


def write_monitor(p: Project, rows: list[dict]) -> bytes:
    b = Book(UNITS[p.unit].name, "项目支出绩效运行监控表")
    ws = b.sheet("监控表", [11, 11, 16, 7, 8, 10, 10, 12, 10, 24, 8, 20, 8], landscape=True)
    L, T, C = b.f["label"], b.f["text"], b.f["center"]
    put(ws, b.f["title"], 0, 0, "项目支出绩效运行监控表", c2=12)
    put(ws, b.f["sub"], 1, 0, f"（{YEAR}年1-7月）", c2=12)
    put(ws, L, 2, 0, "项目名称")
    put(ws, T, 2, 1, p.name, c2=12)
    put(ws, L, 3, 0, "主管部门")
    put(ws, T, 3, 1, p.dept.name, c2=5)
    put(ws, L, 3, 6, "实施单位")
    put(ws, T, 3, 7, UNITS[p.unit].name, c2=12)
    july = next(r for r in rows if r["month"] == 7 and r["project"] == p.name and r["code"] == UNITS[p.unit].code)
    budget, spent = july["budget"], july["spent"]
    forecast = p.funds.col("spent")[0] if p.key in SELF_KEYS else budget
    put(ws, L, 4, 0, "项目预算执行情况\n（万元）", r2=5)
    heads = ("年初预算数", "全年预算数", "1-7月执行数", "执行率", "全年预计执行数", "全年预计执行率")
    values = (p.funds.col("initial")[0], budget, spent, float(spent / budget), forecast, float(forecast / budget))
    ws.set_row(4, 26)
    ws.set_row(5, 26)
    for j, (h, v) in enumerate(zip(heads, values, strict=True)):
        put(ws, L, 4, 1 + 2 * j, h, c2=2 + 2 * j)
        put(ws, b.f["pct"] if j in (3, 5) else b.f["num"], 5, 1 + 2 * j, v, c2=2 + 2 * j)
    put(ws, L, 6, 0, "年度绩效目标")
    put(ws, T, 6, 1, p.goal, c2=12)
    ws.set_row(6, 40)
    heads = ("一级指标", "二级指标", "三级指标", "计算符号", "计量单位", "年度指标值", "当前完成值",
             "全年预计完成情况", "完成目标可能性", "偏差原因分析", "是否需要整改", "整改措施", "备注")
    for c, h in enumerate(heads):
        put(ws, L, 7, c, h)
    ws.set_row(7, 30)
    data = [line.split("|") for line in MONITOR[p.key].strip().splitlines()]
    first = 8
    for level, a, z in level_spans(p.indicators, None):
        name = p.indicators[a].l1 if level == 1 else p.indicators[a].l2
        put(ws, C, first + a, level - 1, name, r2=first + z)
    for i, (ind, d) in enumerate(zip(p.indicators, data, strict=True)):
        rr = first + i
        tv, cv = parse_value(ind.target), parse_value(d[1])
        put(ws, T, rr, 2, ind.name)
        put(ws, C, rr, 3, tv.op or "定性")
        put(ws, C, rr, 4, tv.unit)
        put(ws, C, rr, 5, float(tv.num) if tv.quantitative else ind.target)
        put(ws, C, rr, 6, float(cv.num) if cv.quantitative else d[1])
        for c, x in enumerate(d[2:], start=7):
            put(ws, T if c in (9, 11) else C, rr, c, x)
        put(ws, C, rr, 12, "")
        ws.set_row(rr, 30 if d[4] else 20)
    put(ws, b.f["note"], first + len(data) + 1, 0,
        f"填报人：{UNITS[p.unit].contact}        联系电话：{UNITS[p.unit].phone}        填报日期：{YEAR}年8月10日", c2=12)
    return b.close()


# --------------------------------------------------------------------------- rectification list

RECTIFY = f"""示例县河口乡人民政府|1-10月预算执行率30.0%，低于序时进度53.3个百分点|{YEAR}年10月执行进度通报|加快项目实施和资金支付，11月底前执行率达到70%|{YEAR}-11-30|整改中|
示例县交通运输局|农村公路养护项目路面修补进度滞后（1-7月完成率64.8%）|{YEAR}年8月绩效运行监控|8—10月集中开展路面修补，10月底前完成全年任务的80%|{YEAR}-10-31|整改中|路面修补进度台账
示例县住房和城乡建设局|农村危房改造绩效目标申报表未填年度目标，资金总额与构成不一致|{YEAR}年绩效目标审核|补充年度目标，核对资金构成后重新报送|{YEAR}-03-31|已整改|重新报送的绩效目标申报表
示例县卫生健康局|村卫生室运行补助指标值缺少计量单位，到位率目标超过100%|{YEAR}年绩效目标审核|修改指标值后重新报送|{YEAR}-03-31|已整改|修改后的绩效目标申报表
示例县民政局|困难残疾人生活补贴指标值填“待定”，满意度目标低于90%|{YEAR}年绩效目标审核|完善指标值后重新报送|{YEAR}-04-15|未整改|
示例县农业农村局|2025年度农作物病虫害统防统治项目自评得分偏高|2025年度绩效自评复核|重新自评，按复核得分更正|{YEAR}-06-30|已整改|更正后的自评表
示例县河口乡人民政府|农村人居环境整治1-7月户厕改造完成率偏低（38.8%）|{YEAR}年8月绩效运行监控|制定倒排工期计划，按周调度|{YEAR}-09-30|未整改|
示例县水利局|农村饮水安全工程追加资金支付进度慢|{YEAR}年9月执行进度通报|12月15日前完成追加资金支付|{YEAR}-12-15|整改中|
示例县青山镇人民政府|村级组织运转补助绩效目标一级指标名称不规范|{YEAR}年绩效目标审核|按规范指标体系修改后重新报送|{YEAR}-04-15|已整改|修改后的绩效目标申报表
示例县文化广电旅游体育局|送戏下乡演出场次进度滞后|{YEAR}年8月绩效运行监控|四季度补足演出场次|{YEAR}-12-31|整改中|
示例县教育局|2025年度学前教育幼儿资助项目资助对象认定准确率偏低|2025年度绩效自评复核|逐一复核资助对象，建立动态核减机制|{YEAR}-08-31|整改中|复核工作方案"""


def write_rectification() -> tuple[bytes, list[list[str]]]:
    b = Book("示例县财政局", "预算绩效管理问题整改台账")
    ws = b.sheet("整改台账", [6, 26, 40, 22, 36, 12, 9, 22], landscape=True)
    heads = ["序号", "单位", "问题", "来源", "整改要求", "整改期限", "状态", "佐证材料"]
    put(ws, b.f["title"], 0, 0, "示例县预算绩效管理问题整改台账", c2=7)
    for c, h in enumerate(heads):
        put(ws, b.f["head"], 1, c, h)
    items = [line.split("|") for line in RECTIFY.splitlines()]
    for i, it in enumerate(items, start=1):
        put(ws, b.f["center"], i + 1, 0, i)
        for c, x in enumerate(it, start=1):
            if c == 5:
                ws.write_datetime(i + 1, c, datetime.fromisoformat(x), b.f["date"])
            else:
                put(ws, b.f["center"] if c == 6 else b.f["text"], i + 1, c, x)
        ws.set_row(i + 1, 30)
    ws.freeze_panes(2, 0)
    return b.close(), items


# --------------------------------------------------------------------------- other files in the folders

class GbkZipInfo(zipfile.ZipInfo):
    """A member name stored in GBK without the UTF-8 flag, as Windows' zip tools do."""

    def _encodeFilenameFlags(self):  # noqa: N802 (zipfile's name)
        return self.filename.encode("gbk"), self.flag_bits & ~0x800


def gbk_zip(members: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            info = GbkZipInfo(name, date_time=(2026, 11, 18, 16, 20, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0  # MS-DOS
            zf.writestr(info, data)
    return buf.getvalue()


def write_contacts() -> bytes:
    """Not a form: the liaison list a clerk keeps in the same folder."""
    b = Book("示例县财政局", "各单位绩效联络员通讯录")
    ws = b.sheet("通讯录", [30, 10, 16, 16], landscape=False)
    put(ws, b.f["title"], 0, 0, "各单位绩效联络员通讯录", c2=3)
    for c, h in enumerate(("单位", "姓名", "办公电话", "备注")):
        put(ws, b.f["head"], 1, c, h)
    for r, u in enumerate(UNITS.values(), start=2):
        for c, v in enumerate((u.name, u.contact, u.phone, "")):
            put(ws, b.f["text"], r, c, v)
    return b.close()


def lock_file(owner: str = "wangfang") -> bytes:
    """An Office owner file (~$…): 1 length byte, the owner name, padding; 165 bytes."""
    name = owner.encode("ascii")
    head = bytes([len(name)]) + name.ljust(53, b" ")
    wide = owner.encode("utf-16-le")
    return (head + bytes([len(owner), 0]) + wide).ljust(165, b"\x00")


def minimal_docx(paragraphs: list[str]) -> bytes:
    """A tiny valid .docx with fixed zip timestamps (python-docx would stamp 'now')."""
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="word/document.xml"/></Relationships>',
        "word/document.xml": f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f"<w:document {ns}><w:body>{body}</w:body></w:document>",
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts.items():
            zf.writestr(zipfile.ZipInfo(name, date_time=(2026, 11, 1, 9, 0, 0)), text.encode("utf-8"))
    return buf.getvalue()


NOTICE = [f"关于报送{YEAR}年度项目支出绩效自评材料的通知", "各预算单位：",
          "请于规定时间内报送项目支出绩效自评表（Excel格式），一个项目一张表，文件名注明单位和项目名称。",
          "示例县财政局"]
GUIDE = f"""{YEAR}年项目支出绩效目标申报填报说明（示例）

1. 每个项目填写一张《项目支出绩效目标申报表》，金额单位为万元。
2. 年度绩效指标须覆盖产出指标（数量、质量、时效）、效益指标和满意度指标。
3. 定量指标写明指标性质（≥、≤、=）、数值和计量单位，如“≥95%”。
4. 新增项目年度资金50万元及以上的，须注明事前绩效评估开展情况。
"""


# --------------------------------------------------------------------------- checks on clean forms

def check_clean(form: Form) -> None:
    """Assert a clean form breaks none of domain.md's rules (so pbm must report nothing)."""
    p = form.project
    seen = set()
    l2s = {(i.l1, i.l2) for i in p.indicators}
    for need in (("产出指标", "数量指标"), ("产出指标", "质量指标"), ("产出指标", "时效指标")):
        assert need in l2s, (form.path, need)
    assert any(i.l1 == "效益指标" for i in p.indicators) and any(i.l1 == "满意度指标" for i in p.indicators)
    for ind in p.indicators:
        key = (ind.l1, ind.l2, ind.name)
        assert key not in seen, (form.path, key)
        seen.add(key)
        text = ind.name + ind.target
        assert not any(w in text for w in VAGUE + PLACEHOLDERS), (form.path, text)
        v = parse_value(ind.target)
        if v.quantitative:
            assert v.op and v.unit, (form.path, ind.target)
            assert not (v.unit == "%" and v.num > 100), (form.path, ind.target)
            cost = ind.l1 == "成本指标" or any(w in ind.name for w in COST_WORDS)
            assert not (cost and v.op in ("≥", ">")), (form.path, ind.target)
            if ind.l1 == "满意度指标":
                assert v.num >= 90, (form.path, ind.target)
        if form.kind == "self":
            _check_clean_self(form, ind, v)
    if form.kind == "self":
        weights = {}
        for ind in p.indicators:
            weights[ind.l1] = weights.get(ind.l1, 0) + ind.weight
        assert weights == {"产出指标": 50, "效益指标": 30, "满意度指标": 10}, (form.path, weights)
        assert self_total(form) == recomputed_total(form), form.path


def _check_clean_self(form: Form, ind: Ind, v: Value) -> None:
    s, a = ind.self_score(), parse_value(ind.actual)
    assert ind.l1 != "成本指标", form.path
    if v.quantitative:
        assert s == ind.computed(), (form.path, ind.name)
        if v.op in ("≥", ">") and v.num:
            assert a.num / v.num < Fraction(13, 10), (form.path, ind.name, "overshoot")
    else:
        lo, hi = qualitative_band(ind.actual, ind.weight)
        assert lo <= s <= hi, (form.path, ind.name)
    if s < ind.weight or misses_target(ind.target, ind.actual):
        assert ind.reason, (form.path, ind.name, "reason")


# --------------------------------------------------------------------------- planted.json and README

LOCAL_PACK = """# 示例县本地规则包：在全国通用规则包（national）的基础上，只改动本县做法不同的几项。
# 用法：pbm validate examples/submissions --rules examples/local-pack.toml
extends = "national"
name = "示例县本地规则包"
description = "示例县财政局预算绩效管理本地规则（示例，虚构）"

[goal]
# 满意度目标下限放宽到 85%：部分乡镇项目服务对象分散、调查样本小（全国默认 90%）。
satisfaction_min = 85.0

[scoring]
# 反向指标（≤）按线性扣减计分：超出目标的比例即扣分比例，超出一倍得 0 分，
# 与财政部预算管理一体化系统的算法一致（全国默认为 A/B 比值法 ratio）。
reverse_mode = "linear_penalty"

[monitor]
# 执行进度预警放宽：落后序时进度 8 个百分点以上亮黄灯、15 个百分点以上亮红灯（全国默认 5 / 10）。
warning_yellow = 8.0
warning_red = 15.0

[rank]
# 本县预算单位较少，红黑榜各组最多列 3 个单位（全国默认 5 个）；排名、通报共用这一设置。
top = 3
bottom = 3
"""

KIND_LABELS = {
    "missing_header": "表头必填项为空", "funds_unbalanced": "资金构成不平衡", "invalid_level1": "一级指标名称不规范",
    "invalid_level2": "二级指标名称不规范", "level2_wrong_parent": "二级指标放错一级指标",
    "missing_coverage": "指标类别不全", "missing_target": "指标值未填", "quantitative_missing_unit": "指标值缺单位",
    "percent_over_100": "比率目标超过100%", "satisfaction_low": "满意度目标低于90%",
    "duplicate_indicator": "指标重复", "placeholder": "占位符", "vague_target": "目标表述模糊",
    "cost_ge": "成本指标用“≥”", "pre_assessment_missing": "未标注事前评估",
    "execution_rate_wrong": "执行率算错", "execution_score_wrong": "执行率得分算错",
    "weights_sum_not_100": "分值合计不是100", "score_above_weight": "得分超过分值",
    "self_score_wrong": "自评得分高于复核得分", "qualitative_out_of_band": "定性得分不在档次区间",
    "deviation_reason_missing": "未填偏差原因", "total_wrong": "总分与各项合计不符",
    "actual_missing": "实际完成值为空", "inflated_total": "自评总分虚高", "overshoot": "指标值设定偏低（超额≥30%）",
    "goal_target_changed": "指标值与批复目标不一致", "indicator_added": "新增了批复目标中没有的指标",
    "duplicate_file": "重复报送同一文件", "not_a_form": "不是绩效表格",
}


def planted(forms: list[Form], extra: list[dict], skipped: list[dict]) -> dict:
    mistakes = []
    for f in forms:
        for pl in f.plants:
            mistakes.append({"file": f.path, "sheet": f.sheet, "cell": f.cells[pl.loc] if pl.loc else None,
                             "kind": pl.kind, "detail": pl.detail, "expected": pl.expected})
    mistakes += extra
    assert all(m["kind"] in KIND_LABELS for m in mistakes)
    return {"mistakes": mistakes, "clean_files": [f.path for f in forms if f.clean], "skipped": skipped}


def readme(data: dict, forms: list[Form], exec_rows: list[dict], rect: list[list[str]], P: dict) -> str:
    goals = [f for f in forms if f.kind == "goal"]
    selfs = [f for f in forms if f.kind == "self"]
    lines = [
        "# 示例县（虚构）预算绩效管理示例数据",
        "",
        "本目录是 pbm 自带的示例：一个虚构的“示例县”一年里财政局绩效股会收到的各类表格。"
        "所有单位、人名、电话和数字均为虚构。新用户可以直接拿这些文件试用 pbm 的各个命令，"
        "例如 `pbm validate examples/submissions`、`pbm score examples/submissions/2026/自评 "
        "--goals examples/submissions/2026/目标申报`、`pbm monitor examples/execution/2026-10.xlsx --period 2026-10`。",
        "",
        "## 如何生成",
        "",
        "全部文件由 `python examples/generate_examples.py` 生成（可加输出目录参数，默认就地重新生成）。"
        "生成脚本不调用 pbm，而是用 xlsxwriter 直接写表（公式单元格带缓存值，和 Excel/WPS 保存的文件一样），"
        "以检验 pbm 能读懂别的软件做出的表。脚本是确定性的（固定随机种子、固定文档属性和压缩包时间），"
        "重复运行得到相同内容；`tests/test_examples_files.py` 检查提交的文件与脚本输出一致。",
        "",
        "## 目录内容",
        "",
        "| 路径 | 内容 |",
        "|---|---|",
        f"| `units.xlsx` | 单位名录：{len(UNITS)} 个单位（部门 11 个、乡镇 6 个），含编码、名称、简称/别名、主管部门、类别、联系人、联系电话 |",
        f"| `submissions/{YEAR}/目标申报/` | {len(goals)} 份项目支出绩效目标申报表（含 1 份放在单位子文件夹里、1 份重复报送的副本）、1 个 .txt 说明（应跳过） |",
        f"| `submissions/{YEAR}/自评/` | {len(selfs)} 份项目支出绩效自评表（其中 2 份在 `乡镇自评表打包.zip` 里，压缩包内文件名为 GBK 编码；1 份在单位子文件夹里）、1 份通讯录（不是表格）、1 个 `~$` 锁文件和 1 个 .docx 通知（应跳过） |",
        "| `execution/2026-01 … 2026-12` | 预算系统导出的月度项目支出执行数（万元），其中 2 个月为 GBK 编码的 .csv |",
        "| `monitor/2026-08/` | 4 份绩效运行监控表（1-7月） |",
        "| `rectification.xlsx` | 问题整改台账（单位、问题、来源、整改要求、整改期限、状态、佐证材料） |",
        "| `local-pack.toml` | 本地规则包示例（`extends = \"national\"`，改了几个阈值，中文注释说明原因） |",
        "| `planted.json` | 机器可读的预埋问题清单（下表由同一数据生成） |",
        "",
        "## 报送表格的样式",
        "",
        "- 全国通用样式（domain.md §1、§4）；自评表另有市级样式（栏目带“(A)”“(B)”“(B/A)”）"
        "和指标性质、度量单位分栏的样式（另有未完成原因分析、评价结论、存在问题、改进措施和项目负责人、财务负责人签字；"
        "这是按各地常见栏目拼出的样式，不是四川省的正式表样，真实的四川表样见 tests/realworld/）。",
        "- 模拟真实报送的“乱”：标题上方有“附件2”、有“填报单位（盖章）：”行、一级/二级指标跨行合并、"
        "指标表中夹一空行、百分数存为 0.96 并设百分比格式、金额写成文本“120万元”、工作表名为“Sheet1”“自评表 (2)”、"
        "部分文件的执行率、执行率得分和总分是带缓存值的 Excel 公式，其余是直接填写的数值。",
        "- 干净文件的自评得分完全按全国默认规则计算（正向 B≥A 满分否则 B/A×分值；反向 B≤A 满分否则 A/B×分值；"
        "定性按 80%/60% 档次；执行率得分 min(执行率,1)×10；每项四舍五入保留 2 位），"
        "凡得分低于分值或未完成目标的都写了偏差原因。",
        "",
        "## 预埋问题一览",
        "",
        "约一半文件是干净的（pbm 不应报告任何问题），其余每份含一到两个典型错误。"
        "“单元格”为问题应指向的位置；文件级问题为“—”。",
        "",
        "| 文件 | 工作表 | 单元格 | 问题类型 | 问题说明 | 应为 |",
        "|---|---|---|---|---|---|",
    ]
    for m in data["mistakes"]:
        lines.append(f"| {m['file'].split(f'{YEAR}/', 1)[-1]} | {m['sheet'] or '—'} | {m['cell'] or '—'} | "
                     f"{KIND_LABELS[m['kind']]}（`{m['kind']}`） | {m['detail']} | {m['expected']} |")
    lines += ["", "说明：自评总分虚高（inflated_total）的文件，几项“慷慨”的自评得分本身也逐项列为 self_score_wrong；"
              "“得分超过分值”同时也是“自评得分高于复核得分”。实际完成值为空的指标无法复核计分，只报 actual_missing。",
              "", "### 干净文件（不应报告任何问题）", ""]
    lines += [f"- `{f}`" for f in data["clean_files"]]
    lines += ["", "### 应跳过的文件", ""]
    lines += [f"- `{s['file']}`：{s['reason']}" for s in data["skipped"]]
    lines += _readme_execution(exec_rows) + _readme_monitor(P) + _readme_rectify(rect)
    return "\n".join(lines) + "\n"


def _readme_execution(rows: list[dict]) -> list[str]:
    out = ["", "## 月度执行数据", "",
           "每月一个导出文件，列为 序号、单位编码、单位名称、项目名称、全年预算数（7 月起为调整后预算数）、累计支出（万元）。"
           "系统导出的“噪声”：3、6、9、12 月有标题行（如“2026年1-3月项目支出执行情况表”）、“单位：万元”行和“合计”行；"
           "4 月表头为“预算数/已支出”；2 月、7 月为 GBK 编码的 .csv；5 月白沙乡未报送（缺该单位的行）。"
           "执行进度：年初慢、年底冲；河口乡明显滞后（10 月仅约 30%）。",
           "", "10 月各单位累计执行率（时间进度 10/12 = 83.3%，全国默认落后超过 5 个百分点黄灯、超过 10 个百分点红灯）：", "",
           "| 单位 | 预算数（万元） | 累计支出（万元） | 执行率 | 与时间进度差（百分点） |", "|---|---:|---:|---:|---:|"]
    units: dict[str, list[Decimal]] = {}
    for r in rows:
        if r["month"] == 10:
            acc = units.setdefault(r["unit"], [Decimal(0), Decimal(0)])
            acc[0] += r["budget"]
            acc[1] += r["spent"]
    for name, (b, s) in units.items():
        rate = float(s / b) * 100
        out.append(f"| {name} | {b} | {s} | {rate:.1f}% | {rate - 250 / 3:+.1f} |")
    return out


def _readme_monitor(P: dict) -> list[str]:
    out = ["", "## 运行监控表（2026-08，1-7月）", "",
           "按全国默认规则：正向定量指标 p = 当前完成值 ÷（年度指标值 × 7/12）× 100，"
           "p < 60 红、60–80 黄、80–120 绿、≥ 120 蓝；反向和“=0”指标在范围内为绿；定性指标按完成情况。"
           "下表为按此规则计算的参考结果。", "",
           "| 项目 | 三级指标 | 年度指标值 | 当前完成值 | p | 灯 |", "|---|---|---|---|---:|---|"]
    for key, text in MONITOR.items():
        p = P[key]
        for ind, line in zip(p.indicators, text.strip().splitlines(), strict=True):
            current = line.split("|")[1]
            pv, light = monitor_light(ind, current)
            out.append(f"| {UNITS[p.unit].aliases.split('、')[0]}·{p.name} | {ind.name} | {ind.target} | {current} | {pv} | {light} |")
    return out


def _readme_rectify(items: list[list[str]]) -> list[str]:
    out = ["", f"## 整改台账（以 {TODAY.year}年{TODAY.month}月{TODAY.day}日 为准的逾期事项）", ""]
    for it in items:
        if date.fromisoformat(it[4]) < TODAY and it[5] != "已整改":
            out.append(f"- {it[0]}：{it[1]}（期限 {it[4]}，状态 {it[5]}）")
    out += ["", "## 本地规则包", "",
            "`local-pack.toml` 继承全国规则包，只改了：满意度目标下限 85%（`[goal] satisfaction_min`）、"
            "反向指标线性扣减计分（`[scoring] reverse_mode`）、执行进度预警 8/15 个百分点（`[monitor]`）、"
            "红黑榜各 3 个单位（`[rank]`、`[notice]`）。用它校验时，困难残疾人生活补贴申报表的“≥85%”不再报满意度偏低；"
            "家庭医生签约服务自评表中的反向指标“转诊预约平均等待时间 ≤7天”实际 8 天，"
            "全国规则按 7÷8×10 = 8.75 分，本地规则包按线性扣减 (1−1÷7)×10 = 8.57 分，因此用本地规则包复核时该项会报自评得分不符。"]
    return out


# --------------------------------------------------------------------------- main

def generate(out: Path) -> dict:
    """Write every example file under ``out``; returns the planted.json data."""
    import shutil

    for sub in ("submissions", "execution", "monitor"):
        shutil.rmtree(out / sub, ignore_errors=True)
    P = build_catalog()
    goals, selfs = goal_forms(P), self_forms(P)
    SELF_KEYS.clear()
    SELF_KEYS.update(f.project.key for f in selfs)

    def save(rel: str, data: bytes) -> None:
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    zips: dict[str, list[tuple[str, bytes]]] = {}
    blobs: dict[str, bytes] = {}
    for f in goals + selfs:
        if f.clean:
            check_clean(f)
        data = write_goal(f) if f.kind == "goal" else write_self(f)
        blobs[f.path] = data
        if f.zip_name:
            zips.setdefault(f.zip_name, []).append((f.path.rsplit("/", 1)[1], data))
        else:
            save(f.path, data)
    for name, members in zips.items():
        save(name, gbk_zip(members))
    extra, skipped = _side_files(save, blobs)
    rows = execution_rows(P)
    for m in range(1, 13):
        name, data = execution_file(rows, m)
        save(f"execution/{name}", data)
    for key in MONITOR:
        p = P[key]
        save(f"monitor/{YEAR}-08/{UNITS[p.unit].aliases.split('、')[0]}-{p.name}-绩效运行监控表.xlsx",
             write_monitor(p, rows))
    save("units.xlsx", write_units())
    rect, items = write_rectification()
    save("rectification.xlsx", rect)
    (out / "local-pack.toml").write_text(LOCAL_PACK, encoding="utf-8")
    data = planted(goals + selfs, extra, skipped)
    (out / "planted.json").write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (out / "README.md").write_text(readme(data, goals + selfs, rows, items, P), encoding="utf-8")
    return data


def _side_files(save, blobs: dict[str, bytes]) -> tuple[list[dict], list[dict]]:
    orig = f"{GOAL_DIR}/县文广旅体局-公共文化服务体系建设-目标申报表.xlsx"
    copy = f"{GOAL_DIR}/文旅局-绩效目标表(重报).xlsx"
    save(copy, blobs[orig])
    contacts = f"{SELF_DIR}/各单位绩效联络员通讯录.xlsx"
    save(contacts, write_contacts())
    lock = f"{SELF_DIR}/~$县教育局-{YEAR}年学生营养改善计划-绩效自评表.xlsx"
    save(lock, lock_file())
    docx = f"{SELF_DIR}/关于报送{YEAR}年度项目支出绩效自评材料的通知.docx"
    save(docx, minimal_docx(NOTICE))
    txt = f"{GOAL_DIR}/填报说明.txt"
    save(txt, GUIDE.encode("utf-8"))
    extra = [
        {"file": copy, "sheet": None, "cell": None, "kind": "duplicate_file",
         "detail": f"与“{orig.rsplit('/', 1)[1]}”内容完全相同（同一文件重复报送）", "expected": "只保留一份"},
        {"file": contacts, "sheet": None, "cell": None, "kind": "not_a_form",
         "detail": "通讯录，不是绩效目标申报表或自评表", "expected": "从报送材料中移除"},
    ]
    skipped = [{"file": lock, "reason": "Office 临时锁文件（~$ 开头）"},
               {"file": docx, "reason": "不是表格文件（.docx）"},
               {"file": txt, "reason": "不是表格文件（.txt）"}]
    return extra, skipped


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent
    data = generate(out)
    print(f"已生成示例文件于 {out}：预埋问题 {len(data['mistakes'])} 个，干净文件 {len(data['clean_files'])} 个。")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
