"""`canbao serve [--port P]`: the web application on 127.0.0.1 (waitress, a pure-Python WSGI server)."""

from __future__ import annotations

import argparse

from canbao.cli.common import setup_django


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("serve", help="启动网页服务")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--threads", type=int, default=8)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    setup_django()
    serve(port=args.port, threads=args.threads)
    return 0


def serve(*, port: int = 8000, threads: int = 8) -> None:
    from waitress import serve as waitress_serve

    from canbao.wsgi import application

    print(f"网页服务已启动：http://127.0.0.1:{port}/ （Ctrl+C 停止）", flush=True)
    waitress_serve(
        application, host="127.0.0.1", port=port, threads=threads, ident="canbao", channel_timeout=120
    )
