"""Option values without pydantic.

typer coerces every parameter value through a pydantic ``TypeAdapter``: running any command
imported pydantic (≈ 140 ms of start-up) to turn "2026" into 2026.  ``install()`` swaps in a
runtime parameter that handles the plain annotations pbm uses (str, int, float, bool, Path,
Enum/Literal choices, lists of these; Optional is already unwrapped by typer) with typer's own
pydantic-free helpers, and hands everything else to typer's original coercion: other
annotations, parsers, clamps, and any value it does not take as plainly valid.  Error messages
therefore come from typer itself, exactly as before; pydantic is imported only when a value is
wrong or unusual.

Guarded like the other patches in ``i18n``: if typer's internals differ, typer is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

from typer._coercion import RuntimeParam, TypeDescriptor

_INT = re.compile(r"[+-]?[0-9]{1,18}", re.ASCII)
_FLOAT = re.compile(r"[+-]?(?:[0-9]{1,18}(?:\.[0-9]{0,18})?|\.[0-9]{1,18})(?:[eE][+-]?[0-9]{1,2})?", re.ASCII)
_BOOLS = {**dict.fromkeys(("1", "on", "t", "true", "y", "yes"), True),
          **dict.fromkeys(("0", "off", "f", "false", "n", "no"), False)}

Leaf = Callable[[Any, Any, Any], Any]   # (value, param, ctx) -> coerced value; raises _Typer


class _Typer(Exception):
    """This value goes to typer's own coercion (unusual input, or an error to report)."""


def _str(value: Any, param: Any, ctx: Any) -> str:
    if type(value) is str:
        return value
    raise _Typer


def _int(value: Any, param: Any, ctx: Any) -> int:
    if type(value) is int:
        return value
    if type(value) is str and _INT.fullmatch(value):
        return int(value)
    raise _Typer


def _float(value: Any, param: Any, ctx: Any) -> float:
    if type(value) in (float, int):
        return float(value)
    if type(value) is str and _FLOAT.fullmatch(value):
        return float(value)
    raise _Typer


def _bool(value: Any, param: Any, ctx: Any) -> bool:
    if type(value) is bool:
        return value
    if type(value) is str:   # typer's _parse_cli_bool, then pydantic's words
        word = value.strip().lower()
        if not word:
            return False
        if word in _BOOLS:
            return _BOOLS[word]
    raise _Typer


def _ranged(leaf: Leaf, low: float | None, high: float | None) -> Leaf:
    def coerce(value: Any, param: Any, ctx: Any) -> Any:
        number = leaf(value, param, ctx)
        if (low is not None and number < low) or (high is not None and number > high):
            raise _Typer   # typer words the range error
        return number

    return coerce


def _choice(choices: tuple[Any, ...], case_sensitive: bool) -> Leaf:
    from typer._param_types import coerce_cli_choice

    def coerce(value: Any, param: Any, ctx: Any) -> Any:
        try:
            return coerce_cli_choice(value, choices=choices, case_sensitive=case_sensitive, ctx=ctx)
        except ValueError:
            raise _Typer from None

    return coerce


def _path(parameter_info: Any) -> Leaf:
    from typer._param_types import coerce_cli_path

    def coerce(value: Any, param: Any, ctx: Any) -> Path:
        if type(value) is not str and not isinstance(value, Path):
            raise _Typer
        # the checks (exists, file/dir …) and their messages are typer's, on the value as given
        checked = coerce_cli_path(value, parameter_info, path_type=None, param=param, ctx=ctx)
        return checked if isinstance(checked, Path) else Path(str(checked))

    return coerce


def _leaf(annotation: Any, info: Any) -> Leaf | None:
    """The pydantic-free coercion of one plain annotation, or None (typer's own then)."""
    from typer._param_types import choice_coercion_annotation

    if info.parser is not None or getattr(info, "click_type", None) is not None:
        return None
    choice = choice_coercion_annotation(annotation, info)
    if choice is not None:
        return _choice(*choice)
    if annotation in (int, float):
        if info.clamp:
            return None
        leaf = _int if annotation is int else _float
        return leaf if info.min is None and info.max is None else _ranged(leaf, info.min, info.max)
    if annotation is bool:
        return _bool
    if annotation is str:
        return _str
    if annotation is Path and info.path_type is None and not info.allow_dash:
        return _path(info)
    return None


@dataclass(frozen=True)
class LeanRuntimeParam(RuntimeParam):
    """Plain values coerced by ``leaf``; anything else by typer's original runtime parameter."""

    descriptor: TypeDescriptor
    leaf: Leaf
    is_list: bool
    typer_build: Callable[[TypeDescriptor], RuntimeParam]

    def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
        try:
            if not self.is_list:
                return self.leaf(value, param, ctx)
            items = value if isinstance(value, (list, tuple)) else [value]
            return [self.leaf(item, param, ctx) for item in items]
        except _Typer:
            return self.typer_build(self.descriptor)._coerce_value(value, param=param, ctx=ctx)


def install() -> None:
    """Route typer's parameter coercion through the lean runtime parameter (idempotent)."""
    import inspect

    from typer import _coercion, _param_types, core

    original = core.build_runtime_param  # type: ignore[attr-defined]
    if getattr(original, "_pbm", False):
        return
    if original is not _coercion.build_runtime_param or not hasattr(core._TyperParameter, "get_runtime_param"):
        raise AttributeError("typer's coercion is not the one this module knows")
    for helper, names in ((_param_types.coerce_cli_choice, {"choices", "case_sensitive", "ctx"}),
                          (_param_types.coerce_cli_path, {"path_type", "param", "ctx"})):
        if not names <= set(inspect.signature(helper).parameters):
            raise TypeError(f"typer's {helper.__name__} takes other arguments")

    def build_runtime_param(descriptor: TypeDescriptor) -> RuntimeParam:
        annotation = descriptor.annotation
        is_list = descriptor.is_list
        if is_list:
            args = get_args(annotation)
            annotation = args[0] if len(args) == 1 else None
        leaf = None if descriptor.file_annotation is not None or annotation is None else (
            _leaf(annotation, descriptor.parameter_info))
        if leaf is None:
            return original(descriptor)
        return LeanRuntimeParam(annotation=descriptor.annotation, parameter_info=descriptor.parameter_info,
                                descriptor=descriptor, leaf=leaf, is_list=is_list, typer_build=original)

    build_runtime_param._pbm = True  # type: ignore[attr-defined]
    core.build_runtime_param = build_runtime_param  # type: ignore[attr-defined]
