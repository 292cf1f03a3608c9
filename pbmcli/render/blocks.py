"""Templates → a light block language → a list of Blocks (the document model).

A notice template (report_templates/<kind>.md.j2) renders, with the context of
``render.context``, to lines of the form ``@kind text``.  Both writers (Markdown and
Word) consume the parsed blocks, so every sentence is written once, in the template.

Block kinds::

    @redheader 示例县财政局文件      版头 of the 文件 format (发文机关标志, red)
    @letterhead 示例县财政局         版头 of the 信函 format (a letter to one unit)
    @docnum 示财绩〔2026〕12号       发文字号
    @title 关于……的通报              标题
    @salutation 各预算单位：          主送机关 (flush left)
    @h1 总体情况                      一级标题, numbered 一、二、… automatically
    @h2 执行进度                      二级标题, numbered （一）（二）… inside each @h1
    @p 正文……                         paragraph (a line without @ is a paragraph too)
    @attach 名称                      附件说明: "附件：1.名称", "2.名称" …
    @sign 示例县财政局 / @date 2026年11月22日   落款 and 成文日期 (右空四字)
    @note （联系人：……）               附注 under the date
    @pagebreak                        new page (attachments)
    @label 附件1                      attachment label (黑体, flush left)
    @subtitle 名称                    attachment title (centred)
    @table / @row a | b | c / @group 组名 / @endtable   table; the first row is the header
    @chart 图题                       the chart (if one was drawn)
    @copyto 抄送：……  / @printed 印发机关 | 印发日期    版记
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import UsageError
from .fmt import clean, cn_list, cn_ordinal


def _template_dir() -> Path:
    """report_templates/ beside the package (source checkout or installed as a package)."""
    import report_templates

    return Path(report_templates.__file__).resolve().parent


TEMPLATE_DIR = _template_dir()
SUFFIX = ".md.j2"

TEXT_KINDS = frozenset({"redheader", "letterhead", "docnum", "title", "salutation", "h1", "h2", "p", "attach",
                        "sign", "date", "note", "label", "subtitle", "chart", "copyto", "printed"})
BARE_KINDS = frozenset({"pagebreak", "table", "endtable"})
CELL_SEP = "|"


@dataclass
class Block:
    kind: str
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)   # tables: first row = header
    groups: dict[int, str] = field(default_factory=dict)  # tables: row index → group name
    parts: list[str] = field(default_factory=list)        # printed: [office, date]


# ---------------------------------------------------------------- Jinja environment
def cell(value: Any) -> str:
    """A table cell: one line, no column separator."""
    return clean(value).replace(CELL_SEP, "｜")


def _filters(env: Any) -> None:
    env.filters.update({"cn": cn_ordinal, "cn_list": cn_list, "cell": cell,
                        "cells": lambda row: CELL_SEP.join(cell(c) for c in row)})


def _env(sandboxed: bool, loader_dir: Path | None) -> Any:
    """pbm's own templates (trusted), or the bounded sandbox for a user's template in
    ``loader_dir`` (its folder first, then the shipped partials _head, _sign, _colophon …)."""
    import jinja2

    if sandboxed:
        from .sandbox import bounded_env

        return bounded_env(loader_dir or TEMPLATE_DIR, TEMPLATE_DIR, _filters)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
                             undefined=jinja2.StrictUndefined, autoescape=False,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    _filters(env)
    return env


def template_path(kind: str) -> Path:
    return TEMPLATE_DIR / f"{kind}{SUFFIX}"


def render_lines(kind: str, context: dict[str, Any], template: Path | None = None) -> str:
    """Render the shipped template of ``kind`` or a user's own (sandboxed and bounded:
    render/sandbox.py).  Every error of a user's template is a UsageError naming its line."""
    if template is None:
        return str(_env(False, None).get_template(template_path(kind).name).render(**context))
    if not template.is_file():
        raise UsageError(f"找不到模板文件：{template}")
    real = template.resolve()
    return _render_user(_env(True, real.parent), real.name, kind, context)


