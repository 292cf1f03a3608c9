"""Safe output: atomic writes that never silently overwrite a user's file."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import OutputExistsError, WriteError

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def check_writable(path: str | Path, force: bool) -> Path:
    """Refuse to overwrite an existing file unless ``force``."""
    p = Path(path)
    if p.exists() and not force:
        raise OutputExistsError(str(p))
    return p


NAME_MAX = 255  # bytes of one file name (ext4, NTFS counts UTF-16 units: never more)
_TEMP_EXTRA = len("..") + 8 + len(".tmp")  # mkstemp: prefix "." name ".", 8 random, suffix


def temp_prefix(name: str) -> str:
    """The temporary file's prefix ``.NAME.``, NAME shortened so the whole temporary name
    (prefix, 8 random characters, ``.tmp``) fits in NAME_MAX bytes: an output whose own name
    is close to the limit can still be written."""
    room = NAME_MAX - _TEMP_EXTRA
    while len(os.fsencode(name)) > room:
        name = name[:-1]
    return f".{name}."


@contextlib.contextmanager
def atomic_path(path: str | Path, force: bool = False) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; rename it into place on success.

    An interrupted write leaves no partial file.  Existing files are kept unless
    ``force`` (checked before anything is written).
    """
    target = check_writable(path, force)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=temp_prefix(target.name), suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise write_error(target, exc) from None
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        # mkstemp creates 0600; give the file the permissions a normal save would
        os.chmod(tmp_path, 0o666 & ~_umask())
        os.replace(tmp_path, target)
    except OSError as exc:  # disk full, no permission, the file open in Excel/WPS …
        raise write_error(target, exc) from None
    finally:
        tmp_path.unlink(missing_ok=True)


_WHY = {errno.ENOSPC: "磁盘空间不足", errno.EDQUOT: "磁盘配额已用完", errno.EACCES: "没有写入权限，或文件正被 Excel/WPS 打开",
        errno.EPERM: "没有写入权限，或文件正被 Excel/WPS 打开", errno.EROFS: "磁盘或文件夹是只读的",
        errno.ENOTDIR: "路径中有同名的文件，无法建立文件夹", errno.EEXIST: "路径中有同名的文件，无法建立文件夹",
        errno.ENAMETOOLONG: "文件名或路径太长", errno.ENOENT: "路径不存在或无法在此建立文件夹"}


# every further write to the same disk or folder fails as well: a batch stops at the first
_STOPS_BATCH = {errno.ENOSPC, errno.EDQUOT, errno.EROFS}


def write_error(target: Path, exc: OSError) -> WriteError:
    """An OSError while writing an output, as one Chinese line (exit 2: not a bug)."""
    why = _WHY.get(exc.errno or 0, exc.strerror or str(exc))
    return WriteError(f"无法写入 {target}：{why}。请检查磁盘空间和文件夹权限、关闭正在打开该文件的程序，"
                      "或换一个输出位置。", exc.errno, exc.errno in _STOPS_BATCH)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_bytes(path: str | Path, data: bytes, force: bool = False) -> Path:
    with atomic_path(path, force) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_text(path: str | Path, text: str, force: bool = False, encoding: str = "utf-8") -> Path:
    return write_bytes(path, text.encode(encoding), force)


def safe_cell_text(value: object) -> object:
    """Neutralise spreadsheet formula injection: text starting with = + - @ gets a quote.

    Numbers pass through unchanged; only strings are touched.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
