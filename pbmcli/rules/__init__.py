"""Validation rules: the registry and every rule module (importing this registers them)."""

from __future__ import annotations

from . import files, goal, header, indicators, ledgered, scored, selfeval, selfeval_fill  # noqa: F401  (registration)
from .registry import (
    REDIRECTS,
    RULES,
    Hit,
    Insufficient,
    NotApplicable,
    Outcome,
    Rule,
    finding_for,
    graded,
    hit,
    known,
    resolve,
    rule,
    suggest,
    unknown_code,
)

__all__ = [
    "REDIRECTS", "RULES", "Hit", "Insufficient", "NotApplicable", "Outcome", "Rule",
    "finding_for", "graded", "hit", "known", "resolve", "rule", "suggest", "unknown_code",
]