def _render_user(env: Any, name: str, kind: str, context: dict[str, Any]) -> str:
    import jinja2

    from .sandbox import Bounded, render_bounded, template_line, usage_error

    try:
        return render_bounded(env.get_template(name), context)
    except jinja2.UndefinedError as exc:
        where = template_line(exc) or f"模板 {name}"
        raise UsageError(f"{where}：使用了未定义的变量（{exc.message}）。"
                         f"可用 pbm notice --check-template {name} --kind {kind} 检查") from None
    except jinja2.TemplateSyntaxError as exc:
        raise UsageError(f"模板 {exc.filename or name} 第 {exc.lineno} 行语法错误：{exc.message}") from None
    except Bounded as exc:
        where = exc.where or template_line(exc) or f"模板 {name}"
        raise UsageError(f"{where}：{exc}。请减少模板中的循环和数据量") from None
    except jinja2.exceptions.SecurityError as exc:
        where = template_line(exc) or f"模板 {name}"
        raise UsageError(f"{where}：试图执行不允许的操作（{exc}）") from None
    except jinja2.TemplateNotFound as exc:
        raise UsageError(f"模板 {name} 引用的模板「{exc.name}」不存在（只能引用模板所在文件夹中的文件）") from None
    except Exception as exc:  # noqa: BLE001 - {{ 1/0 }} and the like: the template's fault, exit 2
        raise usage_error(name, exc) from None


def template_variables(path: Path) -> set[str]:
    """Variables a template (and the templates it includes) reads from the context."""
    import jinja2
    from jinja2 import meta

    real = path.resolve()
    env = _env(True, real.parent)
    seen: set[str] = set()
    found: set[str] = set()
    todo = [real.name]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            source = env.loader.get_source(env, name)[0]
            ast = env.parse(source)
        except jinja2.TemplateNotFound:
            raise UsageError(f"模板 {real.name} 引用的模板「{name}」不存在（只能引用模板所在文件夹中的文件）") from None
        except jinja2.exceptions.SecurityError as exc:
            raise UsageError(f"模板 {real.name} 试图执行不允许的操作：{exc}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"无法读取模板 {name}：{exc}") from None
        except jinja2.TemplateSyntaxError as exc:
            raise UsageError(f"模板 {name} 第 {exc.lineno} 行语法错误：{exc.message}") from None
        found |= meta.find_undeclared_variables(ast)
        todo += [t for t in meta.find_referenced_templates(ast) if t]
    return found


# ---------------------------------------------------------------- parsing
class _Parser:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.table: Block | None = None
        self.h1 = self.h2 = self.attach = 0

    def feed(self, lineno: int, line: str) -> None:
        if not line.strip():
            return
        kind, _, rest = line.strip()[1:].partition(" ") if line.lstrip().startswith("@") \
            else ("p", "", line.strip())
        rest = rest.strip()
        if self.table is not None and kind in ("row", "group", "endtable"):
            self._table_line(kind, rest)
        elif kind == "table":
            self.table = Block("table")
        elif kind in TEXT_KINDS or kind in BARE_KINDS:
            self._text(kind, rest)
        else:
            raise UsageError(f"模板输出第 {lineno} 行：未知的版式标记「@{kind}」"
                             f"（可用：{'、'.join(sorted(TEXT_KINDS | BARE_KINDS | {'row', 'group'}))}）")

    def _table_line(self, kind: str, rest: str) -> None:
        assert self.table is not None
        if kind == "row":
            self.table.rows.append([c.strip() for c in rest.split(CELL_SEP)])
        elif kind == "group":
            self.table.groups[len(self.table.rows)] = rest
        else:
            if self.table.rows:
                self.blocks.append(self.table)
            self.table = None

    def _text(self, kind: str, text: str) -> None:
        if kind == "h1":
            self.h1, self.h2 = self.h1 + 1, 0
            text = f"{cn_ordinal(self.h1)}、{text}"
        elif kind == "h2":
            self.h2 += 1
            text = f"（{cn_ordinal(self.h2)}）{text}"
        elif kind == "attach":
            self.attach += 1
        block = Block(kind, text)
        if kind == "printed":
            block.parts = [p.strip() for p in text.split(CELL_SEP)]
        self.blocks.append(block)

    def finish(self) -> list[Block]:
        if self.table is not None and self.table.rows:
            self.blocks.append(self.table)
        attach = [b for b in self.blocks if b.kind == "attach"]
        for i, b in enumerate(attach, 1):
            number = f"{i}." if len(attach) > 1 else ""
            b.text = f"附件：{number}{b.text}" if i == 1 else f"{number}{b.text}"
        return self.blocks


def parse(text: str) -> list[Block]:
    parser = _Parser()
    for lineno, line in enumerate(text.splitlines(), 1):
        parser.feed(lineno, line)
    return parser.finish()


def render_blocks(kind: str, context: dict[str, Any], template: Path | None = None) -> list[Block]:
    return parse(render_lines(kind, context, template))


def plain_text(blocks: Iterable[Block]) -> str:
    """The text of a document, one block per line (for snapshots and checks)."""
    out = []
    for b in blocks:
        if b.kind == "table":
            out += ["\t".join(c.replace("<br>", "") for c in r) for r in b.rows]
        elif b.kind == "printed":
            out.append("  ".join(b.parts))
        elif b.text:
            out.append(b.text)
    return "\n".join(out)
