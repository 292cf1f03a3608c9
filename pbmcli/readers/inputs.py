"""Command-line paths → input items: files, folders (recursive) and .zip archives.

Zip members are listed, never extracted: an item only names its member, so
"../" or absolute member names cannot touch the disk.  Member names without
the UTF-8 flag are decoded as UTF-8 when valid, else GBK (Windows zips).
Lock files (~$…), non-spreadsheet files and zips inside zips are skipped with
a Chinese reason; so is anything that is not a regular file (a named pipe, a
device, a socket, even when named *.xlsx or *.zip: opening one would wait
forever).  Files are opened without blocking and checked again once open, so a
path swapped for a pipe after listing is an F001, not a hang.  The order is
deterministic (sorted paths, sorted members).
"""

from __future__ import annotations

import os
import re
import stat
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..errors import InputError
from .limits import MAX_FILE_BYTES, MAX_MEMBER_BYTES, SPREADSHEET_SUFFIXES, ZIP_ERRORS
from .workbook import check_zip_limits

_UTF8_FLAG = 0x800
_GONE = "文件在处理过程中被移走或删除"
NOT_REGULAR = "不是普通文件（是命名管道、设备或套接字等特殊文件，读取会一直等待），已跳过；请报送表格文件本身"
_NOT_REGULAR_NOW = "不是普通文件（命名管道、设备或套接字等特殊文件），无法读取"


@dataclass(frozen=True)
class InputItem:
    """One spreadsheet to read: a file, or a member of a zip archive at ``path``."""

    display: str
    path: Path
    member: str | None = None


@dataclass(frozen=True)
class Skipped:
    """A path that is not read, with the Chinese reason."""

    display: str
    reason: str


