"""Reading rule packs and pbm.toml: TOML files, the ``extends`` chain, and a deep merge
that rejects unknown keys and wrongly typed values with a Chinese message naming the key."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import ConfigError

BUILTIN_PACKS = ("national",)


def read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"找不到规则包或配置文件：{path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"配置文件 {path} 不是合法的 TOML：{exc}") from None
    except OSError as exc:
        raise ConfigError(f"无法读取配置文件 {path}：{exc.strerror}") from None


def builtin_pack(name: str) -> dict[str, Any]:
    text = resources.files("pbmcli.packs").joinpath(f"{name}.toml").read_text("utf-8")
    return tomllib.loads(text)


def merge(base: dict[str, Any], over: dict[str, Any], where: str, strict: bool) -> dict[str, Any]:
    """Deep-merge ``over`` into ``base``; unknown keys are errors when strict."""
    out = dict(base)
    for key, value in over.items():
        if key not in base:
            if strict:
                raise ConfigError(f"{where}：未知的配置项「{key}」，请检查拼写（pbm config show 可查看全部配置项）")
            out[key] = value
        elif not same_type(base[key], value):
            raise ConfigError(f"{where}：配置项「{key}」的值 {value!r} 类型不对，应为"
                              f"{type_label(base[key])}（默认值：{base[key]!r}）")
        elif isinstance(base[key], dict) and isinstance(value, dict):
            # dict-valued settings whose keys are data (trees, aliases, severities) accept new keys
            open_keys = key in _OPEN_TABLES
            out[key] = merge(base[key], value, f"{where}.{key}", strict and not open_keys)
        else:
            out[key] = value
    return out


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "str"
    if isinstance(value, list | tuple):
        return "list"
    if isinstance(value, dict):
        return "dict"
    return type(value).__name__


def same_type(default: Any, value: Any) -> bool:
    """An override must have its default's type; fixed-size number lists keep their size."""
    if _kind(default) != _kind(value):
        return False
    if _kind(default) == "list" and default:
        if any(not same_type(default[0], v) for v in value):
            return False
        fixed = all(_kind(v) == "number" for v in default) or all(_kind(v) == "list" for v in default)
        if fixed and _kind(default[0]) == "number" and len(default) <= 3 and len(value) != len(default):
            return False
    return True


def type_label(default: Any) -> str:
    kind = _kind(default)
    if kind == "list" and default and _kind(default[0]) == "number" and len(default) <= 3:
        return f"{len(default)} 个数字组成的列表，如 {default!r}"
    return {"bool": "true 或 false", "number": "数字", "str": "带引号的文字", "list": "列表",
            "dict": "表（[节]）"}.get(kind, kind)


# tables whose keys are data, not setting names
_OPEN_TABLES = {"severity", "completion_terms", "tree_2021", "tree_2015", "framework", "aliases", "weights_rank",
                "header", "extra", "fund_columns", "fund_rows", "indicator", "goals"}

META = {"extends", "name", "description", "workspace"}


def resolve(data: dict[str, Any], origin: str, seen: tuple[str, ...]) -> tuple[dict[str, Any], tuple[str, ...]]:
    parent = data.get("extends", "national" if origin not in BUILTIN_PACKS else None)
    if parent is None:
        return data, (origin,)
    if parent in seen:
        raise ConfigError(f"规则包循环继承：{' → '.join((*seen, parent))}")
    src: tuple[str, ...]
    if parent in BUILTIN_PACKS:
        base, src = builtin_pack(parent), (f"内置规则包 {parent}",)
    else:
        ppath = (Path(origin).parent / parent) if origin not in BUILTIN_PACKS else Path(parent)
        base, src = resolve(read_toml(ppath), str(ppath), (*seen, parent))
    body = {k: v for k, v in data.items() if k not in META}
    merged = merge(base, body, origin, strict=True)
    for meta in ("name", "description"):
        if meta in data:
            merged[meta] = data[meta]
    return merged, (*src, origin)
