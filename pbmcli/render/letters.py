"""退回修改意见: one letter per unit from `pbm validate` JSON, and the list of files no unit
could be found for."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..config import RulePack
from ..ledger.units import Unit, UnitMatcher
from .fmt import (
    FORM_LABELS,
    SEVERITY_ACTION,
    clean,
    cn_date,
    common,
    deadline,
    period_label,
    prose,
    unit_name,
)

# ---------------------------------------------------------------- return letters
# "工作表「表1」C8 单元格：" at the start of a rule message (the letter states the place itself)
_LOCATION = re.compile(r"^(?:文件\S*?[：:])?\s*工作表[「“\"]?[^」”\"]*[」”\"]?\s*[A-Z]{1,3}\d+\s*单元格[：:]\s*")


def _fix_text(f: dict[str, Any], message: str) -> str:
    """现为…，应为… unless the rule message already says what is expected."""
    expected, actual = prose(f.get("expected")), prose(f.get("actual"))
    if not expected or expected in message:
        return ""
    parts = [f"现为“{actual}”" if actual else "", f"应为“{expected}”"]
    return "，".join(p for p in parts if p)


def finding_rows(files: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per file: its label and every error/warning finding with where and how to fix."""
    out = []
    for f in files:
        items = []
        for x in f.get("findings", []):
            sev = str(x.get("severity", "error")).lower()
            if sev == "info":
                continue
            where = "，".join(p for p in (f"工作表“{clean(x.get('sheet'))}”" if x.get("sheet") else "",
                                          f"单元格{clean(x.get('cell'))}" if x.get("cell") else "") if p)
            message = prose(_LOCATION.sub("", clean(x.get("message")))).rstrip("。；;.")
            items.append({"code": clean(x.get("code")), "where": where or "全表", "message": message,
                          "fix": _fix_text(x, message), "action": SEVERITY_ACTION.get(sev, "必须修改")})
        if items:
            form = FORM_LABELS.get(str(f.get("form")), "绩效材料")
            project = clean(f.get("project"))
            out.append({"file": file_label(f.get("path")),
                        "label": f"“{project}”{form}" if project else form, "items": items})
    return out


def file_label(path: Any) -> str:
    """How a letter names a file the unit sent: its name without folder and extension."""
    name = clean(str(path or "").replace("\\", "/").rsplit("/", 1)[-1])
    stem, dot, ext = name.rpartition(".")
    return stem if dot and stem and ext.isalnum() and len(ext) <= 5 else name


@dataclass
class ReturnGroups:
    """Files with findings: per unit (one letter each) and those no unit could be found for."""

    letters: dict[str, list[dict[str, Any]]] = field(default_factory=dict)   # unit name → files
    unidentified: list[dict[str, Any]] = field(default_factory=list)         # file + "reason"


def _folders(path: Any) -> list[str]:
    """Folder names of a file's path, nearest first (a zip counts as a folder)."""
    return [p for p in reversed(str(path or "").replace("\\", "/").split("/")[:-1]) if p]


def _directory_unit(f: dict[str, Any], matcher: UnitMatcher) -> tuple[Unit | None, str]:
    """The unit of a file by the form's code / name / alias, else by a folder name; or why not."""
    name = unit_name(f)
    unit = matcher.match(f.get("unit_code") or f.get("code"), name)
    if unit is None and not name:
        unit = next((u for d in _folders(f.get("path")) if (u := matcher.match(None, d))), None)
    if unit is not None:
        return unit, ""
    if not name:
        return None, "表内没有填写单位名称（或不是可识别的绩效表格），所在文件夹名称也不是名录中的单位"
    hint = matcher.suggest(name)
    tip = f"，最接近的单位：{'、'.join(hint)}" if hint else ""
    return None, f"表内单位名称「{name}」在单位名录中找不到（按编码、名称、简称均未匹配）{tip}"


def group_for_return(validate: dict[str, Any], units: Sequence[Unit] | None = None) -> ReturnGroups:
    """validate JSON → one group per unit (official name of the units directory when given,
    else the name written on the form) + the files whose unit cannot be identified."""
    matcher = UnitMatcher(units) if units else None
    out = ReturnGroups()
    for f in validate.get("files", []):
        unit, reason = _directory_unit(f, matcher) if matcher else (None, "")
        name = unit.name if unit else ("" if matcher else unit_name(f))
        if name:  # every file of the unit: the letter counts what it sent, not only what is returned
            out.letters.setdefault(name, []).append(f)
        elif finding_rows([f]):
            out.unidentified.append({**f, "reason": reason or "表内没有填写单位名称（或不是可识别的绩效表格）"})
    out.letters = {name: files for name, files in sorted(out.letters.items()) if finding_rows(files)}
    return out


def build_unidentified(items: Sequence[dict[str, Any]], pack: RulePack, date: dt.date) -> dict[str, Any]:
    """无法识别报送单位的文件清单 (for the clerk, not sent to anybody)."""
    rows = []
    for n, f in enumerate(items, 1):
        (found,) = finding_rows([f]) or [{"items": []}]
        errors = sum(i["action"] == "必须修改" for i in found["items"])
        checks = len(found["items"]) - errors
        first = found["items"][0]["message"] if found["items"] else ""
        counts = "、".join(t for t in (f"必须修改{errors}处" if errors else "",
                                       f"请核实{checks}处" if checks else "") if t)
        rows.append([str(n), clean(str(f.get("path", "")).replace("\\", "/")), unit_name(f) or "（未填写）",
                     clean(f.get("reason")), counts, first])
    return {"title": "无法识别报送单位的文件清单", "authority": clean(pack.workspace.authority),
            "date_cn": cn_date(date), "file_count": len(rows), "deadline_cn": deadline(pack, date, pack.notice.return_days),
            "table_header": ["序号", "文件", "表内单位名称", "无法识别的原因", "审核问题", "主要问题"],
            "table_rows": rows}


def build_return(files: dict[str, Any] | Sequence[dict[str, Any]], unit: str, pack: RulePack,
                 date: dt.date, number: int | None = None, period: str = "") -> dict[str, Any]:
    """退回修改意见 letter for one unit (all its files with errors/warnings)."""
    flist = [files] if isinstance(files, dict) else list(files)
    rows = finding_rows(flist)
    ctx = common(pack, date, number, f"关于退回{clean(unit)}预算绩效材料修改的通知")
    for key in ("recipients", "scope", "print_office"):   # a letter to the unit: no 印发 line
        del ctx[key]
    ctx.update({
        "unit": clean(unit),
        "attach_title": f"{clean(unit)}预算绩效材料问题清单",
        "period_cn": period_label(period) if period else "",
        "file_count": len(flist),
        "problem_file_count": len(rows),
        "error_count": sum(i["action"] == "必须修改" for r in rows for i in r["items"]),
        "warning_count": sum(i["action"] == "请核实" for r in rows for i in r["items"]),
        "files": rows,
        "deadline_cn": deadline(pack, date, pack.notice.return_days),
        "table_header": ["序号", "文件", "位置", "问题", "修改要求"],
        "table_rows": [[str(n), r["file"], i["where"], i["message"],
                        i["action"] + (f"（{i['fix']}）" if i["fix"] else "")]
                       for n, (r, i) in enumerate(((r, i) for r in rows for i in r["items"]), 1)],
    })
    return ctx
