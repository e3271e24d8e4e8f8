"""`canbao` command-line interface (the contract is ../shared/spec/cli.md).

Each sub-command lives in its own module with ``register(subparsers)``; the module's handler returns
the exit code: 0 done, 1 refused (reason in Chinese on stderr), 2 usage.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# Modules that add sub-commands, in the order `--help` lists them.
COMMAND_MODULES = [
    "canbao.cli.validate",
    "canbao.cli.demo_data",
    "canbao.cli.importing",
    "canbao.cli.compare",
    "canbao.cli.export",
    "canbao.cli.survey",
    "canbao.cli.users",
    "canbao.cli.audit",
    "canbao.cli.keys",
    "canbao.cli.report",
    "canbao.cli.home",
    "canbao.cli.serve",
    "canbao.cli.worker",
    "canbao.cli.demo",
]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # usage errors exit 2, as argparse does, in Chinese
        self.print_usage(sys.stderr)
        print(f"用法错误: {message}", file=sys.stderr)
        sys.exit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="canbao", description="全民参保登记信息系统")
    subparsers = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:  # a command still being built must not break the others
            if exc.name != name:
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    from canbao.core.home import restrict_umask

    restrict_umask()  # everything written under $CANBAO_HOME may hold person data
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except KeyboardInterrupt:
        print("已中断", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
