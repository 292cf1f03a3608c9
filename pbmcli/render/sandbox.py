"""The sandbox a user's notice template (``pbm notice --template``) is rendered in.

Jinja2's sandbox stops attribute tricks (``__class__``, ``__subclasses__``) but not
work or memory: nested ``range()`` loops, ``lipsum(n=10**7)``, ``'x'.ljust(999999999)``,
a string doubled forty times.  Here every way a template can build something big is
bounded before it is built:

* any one string or list a template builds (repetition, ``+``, ``~``, ``%``,
  ``format``, padding, ``replace``, ``join``, a ``{% set %}`` block, a macro's output)
  holds at most ``MAX_TEXT`` characters or items;
* ``range()`` gives at most ``MAX_RANGE`` numbers per call and ``MAX_RANGE_TOTAL`` per
  render (nested loops run out quickly); ``lipsum`` is not available;
* the notice text is at most ``MAX_OUTPUT`` characters; rendering stops after
  ``SECONDS`` (``deadline.time_limit``);
* ``{% include %}`` / ``{% import %}`` only reach files whose real path (after
  symbolic links) lies in the template's folder or in pbm's shipped templates.

A breach raises ``SecurityError`` with a Chinese reason; ``render_user`` turns it,
and any other error of the template, into a ``UsageError`` naming the line.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Sized
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import pass_eval_context
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.nodes import Concat
from jinja2.sandbox import SandboxedEnvironment

from ..errors import UsageError

MAX_TEXT = 1_000_000  # characters of one string, items of one list, a template builds
MAX_RANGE = 10_000  # numbers from one range()
MAX_RANGE_TOTAL = 1_000_000  # numbers from all range() calls of one render
MAX_OUTPUT = 5_000_000  # characters of a rendered notice
MAX_INDENT = 100  # tojson(indent=…)
SECONDS = 20.0  # time to render one notice

MAX_BITS = 100_000  # bits of an integer a template computes (** and * on integers)

_PRINTF = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?")
_BRACE_SPEC = re.compile(r"\{[^{}]*?:([^{}]*)\}")
_DIGITS = re.compile(r"\d+")
_NESTED_SPEC = re.compile(r"\{[^{}]*:[^{}]*\{")


class Bounded(SecurityError):
    """A bound of this module was reached: the message is the whole reason (Chinese);
    ``where`` names the template line when the traceback cannot (the time limit)."""

    def __init__(self, message: str, where: str = "") -> None:
        super().__init__(message)
        self.where = where


def _need(size: int, what: str, limit: int = MAX_TEXT, unit: str = "个字符或元素") -> None:
    if size > limit:
        raise Bounded(f"生成的内容过大（超过 {limit:,} {unit}）：{what}")


def _length(value: Any) -> int:
    return len(value) if isinstance(value, Sized) else 0


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _check_printf(fmt: str, args: Any) -> None:
    """Widths and precisions of a %-format (``*`` takes them from the arguments)."""
    values = args if isinstance(args, tuple) else (args,)
    for width, precision in _PRINTF.findall(fmt):
        for spec in (width, precision):
            if spec == "*":
                _need(max((_int(v) for v in values), default=0), f"格式宽度 {spec}")
            elif spec:
                _need(int(spec), f"格式宽度 {spec}")


def _check_format_spec(fmt: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Widths and precisions in the {…:spec} fields of a str.format string; a spec taking its
    width from an argument ("{:{}}") bounds every integer argument."""
    for spec in _BRACE_SPEC.findall(fmt):
        for number in _DIGITS.findall(spec):
            _need(int(number), f"格式宽度 {number}")
    if _NESTED_SPEC.search(fmt):
        for value in (*args, *kwargs.values(), *(args[0].values() if args and isinstance(args[0], dict) else ())):
            _need(_int(value), f"格式宽度 {value}")


def _replace_size(text: str, old: Any, new: Any, count: Any = -1) -> int:
    if not isinstance(old, str) or not isinstance(new, str):
        return len(text)
    hits = text.count(old) if old else len(text) + 1
    if isinstance(count, int) and count >= 0:
        hits = min(hits, count)
    return len(text) + hits * (len(new) - len(old))


def _join_size(sep: str, items: Any) -> int:
    if not isinstance(items, list | tuple):
        return 0  # a generator is not consumed here; its items were bounded when built
    return sum(len(str(x)) for x in items) + len(sep) * max(len(items) - 1, 0)


