"""`pbm config show` as data: the effective settings, where each came from, as TOML text."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .config import RulePack


_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_META_KEYS = {"extends"}


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            flat.update(_flatten(value, dotted + "."))
        else:
            flat[dotted] = value
    return flat


def origins(pack: RulePack, cli_keys: tuple[str, ...] = ()) -> dict[str, str]:
    """dotted setting -> where its value came from (the last source that sets it)."""
    from .config_files import read_toml

    found = dict.fromkeys(_flatten(pack.raw), pack.source[0] if pack.source else "内置规则包 national")
    for src in pack.source[1:]:
        path = Path(src)
        if src.startswith("内置") or not path.is_file():
            continue
        data = {k: v for k, v in read_toml(path).items() if k not in _META_KEYS}
        for key in _flatten(data):
            if key in found or key.split(".")[0] == "workspace":
                found[key] = src
    for key in cli_keys:
        found[key] = "命令行"
    return found


def _toml_key(key: str) -> str:
    return key if _BARE_KEY.match(key) else json.dumps(key, ensure_ascii=False)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        inner = ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    return json.dumps(str(value), ensure_ascii=False)


def dump_toml(data: dict[str, Any], where: dict[str, str], default: str,
              path: tuple[str, ...] = ()) -> list[str]:
    """TOML lines; a setting not from ``default`` gets a ``# 来源：…`` comment."""
    prefix = "".join(f"{p}." for p in path)
    lines: list[str] = []
    tables = []
    for key, value in data.items():
        if isinstance(value, dict) and value:
            tables.append((key, value))
            continue
        origin = where.get(prefix + key, default)
        note = f"  # 来源：{origin}" if origin != default else ""
        lines.append(f"{_toml_key(key)} = {_toml_value(value)}{note}")
    for key, value in tables:
        header = ".".join(_toml_key(p) for p in (*path, key))
        lines += ["", f"[{header}]", *dump_toml(value, where, default, (*path, key))]
    return lines


def settings_of(pack: RulePack) -> dict[str, Any]:
    """pack.raw with the effective rule selection (the command line's included)."""
    import dataclasses

    data = {k: v for k, v in pack.raw.items() if k not in _META_KEYS}
    data["name"] = pack.name
    data["workspace"] = dataclasses.asdict(pack.workspace)
    data["rules"] = {**data.get("rules", {}), "select": list(pack.rules.select),
                     "ignore": list(pack.rules.ignore)}
    return data
