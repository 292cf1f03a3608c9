"""pbm: budget performance management toolkit (预算绩效管理工具).

The library API mirrors the command line (each is imported lazily, so
``import pbmcli`` stays cheap)::

    from pbmcli import default_pack, read_submission, check, score_submission
    pack = default_pack()
    sub = read_submission("自评表.xlsx")
    findings = check(sub, pack)           # pbm validate, one file
    result = score_submission(sub, pack)  # pbm score, one file
    validate_paths(["收件/"], pack).to_dict()   # == pbm validate --format json
    score_paths(["收件/自评"], pack, goals=["收件/目标申报"]).to_dict()
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_API = {
    "default_pack": "pbmcli.config",
    "load_pack": ("pbmcli.config", "load"),
    "read_submission": "pbmcli.readers",
    "check": "pbmcli.engine",
    "score_submission": "pbmcli.scoring",
    "validate_paths": "pbmcli.report",
    "score_paths": "pbmcli.scoring.report",
    "rank": "pbmcli.cycle.ranking",
    "Ledger": "pbmcli.ledger.store",
}

__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    target = _API.get(name)
    if target is None:
        raise AttributeError(f"module 'pbmcli' has no attribute {name!r}")
    module, attr = target if isinstance(target, tuple) else (target, name)
    return getattr(import_module(module), attr)
