"""Reading limits, one place (README: 读取上限).  Hostile files are refused or cut, never
allowed to allocate without bound."""

from __future__ import annotations

import zipfile
import zlib

MAX_FILE_BYTES = 100 * 1024 * 1024  # a whole spreadsheet file
MAX_MEMBER_BYTES = 50 * 1024 * 1024  # one zip member, declared uncompressed size
MAX_TOTAL_BYTES = 200 * 1024 * 1024  # all members of one zip, declared
MAX_MEMBERS = 10_000  # members of one zip
MAX_ROWS = 5_000  # rows of a sheet that are read
MAX_COLS = 200  # columns of a sheet that are read

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
# what zipfile raises for broken archives (RuntimeError: unsupported method / encryption)
ZIP_ERRORS = (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error, RuntimeError, KeyError)
