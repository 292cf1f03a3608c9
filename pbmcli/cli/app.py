"""The typer application object; command modules register on it.

Use ``@command(...)`` (or ``@sub.command(...)`` + ``@guarded``) for every
command: it maps exceptions to the exit-code contract in one place, so that
tests through ``typer.testing.CliRunner`` see the same codes as users.
"""

from __future__ import annotations

import functools
import inspect
import sys
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import typer

from .. import __version__
from .i18n import localise

F = TypeVar("F", bound=Callable[..., Any])

localise()

app = typer.Typer(
    name="pbm",
    help="pbm：预算绩效管理工具。审核绩效目标申报表和自评表、复核自评得分、监控执行进度、排名并生成通报。",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    options_metavar="[选项]",
    subcommand_metavar="命令 [参数]...",
)


# every command takes -q and --no-color (the commands that declare their own keep them)
_QUIET = inspect.Parameter("pbm_quiet", inspect.Parameter.KEYWORD_ONLY, default=False, annotation=Annotated[
    bool, typer.Option("--quiet", "-q", help="不显示提示信息，只输出结果（错误仍会显示）。")])
_NO_COLOR = inspect.Parameter("pbm_no_color", inspect.Parameter.KEYWORD_ONLY, default=False, annotation=Annotated[
    bool, typer.Option("--no-color", help="不使用颜色。")])


def guarded(func: F) -> F:
    """Run a command body; PbmError → exit 2 (one Chinese line), bug → exit 3."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from .output import display_options, handle_exception, silence_stdout

        quiet = bool(kwargs.pop(_QUIET.name, False))  # a command with its own -q decides what it hides
        no_color = bool(kwargs.pop(_NO_COLOR.name, False) or kwargs.get("no_color"))
        try:
            with display_options(quiet, no_color):
                result = func(*args, **kwargs)
                sys.stdout.flush()  # a closed pipe shows here, not in click (which would exit 1)
            return result
        except BrokenPipeError:  # `pbm … | head -1`: the reader left, that is not an error
            silence_stdout()
            raise typer.Exit(0) from None
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except BaseException as exc:  # noqa: BLE001 - the single place errors become exit codes
            raise typer.Exit(handle_exception(exc)) from None

    sig = inspect.signature(func, eval_str=True)
    extra = [p for p, own in ((_QUIET, "quiet"), (_NO_COLOR, "no_color")) if own not in sig.parameters]
    wrapper.__signature__ = sig.replace(  # type: ignore[attr-defined]
        parameters=[*sig.parameters.values(), *extra])
    # typer reads the annotations again (typing.get_type_hints): the evaluated ones, not the
    # strings of `from __future__ import annotations` compiled a second time for every command
    wrapper.__annotations__ = {name: p.annotation for name, p in sig.parameters.items()
                               if p.annotation is not p.empty}
    return wrapper  # type: ignore[return-value]


def command(*args: Any, **kwargs: Any) -> Callable[[F], F]:
    """``@app.command`` with the exit-code guard."""

    kwargs.setdefault("options_metavar", "[选项]")

    def deco(func: F) -> F:
        app.command(*args, **kwargs)(guarded(func))
        return func

    return deco


def _version(value: bool) -> None:
    if value:
        typer.echo(f"pbm {__version__}")
        raise typer.Exit(0)


@app.callback()
def root(
    version: bool = typer.Option(False, "--version", "-V", callback=_version, is_eager=True,
                                 help="显示版本号并退出。"),
    debug: bool = typer.Option(False, "--debug", help="出现内部错误时显示完整的错误堆栈（供开发人员排查）。"),
) -> None:
    """pbm：预算绩效管理工具。"""
    from . import output

    output.STATE.debug = debug
    output.make_streams_safe()
