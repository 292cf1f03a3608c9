"""Exceptions that stop a command.  The CLI maps each to an exit code in one place."""

from __future__ import annotations


class PbmError(Exception):
    """Base class: a problem the user can fix.  The message is Chinese and complete."""

    exit_code = 2


class InputError(PbmError):
    """An input file cannot be read as a form (zero bytes, corrupt, encrypted …)."""

    def __init__(self, path: str, reason: str, code: str = "F001") -> None:
        super().__init__(f"{path}：{reason}")
        self.path = path
        self.reason = reason
        self.code = code


class NotAForm(InputError):
    """A file that is no unit's form at all (a report pbm wrote): skipped, not a finding;
    callers that do not know it treat it as the InputError (F003) it also is."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(path, reason, "F003")


class ConfigError(PbmError):
    """pbm.toml or a rule pack is wrong (unknown key, bad value)."""


class UsageError(PbmError):
    """The command line asks for something impossible."""


class OutputExistsError(PbmError):
    """An output file exists and --force was not given."""

    def __init__(self, path: str) -> None:
        super().__init__(f"输出文件已存在：{path}。如需覆盖，请加 --force，或换一个文件名。")
        self.path = path


class WriteError(PbmError):
    """An output could not be written (disk full, no permission, file open in Excel …).

    ``errno`` is the OS error number; ``stops_batch`` is true when every further
    write to the same place would fail as well (a full disk, a read-only folder)."""

    def __init__(self, message: str, errno: int | None = None, stops_batch: bool = False) -> None:
        super().__init__(message)
        self.errno = errno
        self.stops_batch = stops_batch
