"""The ``taizhang`` command. With no subcommand it opens the desktop window.

One module per command group; each has ``register(subparsers)``, which only adds its
parsers and sets ``handler`` (the handler imports what it needs when it runs, so
building the parser loads none of the ledger). A new group is one module here and
one entry in ``GROUPS``.

Errors are one Chinese line on stderr and exit code 1; usage errors exit 2
(argparse's own convention).
"""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from desktop_app.cli import (
    accounts, audit, backups, console, core, exchange, holidays, letters, office, reports,
)
from desktop_app.cli.common import data_dir_of  # noqa: F401 (used as desktop_app.cli.data_dir_of)
from desktop_app.errors import UserFacingError

log = logging.getLogger(__name__)

__all__ = ["GROUPS", "build_parser", "data_dir_of", "main"]

# The order is the order of ``taizhang --help``.
GROUPS = (core, letters, reports, office, holidays, exchange, accounts, backups, audit)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # usage errors: Chinese hint, exit 2
        self.print_usage(sys.stderr)
        self.exit(2, f"用法错误：{message}\n")


def _version() -> str:
    from desktop_app import __version__
    return f"taizhang {__version__}"


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="taizhang", description="监督台账：纪委监委日常监督工作台账（离线）")
    p.add_argument("--version", action="version", version=_version(), help="显示版本号并退出")
    p.add_argument("--data-dir", type=Path, help="数据目录（默认为本用户的数据目录）")
    p.add_argument("--demo", action="store_true", help="使用单独的演示数据目录（首次使用时自动填充）")
    p.add_argument("--user", help="操作人（账户名）；读取或修改记录的命令都需要")
    p.add_argument("--password-file", type=Path, help="操作人口令所在的文件（第一行；“-”为标准输入）")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)
    for group in GROUPS:
        group.register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    console.prepare()
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return getattr(args, "handler", core.gui)(args)
    except UserFacingError as exc:
        sys.stderr.write(f"错误：{exc}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("已取消。\n")
        return 1
    except BrokenPipeError:            # `taizhang summary | head`: the reader has gone
        console.silence_stdout()
        return 1
    except Exception as exc:           # SQLite or OS: disk full, locked, read-only, damaged …
        from desktop_app.errors import describe
        line = describe(exc)
        if line is None:               # anything else is a bug: the traceback, as is
            raise
        log.debug("command failed", exc_info=True)
        sys.stderr.write(f"错误：{line}\n")
        return 1


def gui_main() -> int:
    """The windowed entry (``taizhang-gui``; ``监督台账.exe`` when frozen). Started without
    a console, it has no stdout or stderr: what a command would have printed on stderr
    (a refusal before the window opens, a mistyped option in a shortcut) is shown in a
    message box instead; once the window is up, it shows every error itself."""
    import io
    windowed = sys.stderr is None
    if windowed:
        sys.stderr = io.StringIO()
    try:
        code = main(sys.argv[1:] or ["gui"])
    except SystemExit as exc:          # argparse: --help, or a usage error
        code = exc.code if isinstance(exc.code, int) else 1
    if windowed and code:
        # the refusal, not the log lines (warnings go to stderr and to the log file)
        lines = [line for line in sys.stderr.getvalue().splitlines() if line.strip()
                 and not line.startswith(("DEBUG ", "INFO ", "WARNING ", "ERROR ", "CRITICAL "))]
        if lines:
            from ui.app import show_start_error
            show_start_error("\n".join(lines[-12:]))
    return code
