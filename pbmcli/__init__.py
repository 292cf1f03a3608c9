"""pbm: budget performance management toolkit (预算绩效管理工具)."""

__version__ = "0.1.0"
