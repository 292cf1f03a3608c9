"""Chinese for the command-line framework's own words (help panels, usage, errors).

typer ships English strings (Usage, Options, [required], "No such option" …).
Clerks read Chinese only, so this module replaces them.  Every patch is
best-effort and guarded: with another typer version the help stays English
rather than breaking.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_CONSTANTS = {
    "DEFAULT_STRING": "[默认：{}]",
    "REQUIRED_LONG_STRING": "[必填]",
    "ENVVAR_STRING": "[环境变量：{}]",
    "DEPRECATED_STRING": "（已停用）",
    "ARGUMENTS_PANEL_TITLE": "参数",
    "OPTIONS_PANEL_TITLE": "选项",
    "COMMANDS_PANEL_TITLE": "命令",
    "ERRORS_PANEL_TITLE": "错误",
    "ABORTED_TEXT": "已取消。",
    "RICH_HELP": "运行 [blue]'{command_path} {help_option}'[/] 查看帮助。",
}

_TYPES = {
    "bool": "", "str": "文本", "int": "整数", "float": "数字", "path": "路径",
    "list[str]": "文本…", "list[path]": "路径…", "datetime": "日期",
}

# (pattern, Chinese) for the framework's error messages
_ERRORS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^No such option: (\S+) \(Possible options: (.+)\)$", re.S), "没有这个选项：{0}。相近的选项：{1}。"),
    (re.compile(r"^No such option: (.+?)(?: Did you mean (.+?)\?)?$", re.S), "没有这个选项：{0}。{1}"),
    (re.compile(r"^No such command '(.+?)'\.?$"), "没有这个命令：{0}。运行 pbm --help 查看全部命令。"),
    (re.compile(r"^Missing option '?(.+?)'?\.\s*(.*)$", re.S), "缺少必填选项 {0}。{1}"),
    (re.compile(r"^Missing argument '?(.+?)'?\.\s*(.*)$", re.S), "缺少必填参数 {0}。{1}"),
    (re.compile(r"^Missing parameter: (.+)$"), "缺少必填参数 {0}。"),
    (re.compile(r"^Missing command\.$"), "缺少命令。运行 pbm --help 查看全部命令。"),
    (re.compile(r"^Invalid value for (.+?): (.*)$", re.S), "参数 {0} 的值无效：{1}"),
    (re.compile(r"^Invalid value: (.*)$", re.S), "值无效：{0}"),
    (re.compile(r"^Got unexpected extra arguments? \((.+)\)$"), "多余的参数：{0}。含空格的路径请加引号。"),
    (re.compile(r"^Option '(.+?)' requires an argument\.$"), "选项 {0} 后面需要跟一个值。"),
    (re.compile(r"^Option '(.+?)' does not take a value\.$"), "选项 {0} 不需要值。"),
]
_DETAILS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"'?(.*?)'? is not one of (.+?)\.$"), "「{0}」不是可选值之一，可选：{1}。"),
    (re.compile(r"Input should be greater than or equal to (\S+?)\.?$"), "应不小于 {0}。"),
    (re.compile(r"Input should be less than or equal to (\S+?)\.?$"), "应不大于 {0}。"),
    (re.compile(r"Input should be a valid integer.*", re.S), "应为整数。"),
    (re.compile(r"Input should be a valid number.*", re.S), "应为数字。"),
    (re.compile(r"Input should be a valid boolean.*", re.S), "应为 true 或 false。"),
    (re.compile(r"(.+?) is not in the range (.+?)\.$"), "{0} 不在允许的范围 {1} 内。"),
    (re.compile(r"Did you mean (.+?)\?"), "您是不是要输入 {0}？"),
]


def translate_error(message: str) -> str:
    """The framework's English error message in Chinese (unknown messages unchanged)."""
    text = message.strip()
    for pattern, template in _ERRORS:
        m = pattern.match(text)
        if m:
            parts = [_detail((g or "").replace("'", "")) for g in m.groups()]
            return template.format(*parts).strip()
    return _detail(text)


def _detail(text: str) -> str:
    text = text.replace("Value error, ", "")
    for pattern, template in _DETAILS:
        m = pattern.search(text)
        if m:
            return text[: m.start()] + template.format(*m.groups()) + text[m.end():]
    return text


def localise() -> None:
    """Apply every patch (idempotent, guarded).  The patches of typer's rich help module wait
    until typer imports it (only to show help or an error), so a command does not pay for it;
    nor for pydantic, which typer would import to coerce option values."""
    import sys

    if "typer.rich_utils" in sys.modules:
        _patch_rich_utils()
    else:
        sys.meta_path.insert(0, _RichUtilsHook())
    _apply((_usage_prefix, _type_labels, _builtin_options, _lean_params))


def _patch_rich_utils() -> None:
    _apply((_constants, _errors, _folding_help))


