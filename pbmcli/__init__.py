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

    with Ledger.open("pbm.sqlite") as ledger:                       # pbm rank
        ranking = rank(ledger, "2026Q3", pack)
    execution = monitor_export("执行数据.xlsx", "2026-10", pack)    # pbm monitor
    notices = build_notices("quarterly", {"rank": ranking.to_dict()}, pack, day, None, "2026Q3")
    write_notice(notices[0], Path("通报"))                          # pbm notice

mypy sees the real signatures through the ``TYPE_CHECKING`` imports below.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the same names as _API, for type checkers only (kept in step by a test)
    from .config import default_pack
    from .config import load as load_pack
    from .cycle.lights import monitor_forms
    from .cycle.monitor import monitor_export
    from .cycle.rank_explain import explain
    from .cycle.ranking import rank
    from .engine import check
    from .ledger.store import Ledger
    from .readers import read_submission
    from .render import write_notice
    from .render.notices import build_notices
    from .report import validate_paths
    from .scoring import score_submission
    from .scoring.report import score_paths

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
    "explain": "pbmcli.cycle.rank_explain",
    "monitor_export": "pbmcli.cycle.monitor",
    "monitor_forms": "pbmcli.cycle.lights",
    "build_notices": "pbmcli.render.notices",
    "write_notice": "pbmcli.render",
    "Ledger": "pbmcli.ledger.store",
}

__all__ = [  # the names of _API (a test keeps the three lists in step)
    "Ledger", "__version__", "build_notices", "check", "default_pack", "explain", "load_pack",
    "monitor_export", "monitor_forms", "rank", "read_submission", "score_paths", "score_submission",
    "validate_paths", "write_notice",
]


def __getattr__(name: str) -> Any:
    target = _API.get(name)
    if target is None:
        raise AttributeError(f"module 'pbmcli' has no attribute {name!r}")
    module, attr = target if isinstance(target, tuple) else (target, name)
    return getattr(import_module(module), attr)
