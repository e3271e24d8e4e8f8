"""`canbao worker [--once] [--poll S]`: a background-job worker as its own process.

For deployments that run the web server with `canbao serve --no-worker` (or several web processes)
and the jobs elsewhere. Stops after the current job on SIGTERM or Ctrl+C; a job cut off by a kill is
re-queued when a worker starts again.
"""

from __future__ import annotations

import argparse
import signal
import sys
from types import FrameType

from canbao.cli.common import setup_django


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("worker", help="运行后台任务处理进程")
    p.add_argument("--once", action="store_true", help="处理完队列中的任务后退出")
    p.add_argument("--poll", type=float, default=2.0, help="队列为空时的查询间隔（秒）")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    setup_django()
    from canbao.jobs.worker import Worker

    worker = Worker(poll=args.poll)

    def stop(signum: int, frame: FrameType | None) -> None:
        print("收到停止信号，当前任务完成后退出", file=sys.stderr, flush=True)
        worker.stop.set()

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        requeued = worker.start()
        if requeued:
            print(f"已重新排队 {requeued} 个中断的任务", file=sys.stderr, flush=True)
        if args.once:
            done = worker.run_pending()
            print(f"已处理 {done} 个任务", file=sys.stderr)
            return 0
        print("后台任务处理进程已启动（Ctrl+C 停止）", file=sys.stderr, flush=True)
        worker.run_forever()
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)