class _RichUtilsHook:
    """Import hook: when typer.rich_utils is first imported, run our patches on it."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        import importlib.machinery
        import sys

        if name != "typer.rich_utils":
            return None
        sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return spec
        loader = spec.loader
        exec_module = loader.exec_module

        def patched(module: Any) -> None:
            with _deferred_rich_modules():
                exec_module(module)
            _patch_rich_utils()

        loader.exec_module = patched  # type: ignore[method-assign]
        return spec


# rich modules typer's help module imports for what pbm never shows: Markdown help (pbm's help
# is rich markup) and pretty tracebacks (disabled).  Their imports (markdown-it, pygments) are
# ≈ 60 ms of `pbm --help`; while typer.rich_utils loads, these names stand in for the classes.
_DEFERRED = {"rich.markdown": "Markdown", "rich.traceback": "Traceback"}


class _StandIn(type):
    """Metaclass of a stand-in: calling it, or any class attribute, loads the real class."""

    _module: str

    def _real(cls) -> Any:
        import importlib

        return getattr(importlib.import_module(cls._module), cls.__name__)

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        return cls._real()(*args, **kwargs)

    def __getattr__(cls, name: str) -> Any:
        return getattr(cls._real(), name)

    def __instancecheck__(cls, instance: Any) -> bool:
        return isinstance(instance, cls._real())


@contextmanager
def _deferred_rich_modules() -> Iterator[None]:
    """While typer.rich_utils executes, `from rich.markdown import Markdown` (…) gets a stand-in."""
    import sys
    import types

    placed = {}
    for module_name, class_name in _DEFERRED.items():
        if module_name not in sys.modules:
            module = types.ModuleType(module_name)
            setattr(module, class_name, _StandIn(class_name, (), {"_module": module_name}))
            placed[module_name] = sys.modules[module_name] = module
    try:
        yield
    finally:
        for module_name, module in placed.items():
            if sys.modules.get(module_name) is module:
                del sys.modules[module_name]


def _apply(patches: tuple[Any, ...]) -> None:
    for patch in patches:
        try:
            patch()
        except (ImportError, AttributeError, TypeError):  # another typer version
            continue


def _lean_params() -> None:
    """Option values coerced without pydantic (see ``lean_params``); typer's messages unchanged."""
    from .lean_params import install

    install()


def _constants() -> None:
    from typer import rich_utils

    for name, text in _CONSTANTS.items():
        if hasattr(rich_utils, name):
            setattr(rich_utils, name, text)


def _usage_prefix() -> None:
    from typer._click import formatting

    original = formatting.HelpFormatter.write_usage
    if getattr(original, "_pbm", False):
        return

    def write_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        original(self, prog, args, "用法：" if prefix is None else prefix)

    write_usage._pbm = True  # type: ignore[attr-defined]
    formatting.HelpFormatter.write_usage = write_usage  # type: ignore[method-assign]


def _type_labels() -> None:
    from typer import core

    original = core._TyperParameter.display_type
    if getattr(original, "_pbm", False):
        return

    def display_type(self: Any, ctx: Any) -> str:
        shown = original(self, ctx)
        label = shown[1:-1] if shown.startswith("<") and shown.endswith(">") else shown
        label = label.replace(" range", "")
        if label in _TYPES:
            return f"<{_TYPES[label]}>" if _TYPES[label] else ""
        return shown

    display_type._pbm = True  # type: ignore[attr-defined]
    core._TyperParameter.display_type = display_type  # type: ignore[method-assign]


def _folding_help() -> None:
    """Option help wraps inside its column instead of being cut with "…": Chinese help has no
    spaces, so rich's default (ellipsis for a "word" wider than the column) dropped text."""
    from rich.text import Text
    from typer import rich_utils

    original = rich_utils._get_parameter_help
    if getattr(original, "_pbm", False):
        return

    def parameter_help(**kw: Any) -> Any:
        shown = original(**kw)
        parts = list(getattr(shown, "renderables", ()))
        if not parts or not all(isinstance(p, Text) for p in parts):
            return shown
        text = Text(" ").join(parts)
        text.overflow = "fold"
        return text

    parameter_help._pbm = True  # type: ignore[attr-defined]
    rich_utils._get_parameter_help = parameter_help

    command_help = rich_utils._make_command_help

    def folded_command_help(**kw: Any) -> Any:   # the 命令 panel of `pbm --help`
        shown = command_help(**kw)
        if isinstance(shown, Text):
            shown.overflow = "fold"
        return shown

    rich_utils._make_command_help = folded_command_help


def _errors() -> None:
    from typer import rich_utils

    original = rich_utils.rich_format_error
    if getattr(original, "_pbm", False):
        return

    def rich_format_error(self: Any) -> None:
        english = self.format_message
        self.format_message = lambda: translate_error(english())
        original(self)

    rich_format_error._pbm = True  # type: ignore[attr-defined]
    rich_utils.rich_format_error = rich_format_error


def _builtin_options() -> None:
    """Chinese help for --help and the shell-completion options."""
    texts = {
        "--install-completion": "为当前终端安装命令补全（Tab 键补全命令和选项）。",
        "--show-completion": "显示当前终端的命令补全脚本，可复制后自行安装。",
    }
    from typer import completion
    from typer._click import core

    for default in completion._install_completion_placeholder_function.__defaults__ or ():
        for decl in getattr(default, "param_decls", ()) or ():
            if decl in texts:
                default.help = texts[decl]
    original = core.Command.get_help_option
    if getattr(original, "_pbm", False):
        return

    def get_help_option(self: Any, ctx: Any) -> Any:
        option = original(self, ctx)
        if option is not None:
            option.help = "显示本帮助信息并退出。"
        return option

    get_help_option._pbm = True  # type: ignore[attr-defined]
    core.Command.get_help_option = get_help_option  # type: ignore[method-assign]
