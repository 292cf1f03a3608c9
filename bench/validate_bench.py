"""Benchmark: ``pbm validate DIR --jobs 2 --format json`` against a naive openpyxl loop.

Generates N realistic filled forms (goal declarations and self-evaluations,
national layout, merged cells, borders, formulas with cached values, an
instructions sheet) with xlsxwriter into a temporary folder, then in the same
run times:

1. ``pbm validate DIR --jobs J --format json -o out.json --quiet`` as a
   subprocess, end to end (start-up, pool, reading, rules, JSON);
2. a naive loop calling only ``openpyxl.load_workbook(path)`` on a sample of
   the files (default 200), extrapolated to N files.

It prints files/s for both, the ratio, and the peak memory of the pbm process
tree (``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss``: the largest single
process among pbm and its workers, not their sum).

    python bench/validate_bench.py                # 2,000 files
    python bench/validate_bench.py --n 10000      # memory target
    python bench/validate_bench.py --profile      # + cProfile of one in-process run
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

UNITS = [f"示例县{name}" for name in (
    "教育局", "卫生健康局", "交通运输局", "农业农村局", "水利局", "民政局", "住房和城乡建设局",
    "自然资源局", "生态环境局", "文化广电旅游局", "人力资源和社会保障局", "应急管理局",
    "市场监督管理局", "林业局", "统计局", "审计局", "司法局", "退役军人事务局", "医疗保障局",
    "城关镇人民政府", "东关镇人民政府", "西河乡人民政府", "南山镇人民政府", "北塘乡人民政府")]
PROJECTS = ["农村公路养护", "义务教育营养改善", "基层医疗设备购置", "高标准农田建设", "河道清淤整治",
            "困难群众救助", "老旧小区改造", "森林防火", "城乡环卫一体化", "公共文化服务",
            "就业技能培训", "防汛抗旱物资储备", "食品安全抽检", "乡村振兴示范村建设"]
INDICATORS = [  # (一级, 二级, 三级, 年度指标值, 实际完成值, 分值): 产出 50 + 效益 30 + 满意度 10
    ("产出指标", "数量指标", "完成{p}数量", "≥{n}个", "{m}个", 8),
    ("产出指标", "数量指标", "覆盖乡镇数", "={k}个", "{k}个", 6),
    ("产出指标", "数量指标", "培训宣传场次", "≥{t}场", "{t}场", 6),
    ("产出指标", "质量指标", "验收合格率", "≥95%", "{q}%", 8),
    ("产出指标", "质量指标", "资金使用合规率", "=100%", "100%", 6),
    ("产出指标", "质量指标", "设备完好率", "≥90%", "93%", 4),
    ("产出指标", "时效指标", "完成时限", "按时完成", "达成年度指标", 6),
    ("产出指标", "时效指标", "资金拨付及时率", "≥95%", "97%", 6),
    ("效益指标", "经济效益指标", "带动群众增收", "≥{e}万元", "{e}万元", 6),
    ("效益指标", "社会效益指标", "受益群众人数", "≥{b}人", "{c}人", 8),
    ("效益指标", "社会效益指标", "群众生产生活条件", "明显改善", "达成年度指标", 6),
    ("效益指标", "生态效益指标", "生态环境质量", "不降低", "达成年度指标", 5),
    ("效益指标", "可持续影响指标", "长效管护机制", "建立健全", "部分达成年度指标并具有一定效果", 5),
    ("满意度指标", "服务对象满意度指标", "受益群众满意度", "≥90%", "{s}%", 6),
    ("满意度指标", "服务对象满意度指标", "实施单位满意度", "≥90%", "95%", 4),
]


# --- generating forms ----------------------------------------------------------------------

def _formats(wb: object) -> dict[str, object]:
    add = wb.add_format  # type: ignore[attr-defined]
    return {
        "title": add({"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"}),
        "label": add({"bold": True, "border": 1, "align": "center", "valign": "vcenter", "text_wrap": True}),
        "cell": add({"border": 1, "valign": "vcenter", "text_wrap": True}),
        "num": add({"border": 1, "num_format": "0.00"}),
        "pct": add({"border": 1, "num_format": "0.00%"}),
    }


def _instructions(wb: object, fmt: dict[str, object]) -> None:
    ws = wb.add_worksheet("填表说明")  # type: ignore[attr-defined]
    ws.set_column(0, 0, 100)
    for r, text in enumerate(["填表说明", "1. 金额单位为万元，保留两位小数。",
                              "2. 指标值请写明符号、数值和单位，如 ≥95%。",
                              "3. 定性指标实际完成值填写：达成年度指标 / 部分达成年度指标并具有一定效果 / 未达成年度指标且效果较差。",
                              "4. 偏差原因分析及改进措施：得分低于分值时必填。"]):
        ws.write(r, 0, text, fmt["cell"])


def _indicator_rows(rng: random.Random, project: str) -> list[list[object]]:
    """Rows of [一级, 二级, 三级, 年度指标值, 实际完成值, 分值] with per-file numbers."""
    rows = []
    for l1, l2, name, target, actual, weight in INDICATORS:
        values = {"p": project[:4], "n": rng.randint(10, 500), "k": rng.randint(5, 20),
                  "t": rng.randint(2, 12), "e": rng.randint(5, 200),
                  "q": rng.choice([96, 98, 100, 93]), "b": rng.randint(1000, 90000),
                  "s": rng.choice([92, 95, 97, 88])}
        values["m"] = values["n"] + rng.randint(-5, 30)
        values["c"] = values["b"] + rng.randint(-500, 3000)
        rows.append([l1, l2, name.format(**values), target.format(**values),
                     actual.format(**values), weight])
    return rows


def _explanations(wb: object, fmt: dict[str, object], rows: list[list[object]]) -> None:
    """A 指标解释 sheet, as many units attach: one merged row per indicator."""
    ws = wb.add_worksheet("指标解释")  # type: ignore[attr-defined]
    ws.merge_range("A1:K1", "绩效指标解释及数据来源", fmt["title"])
    for c, head in ((0, "序号"), (1, "三级指标"), (4, "指标解释"), (9, "数据来源"), (10, "备注")):
        ws.write(1, c, head, fmt["label"])
    ws.merge_range("B2:D2", "三级指标", fmt["label"])
    ws.merge_range("E2:I2", "指标解释", fmt["label"])
    for i, row in enumerate(rows, start=2):
        ws.write_number(i, 0, i - 1, fmt["cell"])
        ws.merge_range(i, 1, i, 3, row[2], fmt["cell"])
        ws.merge_range(i, 4, i, 8, f"反映{row[2]}情况，按{row[1]}口径统计，目标值为{row[3]}。", fmt["cell"])
        ws.write(i, 9, "统计报表", fmt["cell"])
        ws.write_blank(i, 10, None, fmt["cell"])
    end = len(rows) + 3
    ws.merge_range(end, 0, end, 10, "注：指标解释应说明计算方法、统计口径和数据来源。", fmt["cell"])


def _merge_runs(ws: object, rows: list[list[object]], col: int, first_row: int, fmt: object) -> None:
    """Merge vertical runs of equal 一级/二级 names, like the official forms."""
    start = 0
    for i in range(1, len(rows) + 1):
        if i == len(rows) or rows[i][col] != rows[start][col]:
            if i - start > 1:
                ws.merge_range(first_row + start, col + 1, first_row + i - 1, col + 1,  # type: ignore[attr-defined]
                               rows[start][col], fmt)
            start = i


def write_selfeval(path: Path, rng: random.Random, unit: str, project: str) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    fmt = _formats(wb)
    ws = wb.add_worksheet("自评表")
    ws.set_column(0, 0, 10)
    ws.set_column(1, 9, 13)
    ws.merge_range("A1:J1", "项目支出绩效自评表", fmt["title"])
    ws.merge_range("A2:J2", "（2025年度）", fmt["title"])
    ws.write("A3", "项目名称", fmt["label"])
    ws.merge_range("B3:J3", project, fmt["cell"])
    ws.write("A4", "主管部门", fmt["label"])
    ws.merge_range("B4:D4", unit, fmt["cell"])
    ws.write("E4", "实施单位", fmt["label"])
    ws.merge_range("F4:J4", unit, fmt["cell"])
    ws.merge_range("A5:A9", "项目资金（万元）", fmt["label"])
    for c, head in enumerate(["", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"], start=1):
        ws.write(4, c, head, fmt["label"])
    budget = round(rng.uniform(20, 900), 2)
    spent = round(budget * rng.uniform(0.6, 1.0), 2)
    carry = round(budget * rng.choice([0, 0, 0.1]), 2)
    fund_rows = [("年度资金总额", budget, spent), ("其中：当年财政拨款", budget - carry, spent - carry),
                 ("上年结转资金", carry, carry), ("其他资金", 0.0, 0.0)]
    for r, (label, b, s) in enumerate(fund_rows, start=5):
        ws.write(r, 1, label, fmt["label"])
        ws.write_number(r, 2, b, fmt["num"])
        ws.write_number(r, 3, b, fmt["num"])
        ws.write_number(r, 4, s, fmt["num"])
        for c in (5, 6, 7):
            ws.write_blank(r, c, None, fmt["cell"])
    rate = spent / budget
    ws.write_number("F6", 10, fmt["num"])
    ws.write_formula("G6", "=E6/D6", fmt["pct"], rate)
    ws.write_formula("H6", "=ROUND(MIN(G6,1)*F6,2)", fmt["num"], round(min(rate, 1) * 10, 2))
    ws.merge_range("A10:A11", "年度总体目标", fmt["label"])
    ws.merge_range("B10:E10", "预期目标", fmt["label"])
    ws.merge_range("F10:J10", "实际完成情况", fmt["label"])
    ws.merge_range("B11:E11", f"完成{project}年度建设任务，保障项目顺利实施。", fmt["cell"])
    ws.merge_range("F11:J11", f"已完成{project}年度建设任务。", fmt["cell"])
    rows = _indicator_rows(rng, project)
    first = 12
    ws.merge_range(first - 1, 0, first + len(rows) - 1, 0, "绩效指标", fmt["label"])
    for c, head in enumerate(["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值",
                              "得分"], start=1):
        ws.write(first - 1, c, head, fmt["label"])
    ws.merge_range(first - 1, 8, first - 1, 9, "偏差原因分析及改进措施", fmt["label"])
    got = round(min(rate, 1) * 10, 2)
    for i, row in enumerate(rows):
        r, w = first + i, row[5]
        for c, value in enumerate(row[:5], start=1):
            ws.write(r, c, value, fmt["cell"])
        ws.write_number(r, 6, w, fmt["num"])
        score = w if rng.random() > 0.15 else round(w * 0.8, 2)
        ws.write_number(r, 7, score, fmt["num"])
        got += score
        ws.merge_range(r, 8, r, 9, "" if score == w else "受天气影响进度滞后，下年加强调度", fmt["cell"])
    _merge_runs(ws, rows, 0, first, fmt["label"])
    _merge_runs(ws, rows, 1, first, fmt["label"])
    total = first + len(rows)
    ws.merge_range(total, 0, total, 5, "总分", fmt["label"])
    ws.write_formula(total, 6, f"=SUM(G{first + 1}:G{total})+F6", fmt["num"], 100)
    ws.write_formula(total, 7, f"=SUM(H{first + 1}:H{total})+H6", fmt["num"], round(got, 2))
    ws.merge_range(total, 8, total, 9, "", fmt["cell"])
    _explanations(wb, fmt, rows)
    _instructions(wb, fmt)
    wb.close()


def write_goal(path: Path, rng: random.Random, unit: str, project: str) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    fmt = _formats(wb)
    ws = wb.add_worksheet("申报表")
    ws.set_column(0, 0, 10)
    ws.set_column(1, 7, 16)
    ws.merge_range("A1:H1", "项目支出绩效目标申报表", fmt["title"])
    ws.merge_range("A2:H2", "（2026年度）", fmt["title"])
    header = [("项目名称", project, "项目属性", rng.choice(["新增项目", "延续项目"])),
              ("主管部门及代码", f"{unit}（{rng.randint(100, 999)}001）", "实施单位", unit),
              ("项目期", "1年", "联系人", "张三 0731-1234567")]
    for r, (l1, v1, l2, v2) in enumerate(header, start=2):
        ws.write(r, 0, l1, fmt["label"])
        ws.merge_range(r, 1, r, 3, v1, fmt["cell"])
        ws.write(r, 4, l2, fmt["label"])
        ws.merge_range(r, 5, r, 7, v2, fmt["cell"])
    ws.merge_range("A6:A8", "项目资金（万元）", fmt["label"])
    amount = round(rng.uniform(20, 900), 2)
    other = round(amount * rng.choice([0, 0.2]), 2)
    for r, (label, value) in enumerate([("资金总额", None), ("其中：财政拨款", amount - other),
                                        ("其他资金", other)], start=5):
        for block, col in (("中期", 1), ("年度", 5)):
            ws.merge_range(r, col, r, col + 1, f"{block}{label}" if value is None else label, fmt["label"])
            if value is None:
                ws.write_formula(r, col + 2, f"={'D' if col == 1 else 'H'}7+{'D' if col == 1 else 'H'}8",
                                 fmt["num"], amount)
            else:
                ws.write_number(r, col + 2, value, fmt["num"])
        ws.write_blank(r, 4, None, fmt["cell"])
    ws.merge_range("A9:A10", "总体目标", fmt["label"])
    ws.merge_range("B9:D9", "中期目标", fmt["label"])
    ws.merge_range("E9:H9", "年度目标", fmt["label"])
    ws.merge_range("B10:D10", f"三年内全面完成{project}任务。", fmt["cell"])
    ws.merge_range("E10:H10", f"年内完成{project}年度任务，群众满意度不低于90%。", fmt["cell"])
    rows = [row[:4] for row in _indicator_rows(rng, project)]
    first = 11
    ws.merge_range(first - 1, 0, first + len(rows) - 1, 0, "年度绩效指标", fmt["label"])
    for c, head in enumerate(["一级指标", "二级指标", "三级指标", "指标值"], start=1):
        ws.write(first - 1, c, head, fmt["label"])
    for i, row in enumerate(rows):
        for c, value in enumerate(row, start=1):
            ws.write(first + i, c, value, fmt["cell"])
        ws.merge_range(first + i, 4, first + i, 7, row[3], fmt["cell"])
    _merge_runs(ws, rows, 0, first, fmt["label"])
    _merge_runs(ws, rows, 1, first, fmt["label"])
    _explanations(wb, fmt, rows)
    _instructions(wb, fmt)
    wb.close()


def _factory_writer() -> Callable[[Path, int], None] | None:
    """tests/factory.py (the reader owner's builders), when importable."""
    root = Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(root))
    try:
        from tests import factory  # type: ignore[import-not-found]
    except ImportError:
        return None
    finally:
        sys.path.pop(0)
    if not (hasattr(factory, "bench_form")):
        return None
    return factory.bench_form  # type: ignore[no-any-return]


