"""Reading rule packs and pbm.toml: TOML files, the ``extends`` chain, and a deep merge
that rejects unknown keys and wrongly typed values with a Chinese message naming the key."""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import ConfigError

BUILTIN_PACKS = ("national",)


MAX_EXTENDS = 20  # rule packs extending rule packs: deeper is a mistake (or a loop of copies)


def read_toml(path: Path, notes: list[str] | None = None) -> dict[str, Any]:
    """A TOML file as a dict.  UTF-8 with or without a BOM; a file saved as GBK (Windows
    Notepad's "ANSI") is read as GBK with a note appended to ``notes``."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"找不到规则包或配置文件：{path}") from None
    except IsADirectoryError:
        raise ConfigError(f"规则包或配置文件 {path} 是一个文件夹，请指定 .toml 文件") from None
    except OSError as exc:
        why = "没有读取权限" if isinstance(exc, PermissionError) else (exc.strerror or str(exc))
        raise ConfigError(f"无法读取配置文件 {path}：{why}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gbk")
        except UnicodeDecodeError:
            raise ConfigError(f"配置文件 {path} 既不是 UTF-8 也不是 GBK 编码的文字，无法读取："
                              "请用记事本打开后“另存为”，编码选 UTF-8。") from None
        if notes is not None:
            notes.append(f"注意：配置文件 {path} 不是 UTF-8 编码，已按 GBK（记事本的“ANSI”）读取；"
                         "建议用记事本“另存为”，编码选 UTF-8。")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"配置文件 {path} {toml_error(str(exc))}") from None


# what tomllib says, in the clerk's words (its messages are English and fixed)
_TOML_SAYS = (
    ("at the end of a table declaration", "节名缺少右方括号 ]（应写成 [grades] 这样）"),
    ("at the end of an array declaration", "表格数组的节名缺少 ]]"),
    ("after a key in a key/value pair", "键的后面缺少等号 =（应写成 键 = 值）"),
    ("Invalid value", "值的写法不对：文字要加英文双引号（如 authority = \"某某县财政局\"），数字、true/false 不加"),
    ("Unterminated string", "文字缺少结尾的英文双引号"),
    ("Illegal character '\\n'", "文字缺少结尾的英文双引号（引号要在同一行内成对）"),
    ("Cannot overwrite a value", "同一个键写了两次"),
    ("Cannot declare", "同一个节写了两次"),
    ("Illegal character", "有不允许的字符（请用英文的引号、方括号、等号和逗号）"),
    ("Unclosed array", "列表缺少右方括号 ]"),
    ("Unclosed inline table", "内联表缺少右花括号 }"),
    ("Invalid initial character for a key part", "键名的写法不对（键名用英文字母、数字、下划线，或加英文双引号）"),
)
_TOML_AT = re.compile(r"\(at line (\d+), column (\d+)\)|\(at end of document\)")


def toml_error(message: str) -> str:
    """``tomllib``'s error as a Chinese sentence with the line and column it names."""
    at = _TOML_AT.search(message)
    where = (f"第 {at.group(1)} 行第 {at.group(2)} 列" if at and at.group(1) else "文件末尾") if at else "某处"
    what = next((said for key, said in _TOML_SAYS if key in message), "有语法错误")
    return f"不是合法的 TOML（{where}）：{what}。请用记事本打开改正后重试。"


def builtin_pack(name: str) -> dict[str, Any]:
    text = resources.files("pbmcli.packs").joinpath(f"{name}.toml").read_text("utf-8")
    return tomllib.loads(text)


def merge(base: dict[str, Any], over: dict[str, Any], where: str, strict: bool,
          section: tuple[str, ...] = ()) -> dict[str, Any]:
    """Deep-merge ``over`` into ``base``; unknown keys are errors when strict (named by file
    and section: "pbm.toml 的 [grades] 节", with the keys that section has)."""
    out = dict(base)
    at = f"{where} 的 [{'.'.join(section)}] 节" if section else where
    for key, value in over.items():
        if key not in base:
            if strict:
                known = "、".join(sorted(base)[:20]) + ("等" if len(base) > 20 else "")
                raise ConfigError(f"{at}：未知的配置项「{key}」，请检查拼写（这里可用：{known}；"
                                  "pbm config show 可查看全部配置项）")
            out[key] = value
        elif not same_type(base[key], value):
            raise ConfigError(f"{at}：配置项「{key}」的值 {value!r} 类型不对，应为"
                              f"{type_label(base[key])}（默认值：{base[key]!r}）")
        elif isinstance(base[key], dict) and isinstance(value, dict):
            # dict-valued settings whose keys are data (trees, aliases, severities) accept new keys
            open_keys = key in _OPEN_TABLES
            out[key] = merge(base[key], value, where, strict and not open_keys, (*section, key))
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


def resolve(data: dict[str, Any], origin: str, seen: tuple[str, ...],
            notes: list[str] | None = None) -> tuple[dict[str, Any], tuple[str, ...]]:
    parent = data.get("extends", "national" if origin not in BUILTIN_PACKS else None)
    if parent is None:
        return data, (origin,)
    if not isinstance(parent, str) or not parent.strip():
        raise ConfigError(f"{origin}：extends 应为带引号的规则包名称或文件路径，如 extends = \"national\"，"
                          f"现为 {parent!r}")
    if parent in seen:
        raise ConfigError(f"规则包循环继承：{' → '.join((*seen, parent))}")
    if len(seen) >= MAX_EXTENDS:
        raise ConfigError(f"{origin}：规则包继承（extends）超过 {MAX_EXTENDS} 层，请检查继承链：一个本地规则包"
                          "通常只需 extends = \"national\"")
    src: tuple[str, ...]
    if parent in BUILTIN_PACKS:
        base, src = builtin_pack(parent), (f"内置规则包 {parent}",)
    else:
        ppath = (Path(origin).parent / parent) if origin not in BUILTIN_PACKS else Path(parent)
        base, src = resolve(read_toml(ppath, notes), str(ppath), (*seen, parent), notes)
    body = {k: v for k, v in data.items() if k not in META}
    merged = merge(base, body, origin, strict=True)
    for meta in ("name", "description"):
        if meta in data:
            merged[meta] = data[meta]
    return merged, (*src, origin)