def _check_str_method(text: str, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    def arg(i: int, key: str, default: Any = 0) -> Any:
        return args[i] if len(args) > i else kwargs.get(key, default)

    if name in ("ljust", "rjust", "center", "zfill"):
        _need(_int(arg(0, "width")), f"{name}({arg(0, 'width')})")
    elif name == "expandtabs":
        _need(len(text) + text.count("\t") * _int(arg(0, "tabsize", 8)), "expandtabs")
    elif name == "replace":
        _need(_replace_size(text, arg(0, "old"), arg(1, "new"), arg(2, "count", -1)), "replace")
    elif name == "join":
        _need(_join_size(text, arg(0, "iterable", ())), "join")
    elif name in ("format", "format_map"):
        _check_format_spec(text, args, kwargs)


_GROWING = frozenset({"append", "extend", "insert", "update", "add", "setdefault", "__iadd__"})


def _check_call(obj: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Bound methods of strings and collections that could build something huge."""
    method = getattr(obj, "__wrapped__", obj)  # str.format comes wrapped by the sandbox
    owner, name = getattr(method, "__self__", None), getattr(method, "__name__", "")
    if isinstance(owner, str):
        _check_str_method(owner, name, args, kwargs)
    elif isinstance(owner, list | dict | set) and name in _GROWING:
        added = _length(args[0]) if name in ("extend", "update", "__iadd__") and args else 1
        _need(len(owner) + added, f"{type(owner).__name__}.{name}")


def _check_binop(operator: str, left: Any, right: Any) -> None:
    seq = (str, list, tuple)
    if operator == "*":
        size = (len(left) * right if isinstance(left, seq) and isinstance(right, int) else
                len(right) * left if isinstance(right, seq) and isinstance(left, int) else 0)
        _need(size, "重复（*）")
    if operator == "*" and isinstance(left, int) and isinstance(right, int):
        size = left.bit_length() + right.bit_length()
        _need(size, "整数乘法的结果", MAX_BITS, "个二进制位")
    elif operator == "**" and isinstance(right, int) and abs(right) > 64:
        raise Bounded(f"乘方的指数过大（{right}，最多 64）")
    elif operator == "**" and isinstance(left, int) and isinstance(right, int):
        _need(abs(left).bit_length() * right, "乘方的结果", MAX_BITS, "个二进制位")
    elif operator == "+" and isinstance(left, seq) and isinstance(right, seq):
        _need(len(left) + len(right), "拼接（+）")
    elif operator == "%" and isinstance(left, str):
        _check_printf(left, right)


def bounded_join(items: Iterable[Any]) -> str:
    """"".join for ``~``, ``{% set %}`` blocks and macro output, bounded."""
    parts = [str(x) for x in items]
    _need(sum(map(len, parts)), "拼接（~）或 {% set %} 块、宏的输出")
    return "".join(parts)


class _CodeGenerator(CodeGenerator):
    """``a ~ b`` through ``environment.concat`` (bounded) instead of the runtime's str_join."""

    def visit_Concat(self, node: Concat, frame: Frame) -> None:
        self.write("environment.concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


def _bounded_filters(filters: dict[str, Callable[..., Any]]) -> dict[str, Callable[..., Any]]:
    """The built-in filters that take a size, width or count, checked first."""
    base = dict(filters)

    def center(value: Any, width: int = 80) -> Any:
        _need(_int(width), f"center({width})")
        return base["center"](value, width)

    def indent(value: Any, width: Any = 4, *args: Any, **kwargs: Any) -> Any:
        pad = len(width) if isinstance(width, str) else _int(width)
        _need(len(str(value)) + (str(value).count("\n") + 1) * pad, f"indent({width})")
        return base["indent"](value, width, *args, **kwargs)

    def counted(name: str) -> Callable[..., Any]:
        def filt(value: Any, count: Any = 1, *args: Any, **kwargs: Any) -> Any:
            _need(_int(count), f"{name}({count})")
            return base[name](value, count, *args, **kwargs)
        return filt

    @pass_eval_context  # as the originals: the evaluation context comes first
    def replace(eval_ctx: Any, value: Any, old: Any, new: Any, count: Any = None) -> Any:
        _need(_replace_size(str(value), old, new, -1 if count is None else count), "replace")
        return base["replace"](eval_ctx, value, old, new, count)

    @pass_eval_context
    def join(eval_ctx: Any, value: Any, d: str = "", attribute: Any = None) -> Any:
        if attribute is None:
            _need(_join_size(d, value if isinstance(value, list | tuple) else ()), "join")
        return base["join"](eval_ctx, value, d, attribute)

    def fmt(value: Any, *args: Any, **kwargs: Any) -> Any:
        _check_printf(str(value), kwargs or args)
        return base["format"](value, *args, **kwargs)

    @pass_eval_context
    def tojson(eval_ctx: Any, value: Any, indent: Any = None) -> Any:
        _need(len(indent) if isinstance(indent, str) else _int(indent), f"tojson(indent={indent})", MAX_INDENT)
        return base["tojson"](eval_ctx, value, indent)

    return {**base, "center": center, "indent": indent, "batch": counted("batch"), "slice": counted("slice"),
            "replace": replace, "join": join, "format": fmt, "tojson": tojson}


class BoundedSandbox(SandboxedEnvironment):
    """Jinja2's sandbox with the bounds above."""

    intercepted_binops = frozenset(["*", "**", "+", "%"])
    code_generator_class = _CodeGenerator
    concat = staticmethod(bounded_join)

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.range_left = MAX_RANGE_TOTAL
        self.globals.pop("lipsum", None)
        self.globals["range"] = self._range
        self.filters.update(_bounded_filters(self.filters))

    def _range(self, *args: int) -> range:
        numbers = range(*args)
        if len(numbers) > MAX_RANGE:
            raise Bounded(f"range() 最多给出 {MAX_RANGE:,} 个数，这里要 {len(numbers):,} 个")
        self.range_left -= len(numbers)
        if self.range_left < 0:
            raise Bounded(f"循环次数过多：range() 累计超过 {MAX_RANGE_TOTAL:,} 次")
        return numbers

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        _check_binop(operator, left, right)
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - jinja's signature
        _check_call(__obj, args, kwargs)
        return super().call(__context, __obj, *args, **kwargs)


class ContainedLoader(jinja2.FileSystemLoader):
    """A FileSystemLoader that refuses a file whose real path (after symbolic links) lies outside
    the folder it was found in: an include cannot pull /etc/passwd into a notice."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        real = os.path.realpath(filename)
        roots = [os.path.realpath(root) for root in self.searchpath]
        if not any(os.path.commonpath([real, root]) == root for root in roots):
            raise SecurityError(f"「{template}」是指向模板文件夹之外的链接（{real}），不允许引用")
        return source, filename, uptodate


def render_bounded(template: jinja2.Template, context: dict[str, Any]) -> str:
    """The template's text, at most MAX_OUTPUT characters and SECONDS seconds (SecurityError)."""
    from ..deadline import OverBudget, time_limit

    parts: list[str] = []
    size = 0
    try:
        with time_limit(SECONDS):
            for chunk in template.generate(**context):
                size += len(chunk)
                _need(size, "通报全文", MAX_OUTPUT)
                parts.append(chunk)
    except OverBudget as exc:
        raise Bounded(f"生成通报用时超过 {SECONDS:g} 秒（停在这一行），模板中可能有过多的循环或运算",
                      template_line(exc)) from None
    return "".join(parts)


def template_line(exc: BaseException) -> str:
    """"模板 x.md.j2 第 N 行" of the innermost template frame in the traceback ('' if none)."""
    found = ""
    tb = exc.__traceback__
    while tb is not None:
        code, line = tb.tb_frame.f_code, tb.tb_lineno
        name = code.co_filename
        if not name.endswith(".py") and not name.startswith("<"):
            tmpl = tb.tb_frame.f_globals.get("__jinja_template__")
            if tmpl is not None:  # compiled code not rewritten by jinja (OverBudget): map the line
                line = tmpl.get_corresponding_lineno(line)
            found = f"模板 {Path(name).name} 第 {line} 行"
        tb = tb.tb_next
    return found


_RUNTIME = {ZeroDivisionError: "除数为 0", TypeError: "数据类型不能这样运算", IndexError: "下标越界",
            KeyError: "没有这个键", ValueError: "数值不合法", OverflowError: "数值过大",
            RecursionError: "嵌套或递归过深", MemoryError: "内存不足", AttributeError: "没有这个属性"}


def usage_error(name: str, exc: Exception) -> UsageError:
    """A template's runtime error as one Chinese line naming the template and line (exit 2)."""
    where = template_line(exc) or f"模板 {name}"
    what = next((text for kind, text in _RUNTIME.items() if isinstance(exc, kind)), "运行出错")
    return UsageError(f"{where}：{what}（{type(exc).__name__}：{str(exc)[:120]}），无法生成通报，请修改模板")


def bounded_env(folder: Path, shipped: Path, setup: Callable[[jinja2.Environment], None]) -> BoundedSandbox:
    """The sandbox for a user's template in ``folder`` (pbm's ``shipped`` parts reachable too)."""
    env = BoundedSandbox(loader=ContainedLoader([str(folder), str(shipped)]),
                         undefined=jinja2.StrictUndefined, autoescape=False,
                         trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    setup(env)
    return env
