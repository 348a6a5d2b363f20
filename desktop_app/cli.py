"""The ``taizhang`` command. With no subcommand it opens the desktop window.

Errors are one Chinese line on stderr and exit code 1; usage errors exit 2
(argparse's own convention).
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from desktop_app import paths
from desktop_app.errors import UserFacingError

log = logging.getLogger(__name__)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # usage errors: Chinese hint, exit 2
        self.print_usage(sys.stderr)
        self.exit(2, f"用法错误：{message}\n")


def _emit(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2) + "\n")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="taizhang", description="监督台账：纪委监委日常监督工作台账（离线）")
    p.add_argument("--data-dir", type=Path, help="数据目录（默认为本用户的数据目录）")
    p.add_argument("--demo", action="store_true", help="使用单独的演示数据目录（首次使用时自动填充）")
    p.add_argument("--user", help="操作人（账户名）；读取或修改记录的命令都需要")
    p.add_argument("--password-file", type=Path, help="操作人口令所在的文件（第一行；“-”为标准输入）")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)
    c = sub.add_parser("init", help="初始化本机关的数据目录，并建立首个管理员")
    c.add_argument("--office-name", required=True)
    c.add_argument("--office-code", required=True)
    c.add_argument("--admin", required=True, help="首个管理员的账户名")
    c.add_argument("--admin-password-file", type=Path, required=True, help="首个管理员的口令文件")
    c = sub.add_parser("demo", help="用虚构的县级数据填充数据目录")
    c.add_argument("--records", type=int, default=0, help="大约生成的记录数（默认约 3000）")
    c.add_argument("--seed", type=int, default=2020)
    c = sub.add_parser("summary", help="各类记录数和临期、逾期清单")
    c.add_argument("--json", action="store_true")
    c = sub.add_parser("search", help="在所有记录中搜索")
    c.add_argument("text")
    c.add_argument("--json", action="store_true")
    c = sub.add_parser("dossier", help="某人的廉政档案")
    c.add_argument("person", help="姓名或人员编号")
    c.add_argument("--json", action="store_true")
    c = sub.add_parser("check", help="检查数据库（完整性、外键、审计链、附件）")
    c.add_argument("--json", action="store_true")
    sub.add_parser("gui", help="打开桌面窗口（默认）")
    _register_optional(sub)
    return p


def _register_optional(sub) -> None:
    """Subcommands of other packages, registered when present."""
    for module in ("desktop_app.letters.cli", "desktop_app.exchange.cli", "desktop_app.security.cli"):
        try:
            mod = __import__(module, fromlist=["register"])
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            log.debug("optional commands %s not available: %s", module, exc)
            continue
        mod.register(sub)


def data_dir_of(args) -> Path:
    if args.data_dir:
        return args.data_dir
    return paths.demo_data_dir() if args.demo else paths.default_data_dir()


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return _dispatch(args)
    except UserFacingError as exc:
        sys.stderr.write(f"错误：{exc}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("已取消。\n")
        return 1


def _dispatch(args) -> int:
    from desktop_app import commands
    if args.command in (None, "gui"):
        return _gui(args, data_dir_of(args))
    handler = getattr(args, "handler", None)
    if handler is not None:            # commands registered by other packages
        return handler(args)
    return getattr(commands, args.command)(args, data_dir_of(args), _emit)


def _gui(args, data_dir: Path) -> int:
    try:
        from ui.app import run_gui     # the one late import of the GUI (ARCHITECTURE.md §2)
    except ImportError as exc:
        raise UserFacingError(f"桌面界面不可用（{exc}）。请在程序目录运行 pip install -e . 重新安装。") from exc
    return run_gui(data_dir, demo=args.demo)


if __name__ == "__main__":
    sys.exit(main())