def _skip_reason(name: str) -> str | None:
    """Why a file found in a folder or zip is not a form to read (None: read it)."""
    base = name.rsplit("/", 1)[-1]
    if base.startswith("~$"):
        return "Excel/WPS 打开文件时生成的临时锁定文件（~$ 开头），不是报送的表格，已跳过"
    if base.startswith("._") or "__MACOSX/" in name:
        return "macOS 压缩时附带的资源文件，不是表格，已跳过"
    if base.startswith("."):
        return "隐藏文件，已跳过"
    suffix = os.path.splitext(base)[1].lower()
    if suffix not in SPREADSHEET_SUFFIXES:
        shown = suffix or "无扩展名"
        return f"不是电子表格文件（{shown}），已跳过；支持 .xlsx、.xlsm、.xls、.ods 和 .zip"
    return None


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's real name: UTF-8 when flagged or valid, else GBK (Windows zips)."""
    if info.flag_bits & _UTF8_FLAG:
        return info.filename
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename
    for enc in ("utf-8", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return info.filename


# a member named with an absolute path (/…, C:/…) or a parent folder (../): no zip tool makes
# these; the name would mislead whoever reads the report, so the member is not read
_UNSAFE_MEMBER = re.compile(r"/|[A-Za-z]:")
_UNSAFE_MEMBER_REASON = ("压缩包中的文件名含有绝对路径或上级目录（../），正常打包不会出现，可能是恶意构造的压缩包，"
                         "未读取；请让报送单位重新打包后再报送")
_LINKED_FOLDER = ("这是指向其他位置的文件夹链接（快捷方式），其中的文件未读取；如需处理，请直接给出该文件夹的实际路径")


def _is_special(path: Path) -> bool:
    """An existing path (after symbolic links) that is neither a regular file nor a folder."""
    try:
        mode = path.stat().st_mode
    except (OSError, ValueError):  # gone, a dangling link, unreadable: reading says why
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def open_regular(path: Path) -> BinaryIO:
    """Open a regular file for reading without ever blocking on a named pipe or a device;
    OSError for anything else (ENXIO for a pipe with no writer, or the check after opening)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"not a regular file: {path}")
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _zip_items(path: Path, display: str) -> Iterator[InputItem | Skipped]:
    try:
        with open_regular(path) as fh, zipfile.ZipFile(fh) as zf:
            infos = zf.infolist()
            check_zip_limits(infos, display)
    except InputError as exc:
        yield Skipped(display, exc.reason)
        return
    except ZIP_ERRORS:
        yield Skipped(display, "压缩包已损坏或不完整，无法列出其中的文件；请重新打包后再报送")
        return
    # Windows zip tools may store "dir\\file.xlsx": treat backslashes as folder separators
    named = sorted(((member_name(i).replace("\\", "/"), i) for i in infos if not i.is_dir()),
                   key=lambda p: p[0])
    for name, info in named:
        shown = f"{display}/{name.lstrip('/')}"
        if _UNSAFE_MEMBER.match(name) or ".." in name.split("/"):
            yield Skipped(f"{display}/{name}", _UNSAFE_MEMBER_REASON)
        elif name.lower().endswith(".zip"):
            yield Skipped(shown, "压缩包中的压缩包不会展开，请先解压后再处理")
        elif (reason := _skip_reason(name)) is not None:
            yield Skipped(shown, reason)
        else:
            yield InputItem(shown, path, info.filename)


def common_base(roots: Sequence[str | Path]) -> Path | None:
    """The folder the given paths share (a file's own folder): what relative names start at."""
    try:
        dirs = [str(p.resolve() if p.is_dir() else p.resolve().parent) for p in map(Path, roots)]
        return Path(os.path.commonpath(dirs)) if dirs else None
    except (ValueError, OSError, RuntimeError):  # different drives, unreadable, a symlink loop (3.11)
        return None


def relative_name(display: str, base: Path | None) -> str:
    """A file's name relative to the submissions folder (县教育局/申报表.xlsx, a zip member
    as 收件.zip/县教育局/申报表.xlsx): what goes to a unit never shows the clerk's folders."""
    if base is None:
        return display
    try:
        return Path(display).resolve().relative_to(base).as_posix()
    except (ValueError, OSError, RuntimeError):
        return Path(display).name or display


def shown_path(path: str | Path) -> str:
    """A path for messages and reports: file names that are raw GBK bytes (a Windows zip
    unpacked on Linux) decoded, never a lone surrogate (unwritable as UTF-8)."""
    text = str(path)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        raw = os.fsencode(text)
    for enc in ("utf-8", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", errors="replace")


def _walk(folder: Path) -> Iterator[Path | Skipped]:
    """The files under ``folder``; a linked subfolder (not followed: it may lead anywhere, or
    back up the tree) is listed as skipped rather than dropped."""
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in dirs:
            if os.path.islink(os.path.join(root, name)):
                yield Skipped(shown_path(Path(root) / name), _LINKED_FOLDER)
        for name in sorted(files):
            yield Path(root) / name


def _folder_items(folder: Path) -> Iterator[InputItem | Skipped]:
    for path in _walk(folder):
        if isinstance(path, Skipped):
            yield path
        else:
            yield from _file_items(path, in_folder=True)


def _file_items(path: Path, in_folder: bool) -> Iterator[InputItem | Skipped]:
    display = shown_path(path)
    if _is_special(path):
        yield Skipped(display, NOT_REGULAR)
        return
    if path.suffix.lower() == ".zip":
        yield from _zip_items(path, display)
        return
    reason = _skip_reason(path.name)
    if reason is not None and (in_folder or path.name.startswith("~$")):
        yield Skipped(display, reason)
    else:
        yield InputItem(display, path)


def expand(paths: Sequence[str | Path]) -> tuple[list[InputItem], list[Skipped]]:
    """Files, folders (recursive, sorted) and zips → (items to read, skipped).

    A path that does not exist is a Skipped entry.  The same file or member given
    twice is listed once.
    """
    items: list[InputItem] = []
    skipped: list[Skipped] = []
    seen: set[tuple[str, str | None]] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found: Iterator[InputItem | Skipped] = _folder_items(path)
        elif path.is_file() or _is_special(path):
            found = _file_items(path, in_folder=False)
        else:
            skipped.append(Skipped(str(raw), "文件或文件夹不存在，请检查路径"))
            continue
        for entry in found:
            if isinstance(entry, Skipped):
                skipped.append(entry)
                continue
            key = (os.path.realpath(entry.path), entry.member)
            if key not in seen:
                seen.add(key)
                items.append(entry)
    return items, skipped


def read_bytes(item: InputItem) -> bytes:
    """The item's bytes, size-limited; InputError when gone, unreadable or too big."""
    if item.member is None:
        return _read_file(item)
    try:
        with open_regular(item.path) as raw, zipfile.ZipFile(raw) as zf:
            info = zf.getinfo(item.member)
            if info.file_size > MAX_MEMBER_BYTES:
                raise InputError(item.display, f"解压后 {info.file_size // 1024 // 1024} MB，超过上限 {MAX_MEMBER_BYTES // 1024 // 1024} MB", "F009")
            with zf.open(info) as fh:
                data = fh.read(MAX_MEMBER_BYTES + 1)
    except FileNotFoundError:
        raise InputError(item.display, _GONE, "F001") from None
    except KeyError:
        raise InputError(item.display, "压缩包中找不到该文件（压缩包在处理过程中被改动）", "F001") from None
    except ZIP_ERRORS:
        if _is_special(item.path):
            raise InputError(item.display, _NOT_REGULAR_NOW, "F001") from None
        raise InputError(item.display, "压缩包中的该文件已损坏，无法解压", "F001") from None
    if len(data) > MAX_MEMBER_BYTES:
        raise InputError(item.display, "解压后超过大小上限", "F009")
    return data


def _read_file(item: InputItem) -> bytes:
    try:
        size = item.path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(item.display, f"文件 {size // 1024 // 1024} MB，超过上限 {MAX_FILE_BYTES // 1024 // 1024} MB", "F009")
        with open_regular(item.path) as fh:
            return fh.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise InputError(item.display, _GONE, "F001") from None
    except IsADirectoryError:
        raise InputError(item.display, "这是文件夹，不是文件", "F001") from None
    except PermissionError:
        raise InputError(item.display, "没有读取权限（可能正被其他程序占用，请关闭该程序后重试）", "F001") from None
    except OSError as exc:
        if _is_special(item.path):
            raise InputError(item.display, _NOT_REGULAR_NOW, "F001") from None
        raise InputError(item.display, f"系统报告读取错误（{exc.strerror or exc}）", "F001") from None
