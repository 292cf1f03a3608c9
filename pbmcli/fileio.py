"""Safe output: atomic writes that never silently overwrite a user's file."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

from .errors import OutputExistsError, WriteError

fcntl: ModuleType | None
try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

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


def new_temp(target: Path) -> tuple[int, Path]:
    """A new temporary file beside ``target`` (stale ones a killed pbm left for it are removed
    first): its descriptor, locked while it is written, and its path."""
    remove_stale_temps(target)
    fd, name = tempfile.mkstemp(prefix=temp_prefix(target.name), suffix=".tmp", dir=target.parent)
    if fcntl is not None:  # Windows: an open file cannot be deleted, which protects it as well
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return fd, Path(name)


_TEMP_TAIL = re.compile(r"[a-z0-9_]{8}\.tmp")  # mkstemp's 8 random characters, our suffix
_TEMPS_SEEN: dict[str, list[str]] = {}  # folder -> its temporary files when first written to


def remove_stale_temps(target: Path) -> None:
    """Remove the temporary files ``.NAME.xxxxxxxx.tmp`` that a pbm killed while writing
    ``target`` left behind, unless another pbm is writing one now (it holds a lock on it).
    A folder is listed once per process: writing thousands of copies stays linear."""
    folder = str(target.parent)
    if folder not in _TEMPS_SEEN:
        try:
            _TEMPS_SEEN[folder] = [n for n in os.listdir(folder) if n.startswith(".") and n.endswith(".tmp")]
        except OSError:
            _TEMPS_SEEN[folder] = []
    prefix = temp_prefix(target.name)
    for name in [n for n in _TEMPS_SEEN[folder] if n.startswith(prefix) and _TEMP_TAIL.fullmatch(n[len(prefix):])]:
        _TEMPS_SEEN[folder].remove(name)
        _remove_unless_in_use(target.parent / name)


def _remove_unless_in_use(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # BlockingIOError: a live writer
        path.unlink()
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_path(path: str | Path, force: bool = False) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; rename it into place on success.

    An interrupted write leaves no partial file under the final name, and the temporary file
    a killed run left is removed by the next write of the same file.  Existing files are kept
    unless ``force`` (checked before anything is written).
    """
    target = check_writable(path, force)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_path = new_temp(target)
    except OSError as exc:
        raise write_error(target, exc) from None
    try:
        yield tmp_path
        # mkstemp creates 0600; give the file the permissions a normal save would
        os.chmod(tmp_path, 0o666 & ~_umask())
        os.close(fd)  # Windows renames no open file
        fd = -1
        os.replace(tmp_path, target)
    except OSError as exc:  # disk full, no permission, the file open in Excel/WPS …
        raise write_error(target, exc) from None
    finally:
        if fd >= 0:
            os.close(fd)
        tmp_path.unlink(missing_ok=True)


MARKER = ".pbm-未完成.txt"
_MARKER_HEAD = "# pbm 正在向本文件夹写入下列文件，全部写完后自动删除本文件；如 pbm 被中断，重新运行同一命令即可接着完成。"


def unfinished(folder: Path) -> set[Path]:
    """The outputs an interrupted pbm run was writing into ``folder`` (listed in its marker)."""
    try:  # surrogateescape: names that are raw GBK bytes (a Windows zip unpacked on Linux)
        lines = (folder / MARKER).read_bytes().decode("utf-8", "surrogateescape").splitlines()
    except OSError:
        return set()
    if not lines or lines[0] != _MARKER_HEAD:
        return set()
    return {folder / line for line in lines[1:] if line}


@contextlib.contextmanager
def output_set(folder: Path, targets: list[Path], force: bool) -> Iterator[set[Path]]:
    """Several outputs written into ``folder`` as one set (annotated copies, notices).

    Before anything is written, an existing target is refused unless ``force`` or an earlier
    run of the set was interrupted while writing it (it is listed in the folder's marker
    file): a half-done set is finished by running the same command again, without --force.
    Yields the targets that may be replaced.  The marker lists the set while it is written
    and is removed when the whole set is written."""
    resumable = unfinished(folder)
    replace = {t for t in targets if t.exists() and (force or t in resumable)}
    for t in targets:
        check_writable(t, t in replace)
    if not targets:
        yield replace
        return
    names = [str(t.relative_to(folder)) for t in targets if t.is_relative_to(folder)]
    try:
        write_bytes(folder / MARKER, "\n".join([_MARKER_HEAD, *names, ""]).encode("utf-8", "surrogateescape"),
                    force=True)
    except OSError as exc:  # the folder cannot be written: say the folder, not pbm's own marker file
        raise write_error(folder, exc) from None
    yield replace
    with contextlib.suppress(OSError):
        (folder / MARKER).unlink()


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
