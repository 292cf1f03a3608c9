"""`pbm --help` from a cache: the command list is drawn once, then shown without loading typer.

Drawing the top-level help needs typer, rich and every command module (about a quarter of a
second); the text only changes with pbm's code, the terminal's width and colour, and the
output encoding.  The first ``pbm --help`` draws it as usual and keeps a copy under the user's
cache folder (``PBM_CACHE_DIR``, else ``$XDG_CACHE_HOME/pbm`` or ``~/.cache/pbm``; on Windows
``%LOCALAPPDATA%\\pbm``), named by a digest of all of these; later ones print the copy.  Any
problem with the cache (no home folder, read-only disk, a damaged file) only means the help is
drawn again: it never changes what is shown or the exit code.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sys
from pathlib import Path
from typing import Any, TextIO

_ENV = ("COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR", "PY_COLORS", "TERM", "COLORTERM", "TTY_COMPATIBLE",
        "TTY_INTERACTIVE", "JUPYTER_COLUMNS", "JUPYTER_LINES", "TERMINAL_WIDTH", "TYPER_USE_RICH",
        "_TYPER_FORCE_DISABLE_TERMINAL", "GITHUB_ACTIONS", "DATABRICKS_RUNTIME_VERSION",
        "PYTHONIOENCODING", "LANG", "LC_ALL")  # what typer and rich look at to draw the help


def cache_dir() -> Path | None:
    if os.environ.get("PBM_CACHE_DIR"):
        return Path(os.environ["PBM_CACHE_DIR"])
    base = os.environ.get("LOCALAPPDATA") if os.name == "nt" else os.environ.get("XDG_CACHE_HOME")
    if base:
        return Path(base) / "pbm"
    with contextlib.suppress(RuntimeError, KeyError):
        return Path.home() / ".cache" / "pbm"
    return None


def _code_stamp() -> str:
    """Names, sizes and times of pbm's modules and of the typer and rich in use (found, not
    imported): an edited or upgraded pbm, typer or rich draws the help anew."""
    from importlib.util import find_spec

    root = Path(__file__).parent
    parts = []
    for lib in ("typer", "rich"):
        with contextlib.suppress(ImportError, ValueError, OSError):
            spec = find_spec(lib)
            if spec is not None and spec.origin:
                st = os.stat(spec.origin)
                parts.append(f"{spec.origin}:{st.st_size}:{st.st_mtime_ns}")
    for folder in (root, root / "cli"):
        with contextlib.suppress(OSError):
            for entry in sorted(os.scandir(folder), key=lambda e: e.name):
                if entry.name.endswith(".py"):
                    st = entry.stat()
                    parts.append(f"{entry.path}:{st.st_size}:{st.st_mtime_ns}")
    return "\n".join(parts)


def _key(stream: TextIO) -> str:
    from . import __version__

    tty = bool(getattr(stream, "isatty", lambda: False)())
    facts = [__version__, sys.version, str(tty), str(shutil.get_terminal_size((80, 24))),
             str(getattr(stream, "encoding", "")),
             *(f"{k}={os.environ.get(k, '')}" for k in _ENV), _code_stamp()]
    return hashlib.sha256("\n".join(facts).encode("utf-8", "surrogateescape")).hexdigest()[:32]


class _Tee:
    """stdout for one drawing of the help: everything passes through and is kept."""

    def __init__(self, stream: TextIO) -> None:
        self._stream, self.kept, self.exact = stream, [], True  # type: ignore[var-annotated]

    def write(self, text: str) -> int:
        if isinstance(text, str):
            self.kept.append(text)
            return self._stream.write(text)
        written = self._stream.write(text)  # click probes with b"": a text stream refuses it
        self.exact = False  # something went past the text: do not keep an incomplete copy
        return written

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def show_help(draw: Any) -> None:
    """Print the top-level help: the cached copy when there is one, else ``draw()`` it (exits
    like typer) and keep what it printed."""
    folder = cache_dir()
    stream = sys.stdout
    path = folder / f"help-{_key(stream)}.txt" if folder is not None else None
    if path is not None:
        with contextlib.suppress(OSError, UnicodeDecodeError):
            text = path.read_text("utf-8")
            if text:
                stream.write(text)
                stream.flush()
                return
    tee = _Tee(stream)
    sys.stdout = tee
    try:
        draw()
    except SystemExit as exc:
        if exc.code in (0, None) and path is not None and tee.exact:
            _keep(path, "".join(tee.kept))
        raise
    finally:
        sys.stdout = stream


def _keep(path: Path, text: str) -> None:
    if not text:
        return
    with contextlib.suppress(OSError, ValueError, UnicodeError):
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_text(text, "utf-8")
        os.replace(tmp, path)