def write_one(args: tuple[Path, int]) -> None:
    folder, i = args
    rng = random.Random(i)
    unit = UNITS[i % len(UNITS)]
    project = f"{rng.choice(PROJECTS)}项目（第{i}号）"
    sub = folder / unit
    sub.mkdir(exist_ok=True)
    if i % 2:
        write_selfeval(sub / f"{i:05d}_{project}_自评表.xlsx", rng, unit, project)
    else:
        write_goal(sub / f"{i:05d}_{project}_申报表.xlsx", rng, unit, project)


def generate(folder: Path, n: int, jobs: int) -> float:
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(write_one, [(folder, i) for i in range(n)], chunksize=64))
    return time.perf_counter() - start


# --- timing ------------------------------------------------------------------------------------

def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_pbm(folder: Path, out: Path, jobs: int) -> tuple[float, float, dict[str, Any]]:
    """(wall seconds, CPU seconds of pbm and its workers, the JSON report)."""
    pbm = shutil.which("pbm") or str(Path(sys.executable).with_name("pbm"))
    cmd = [pbm, "validate", str(folder), "--jobs", str(jobs), "--format", "json", "-o", str(out),
           "--quiet", "--force"]
    cpu0, start = _children_cpu(), time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    elapsed, cpu = time.perf_counter() - start, _children_cpu() - cpu0
    if proc.returncode not in (0, 1):
        sys.exit(f"pbm validate failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return elapsed, cpu, json.loads(out.read_text("utf-8"))


def run_naive(files: list[Path]) -> tuple[float, float]:
    """(wall, CPU) seconds of openpyxl.load_workbook on each file, in this process."""
    import openpyxl

    cpu0, start = time.process_time(), time.perf_counter()
    for path in files:
        openpyxl.load_workbook(path)
    return time.perf_counter() - start, time.process_time() - cpu0


def form_stats(files: list[Path]) -> str:
    """Average merged ranges and non-empty cells per file (all sheets), for the record."""
    import openpyxl

    merges = cells = 0
    for path in files:
        wb = openpyxl.load_workbook(path)
        merges += sum(len(ws.merged_cells.ranges) for ws in wb)
        cells += sum(1 for ws in wb for row in ws.iter_rows() for c in row if c.value is not None)
    return f"{merges / len(files):.0f} merged ranges, {cells / len(files):.0f} non-empty cells, 3 sheets"


def profile_in_process(folder: Path) -> None:
    import cProfile
    import pstats

    from pbmcli.config import default_pack
    from pbmcli.report import validate_paths

    prof = cProfile.Profile()
    prof.enable()
    validate_paths([folder], default_pack(), jobs=1)
    prof.disable()
    pstats.Stats(prof).sort_stats("cumulative").print_stats(25)


def report_results(n: int, n_sample: int, jobs: int, pbm: tuple[float, float],
                   naive: tuple[float, float], report: dict[str, Any]) -> None:
    """Print wall-clock rates (what a user sees) and CPU-based ones (robust to a busy machine)."""
    forms: dict[str, int] = {}
    for f in report["files"]:
        forms[f["form"]] = forms.get(f["form"], 0) + 1
    pbm_rate, naive_rate = n / pbm[0], n_sample / naive[0]
    print(f"pbm validate --jobs {jobs}: {pbm[0]:.2f}s wall for {n} files = {pbm_rate:.0f} files/s "
          f"(summary {report['summary']}; forms {forms})")
    print(f"naive openpyxl.load_workbook: {naive[0]:.2f}s for a sample of {n_sample} files = "
          f"{naive_rate:.1f} files/s -> {n / naive_rate:.0f}s extrapolated to {n} files")
    print(f"speed-up (wall): {pbm_rate / naive_rate:.1f}x")
    pbm_ms, naive_ms = pbm[1] / n * 1e3, naive[1] / n_sample * 1e3
    idle = n / max(pbm[1] / jobs, 1e-9)
    print(f"CPU per file: pbm {pbm_ms:.2f} ms (all processes), naive {naive_ms:.1f} ms; "
          f"on {jobs} idle cores pbm would do ~{idle:.0f} files/s = {idle / (1e3 / naive_ms):.1f}x "
          "a single naive loop")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=2000, help="number of forms (default 2000)")
    ap.add_argument("--jobs", type=int, default=2, help="pbm --jobs (default 2)")
    ap.add_argument("--sample", type=int, default=200, help="files timed in the naive loop")
    ap.add_argument("--keep", type=Path,
                    help="generate into this folder and keep it (reused when it already holds N forms)")
    ap.add_argument("--profile", action="store_true", help="cProfile one in-process run")
    args = ap.parse_args()

    folder = args.keep or Path(tempfile.mkdtemp(prefix="pbm_bench_"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        files = sorted(folder.rglob("*.xlsx"))
        gen = 0.0 if len(files) == args.n else generate(folder, args.n, os.cpu_count() or 2)
        files = sorted(folder.rglob("*.xlsx"))
        size = sum(p.stat().st_size for p in files) / len(files) / 1024
        print(f"generated {len(files)} forms ({size:.1f} KiB each) in {gen:.1f}s -> {folder}")
        out = Path(tempfile.mkdtemp(prefix="pbm_bench_out_")) / "report.json"
        print(f"load average before timing: {os.getloadavg()[0]:.1f} "
              f"(other processes compete for the {os.cpu_count()} cores)")
        elapsed, cpu, report = run_pbm(folder, out, args.jobs)
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        sample = random.Random(0).sample(files, min(args.sample, len(files)))
        naive, naive_cpu = run_naive(sample)
        report_results(len(files), len(sample), args.jobs, (elapsed, cpu), (naive, naive_cpu), report)
        print(f"forms: {form_stats(sample[:20])} per file on average")
        print(f"peak memory (largest single pbm process, ru_maxrss): {peak_mb:.0f} MB")
        if args.profile:
            profile_in_process(folder)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
