"""`pbm notice` through the CLI: JSON inputs, the ledger, templates, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from pbmcli.cli import app
from pbmcli.ledger.records import ExecutionRow
from pbmcli.ledger.store import Ledger
from pbmcli.render import samples as S

runner = CliRunner()


@pytest.fixture()
def inputs(tmp_path: Path) -> dict[str, Path]:
    data = {"monitor": S.monitor(), "rank": S.rank(), "validate": S.validate(),
            "overdue": S.overdue(), "annual": S.rank("2026", "year"),
            "apply": {"tool": "pbm", "year": 2026, "rows": S.apply()}}
    paths = {}
    for name, value in data.items():
        paths[name] = tmp_path / f"{name}.json"
        paths[name].write_text(json.dumps(value, ensure_ascii=False), "utf-8")
    return paths


def _run(*args: str | Path) -> object:
    return runner.invoke(app, ["notice", *map(str, args)])


def test_monthly_from_json(tmp_path: Path, inputs: dict[str, Path]) -> None:
    out = tmp_path / "通报"
    res = _run("monthly", "--period", "2026-10", "--monitor", inputs["monitor"], "--overdue",
               inputs["overdue"], "--date", "2026-11-22", "--number", "12", "-o", out)
    assert res.exit_code == 0, res.output
    names = sorted(p.name for p in out.iterdir())
    assert names == ["2026-10预算执行进度通报.docx", "2026-10预算执行进度通报.md",
                     "2026-10预算执行进度通报.png"]
    first = (out / names[0]).read_bytes()
    doc = docx.Document(str(out / names[0]))
    texts = [p.text for p in doc.paragraphs]
    assert "示财绩〔2026〕12号" in texts
    assert any("县水利局：2025年度农田水利项目绩效目标未细化量化" in t for t in texts)
    again = _run("monthly", "--period", "2026-10", "--monitor", inputs["monitor"], "-o", out)
    assert again.exit_code == 2 and "--force" in again.output
    forced = _run("monthly", "--period", "2026-10", "--monitor", inputs["monitor"], "-o", out,
                  "--force", "--date", "2026-11-22", "--number", "12", "--overdue", inputs["overdue"])
    assert forced.exit_code == 0
    assert (out / names[0]).read_bytes() == first  # same inputs and date: same bytes


def test_same_inputs_same_bytes(tmp_path: Path, inputs: dict[str, Path]) -> None:
    outs = []
    for sub in ("a", "b"):
        res = _run("quarterly", "-p", "2026Q3", "--rank", inputs["rank"], "--date", "2026-11-22",
                   "-o", tmp_path / sub)
        assert res.exit_code == 0, res.output
        outs.append([p.read_bytes() for p in sorted((tmp_path / sub).iterdir())])
    assert outs[0] == outs[1]


def test_annual_with_apply_has_two_attachments(tmp_path: Path, inputs: dict[str, Path]) -> None:
    res = _run("annual", "-p", "2026", "--rank", inputs["annual"], "--apply", inputs["apply"],
               "--date", "2026-12-28", "--format", "md", "-o", tmp_path)
    assert res.exit_code == 0, res.output
    text = (tmp_path / "2026年度总评通报.md").read_text("utf-8")
    assert "附件：1.2026年度各单位预算绩效管理工作综合评价结果表" in text
    assert "**附件2**" in text and "| 1 | 县水利局 | 小型水库维修养护 | 中 | 核减 | -10% | 300.00 | 270.00 |" in text
    assert "本年预算合计2600.00万元，建议下年度安排2450.00万元" in text
    assert not list(tmp_path.glob("*.docx"))


def test_return_letters_one_per_unit(tmp_path: Path, inputs: dict[str, Path]) -> None:
    validate = S.validate()
    validate["files"][1]["findings"] = [dict(validate["files"][0]["findings"][0])]
    inputs["validate"].write_text(json.dumps(validate, ensure_ascii=False), "utf-8")
    res = _run("return", "--from", inputs["validate"], "--date", "2026-11-22", "--number", "20",
               "-o", tmp_path)
    assert res.exit_code == 0, res.output
    docs = sorted(tmp_path.glob("*.docx"))
    assert [p.name for p in docs] == ["退回修改意见-县农业农村局.docx", "退回修改意见-县教育局.docx"]
    numbers = [next(p.text for p in docx.Document(str(d)).sections[0].first_page_header.paragraphs
                    if "〔" in p.text) for d in docs]   # 信函: the 发文字号 is part of the 版头
    assert numbers == ["示财绩〔2026〕20号", "示财绩〔2026〕21号"]


def _units_xlsx(path: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["示例县单位名录"])
    ws.append(["单位编码", "单位名称", "简称/别名"])
    ws.append(["201003", "示例县河口乡人民政府", "河口乡、河口乡政府"])
    ws.append(["102001", "示例县卫生健康局", "县卫健局、卫健局"])
    wb.save(path)
    return path


def _messy_validate(path: Path) -> Path:
    bad = {"code": "G103", "severity": "error", "sheet": "表", "cell": "C8", "message": "资金总额不等于各项之和"}
    files = [{"path": "收件/河口乡-申报表.xlsx", "form": "goal", "unit": "河口乡", "project": "甲", "findings": [bad]},
             {"path": "收件/河口乡-自评表.xlsx", "form": "selfeval", "unit": "示例县河口乡人民政府",
              "project": "乙", "findings": [bad]},
             {"path": "收件/卫健局.xlsx", "form": "goal", "unit": "县卫健局", "project": "丙", "findings": [bad]},
             {"path": "收件/通讯录.xlsx", "form": "unknown", "unit": None, "project": None,
              "findings": [{**bad, "code": "F003", "message": "不是可识别的绩效表格"}]}]
    path.write_text(json.dumps({"tool": "pbm", "files": files}, ensure_ascii=False), "utf-8")
    return path


def test_return_letters_use_the_units_directory(tmp_path: Path) -> None:
    validate = _messy_validate(tmp_path / "validate.json")
    res = _run("return", "--from", validate, "--units", _units_xlsx(tmp_path / "units.xlsx"),
               "--date", "2026-11-22", "-f", "md", "-o", tmp_path / "out")
    assert res.exit_code == 0, res.output
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["无法识别报送单位的文件清单.md", "退回修改意见-示例县卫生健康局.md",
                     "退回修改意见-示例县河口乡人民政府.md"]
    letter = (tmp_path / "out" / "退回修改意见-示例县卫生健康局.md").read_text("utf-8")
    assert "\n示例县卫生健康局：\n" in letter and "县卫健局：" not in letter
    hekou = (tmp_path / "out" / "退回修改意见-示例县河口乡人民政府.md").read_text("utf-8")
    assert "材料共2份" in hekou
    clerk = (tmp_path / "out" / "无法识别报送单位的文件清单.md").read_text("utf-8")
    assert "| 1 | 收件/通讯录.xlsx | （未填写） |" in clerk and "未识别单位" not in clerk
    assert "无法识别报送单位" in res.output


def test_return_letters_without_directory_say_so_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)   # no pbm.sqlite, no units.xlsx here
    res = _run("return", "--from", _messy_validate(tmp_path / "validate.json"), "--date", "2026-11-22",
               "-f", "md", "-o", tmp_path / "out")
    assert res.exit_code == 0, res.output
    assert res.output.count("没有找到单位名录") == 1
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["无法识别报送单位的文件清单.md", "退回修改意见-县卫健局.md", "退回修改意见-河口乡.md",
                     "退回修改意见-示例县河口乡人民政府.md"]


def test_quarterly_without_groups_does_not_speak_of_groups(tmp_path: Path) -> None:
    rank = S.rank()
    rank["groups"] = [{"group": "全部单位", "rows": rank["groups"][0]["rows"]}]
    path = tmp_path / "rank.json"
    path.write_text(json.dumps(rank, ensure_ascii=False), "utf-8")
    res = _run("quarterly", "-p", "2026Q3", "--rank", path, "-f", "md", "-o", tmp_path, "--date", "2026-11-22")
    assert res.exit_code == 0, res.output
    text = (tmp_path / "2026Q3综合排名通报.md").read_text("utf-8")
    assert "组别" not in text
    assert "对综合排名后3位的县交通运输局、县民政局、县水利局，由示例县财政局约谈" in text


def test_own_template_and_check_template(tmp_path: Path, inputs: dict[str, Path]) -> None:
    own = tmp_path / "我的模板.md.j2"
    own.write_text("@title {{ title }}\n@p 执行率{{ total_rate }}%，{{ 不存在 }}\n", "utf-8")
    res = _run("--check-template", own, "--kind", "monthly")
    assert res.exit_code == 1
    assert "未知变量" in res.output and "不存在" in res.output and "time_progress" in res.output
    own.write_text("@title {{ title }}\n@p 执行率{{ total_rate }}%。\n", "utf-8")
    assert _run("--check-template", own, "--kind", "monthly").exit_code == 0
    res = _run("monthly", "-p", "2026-10", "--monitor", inputs["monitor"], "--template", own,
               "--format", "md", "-o", tmp_path / "out", "--date", "2026-11-22")
    assert res.exit_code == 0, res.output
    md = (tmp_path / "out" / "2026-10预算执行进度通报.md").read_text("utf-8")
    assert md.startswith("# 示例县财政局关于2026年1—10月预算执行进度情况的通报\n\n执行率76.19%。")


def test_from_the_ledger(tmp_path: Path) -> None:
    db = tmp_path / "pbm.sqlite"
    ledger = Ledger.open(db)
    rows = [ExecutionRow(u["code"], u["unit"], "项目", u["budget"], u["spent"]) for u in S.monitor()["units"]]
    ledger.record_execution("2026-10", rows, "export.xlsx")
    ledger.add_rectification(unit_code="101006", unit_name="县水利局", problem="绩效目标未细化",
                             deadline="2026-09-30")
    ledger.close()
    res = _run("monthly", "-p", "2026-10", "--db", db, "--date", "2026-11-22", "-f", "md", "-o", tmp_path)
    assert res.exit_code == 0, res.output
    text = (tmp_path / "2026-10预算执行进度通报.md").read_text("utf-8")
    assert "全县项目支出执行率为76.19%" in text
    # the cut-off is the month's end (the notice is dated later): the same day the ranking uses
    assert "截至2026年10月31日，以下1项整改事项未按期完成：" in text
    assert "1.县水利局：绩效目标未细化（整改期限2026年9月30日，目前仍未完成）。" in text


@pytest.mark.parametrize("spelling", ["2026年10月", "2026年1-10月", "2026-10", "2026年1—10月"])
def test_periods_as_a_clerk_types_them(tmp_path: Path, spelling: str) -> None:
    db = tmp_path / "pbm.sqlite"
    with Ledger.open(db) as ledger:
        rows = [ExecutionRow(u["code"], u["unit"], "项目", u["budget"], u["spent"]) for u in S.monitor()["units"]]
        ledger.record_execution("2026-10", rows, "export.xlsx")
    res = _run("monthly", "-p", spelling, "--db", db, "--date", "2026-11-22", "-f", "md", "-o", tmp_path)
    assert res.exit_code == 0, res.output
    assert "全县项目支出执行率为76.19%" in (tmp_path / "2026-10预算执行进度通报.md").read_text("utf-8")


@pytest.mark.parametrize(("args", "message"), [
    (["monthly"], "--period"),
    (["weekly", "-p", "2026-10"], "通报类型"),
    (["monthly", "-p", "2026年第三季度"], "月度执行进度通报的 --period 应为月份"),
    (["monthly", "-p", "2026Q3"], "写成 2026-10、2026年10月 这样，现为「2026Q3」"),
    (["monthly", "-p", "2026-13"], "应为月份"),
    (["quarterly", "-p", "2026-10"], "季度排名通报的 --period 应为季度，写成 2026Q3、2026年第三季度 这样"),
    (["quarterly", "-p", "2026"], "应为季度"),
    (["annual", "-p", "2026Q4"], "年度总评通报的 --period 应为年度，写成 2026、2026年 这样"),
    (["annual", "-p", "2026-12"], "应为年度"),
    (["monthly", "-p", "2026-10", "--date", "22/11/2026"], "--date"),
    (["monthly", "-p", "2026-10", "--db", "没有这个库.sqlite"], "台账"),
    (["quarterly", "-p", "2026Q3", "--rank", "缺失.json"], "找不到"),
])
def test_usage_errors_exit_2_in_chinese(tmp_path: Path, args: list[str], message: str,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    res = _run(*args)
    assert res.exit_code == 2 and message in res.output
    assert len(res.output.strip().splitlines()) == 1 and not list(tmp_path.iterdir())


def test_bad_json_is_an_input_error(tmp_path: Path) -> None:
    bad = tmp_path / "rank.json"
    bad.write_text("{不是 JSON", "utf-8")
    res = _run("quarterly", "-p", "2026Q3", "--rank", bad, "-o", tmp_path)
    assert res.exit_code == 2 and "不是有效的排名结果 JSON" in res.output


def test_empty_ranking_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "rank.json"
    empty.write_text(json.dumps({"period": "2026Q3", "groups": [], "red": [], "black": []}), "utf-8")
    res = _run("quarterly", "-p", "2026Q3", "--rank", empty, "-o", tmp_path)
    assert res.exit_code == 2 and "没有任何单位的数据" in res.output
    assert not list(tmp_path.glob("*.docx"))


# ---------------------------------------------------------------- hostile user templates

HOSTILE_TEMPLATES = {
    "nested_range": ("@p 开始\n{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
                     2, "range() 最多给出 10,000 个数"),
    "many_loops": ("{% for i in range(2000) %}{% for j in range(2000) %}{% endfor %}{% endfor %}",
                   1, "循环次数过多"),
    "lipsum": ("@p {{ lipsum(n=10**7) }}", 1, "lipsum"),
    "ljust": ("@p 甲\n@p 乙\n@p {{ 'x'.ljust(999999999) }}", 3, "ljust(999999999)"),
    "center": ("@p {{ 'x'|center(999999999) }}", 1, "center(999999999)"),
    "printf": ("@p {{ '%999999999d'|format(1) }}{{ '%999999999d' % 1 }}", 1, "格式宽度 999999999"),
    "printf_named": ("@p {{ '%.2f%%' % 1.5 }}\n@p {{ '%(a)999999999s' % {'a': 1} }}", 2, "格式宽度 999999999"),
    "format": ("@p {{ '{:>999999999}'.format(1) }}", 1, "格式宽度 999999999"),
    "format_nested": ("@p {{ '{:,}'.format(123456789) }}\n@p {{ '{:{}}'.format(1, 999999999) }}", 2,
                      "格式宽度 999999999"),
    "doubling": ("{% set ns = namespace(s='x') %}\n{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}"
                 "{% endfor %}", 2, "生成的内容过大"),
    "list_doubling": ("{% set l = [1] %}\n{% for i in range(40) %}{{ l.extend(l) }}{% endfor %}", 2, "list.extend"),
    "power": ("@p {{ ((10**64)**64)**64 }}", 1, "乘方的结果"),
    "division": ("@p 第一行\n@p {{ 1/0 }}", 2, "除数为 0"),
}


@pytest.mark.parametrize("name", HOSTILE_TEMPLATES)
def test_hostile_template_is_a_chinese_error_naming_its_line(name: str, tmp_path: Path,
                                                             inputs: dict[str, Path]) -> None:
    source, line, reason = HOSTILE_TEMPLATES[name]
    own = tmp_path / f"{name}.md.j2"
    own.write_text(source, "utf-8")
    out = tmp_path / "通报"
    res = _run("monthly", "-p", "2026-10", "--monitor", inputs["monitor"], "--template", own, "-o", out)
    assert res.exit_code == 2, (res.exit_code, res.output, res.exception)
    text = "".join(res.output.split())
    assert f"模板{name}.md.j2第{line}行" in text and "".join(reason.split()) in text, res.output
    assert not out.exists() or not any(out.iterdir())


def test_slow_template_stops_at_the_time_limit(tmp_path: Path, inputs: dict[str, Path],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from pbmcli.render import sandbox

    monkeypatch.setattr(sandbox, "SECONDS", 0.3)
    own = tmp_path / "慢.md.j2"
    own.write_text("@p 开始\n{% for i in range(10000) %}{% for j in range(99) %}"
                   "{{ ('x' * 100000).replace('x', 'yy')|length }}{% endfor %}{% endfor %}\n", "utf-8")
    res = _run("monthly", "-p", "2026-10", "--monitor", inputs["monitor"], "--template", own, "-o", tmp_path / "o")
    assert res.exit_code == 2, res.output
    assert "用时超过0.3秒" in "".join(res.output.split()) and "模板慢.md.j2第2行" in "".join(res.output.split())


def test_include_cannot_follow_a_link_out_of_the_template_folder(tmp_path: Path, inputs: dict[str, Path]) -> None:
    secret = tmp_path / "系统" / "passwd"
    secret.parent.mkdir()
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n", "utf-8")
    folder = tmp_path / "模板"
    folder.mkdir()
    (folder / "落款.txt").write_text("@p 本地片段\n", "utf-8")
    (folder / "内部链接.txt").symlink_to(folder / "落款.txt")
    (folder / "外部链接.txt").symlink_to(secret)
    good = folder / "好.md.j2"
    good.write_text('@title 测试\n{% include "内部链接.txt" %}\n', "utf-8")
    bad = folder / "坏.md.j2"
    bad.write_text('@title 测试\n{% include "外部链接.txt" %}\n', "utf-8")
    out = tmp_path / "通报"
    ok = _run("monthly", "-p", "2026-10", "--monitor", inputs["monitor"], "--template", good, "-o", out, "-f", "md")
    assert ok.exit_code == 0, ok.output
    assert "本地片段" in next(out.glob("*.md")).read_text("utf-8")
    for args in (["monthly", "-p", "2026-10", "--monitor", inputs["monitor"], "--template", bad,
                  "-o", tmp_path / "通报2"], ["--check-template", bad, "--kind", "monthly"]):
        res = _run(*args)
        assert res.exit_code == 2, res.output
        assert "模板文件夹之外" in "".join(res.output.split()) and "root:x" not in res.output
    assert not (tmp_path / "通报2").exists() or not any((tmp_path / "通报2").iterdir())


def test_the_readme_states_the_template_limits_the_code_applies() -> None:
    from pbmcli.render import sandbox as S

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
    section = readme[readme.index("### 自定义通报模板的限制"):readme.index("### 保证")]
    stated = {
        "| 1,000,000 个字符或元素 |": S.MAX_TEXT == 1_000_000,
        "10,000 个数 / 累计 1,000,000 个数": (S.MAX_RANGE, S.MAX_RANGE_TOTAL) == (10_000, 1_000_000),
        "不超过 100,000 个二进制位": S.MAX_BITS == 100_000,
        "| 5,000,000 个字符 |": S.MAX_OUTPUT == 5_000_000,
        "| 20 秒 |": S.SECONDS == 20,
    }
    for text, applies in stated.items():
        assert text in section and applies, text


def test_the_example_issuer_is_pointed_out_before_a_notice_goes_out(tmp_path: Path, inputs: dict[str, Path],
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    res = _run("monthly", "--period", "2026-10", "--monitor", inputs["monitor"], "-o", tmp_path / "a")
    assert res.exit_code == 0 and "仍是示例「示例县财政局」" in res.stderr
    (tmp_path / "pbm.toml").write_text('[workspace]\nauthority = "某某县财政局"\nsignature = "某某县财政局"\n'
                                       'doc_prefix = "某财绩"\n', "utf-8")
    res = _run("monthly", "--period", "2026-10", "--monitor", inputs["monitor"], "-o", tmp_path / "b")
    assert res.exit_code == 0 and "示例" not in res.stderr
    assert any("某某县财政局" in p.text for p in docx.Document(str(next((tmp_path / "b").glob("*.docx")))).paragraphs)
