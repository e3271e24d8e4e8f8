"""`canbao serve [--port P]`: the web application on 127.0.0.1 (waitress, a pure-Python WSGI server).

One background-job worker runs in a thread beside it (imports, comparisons), so the embedded default
needs no other process; `--no-worker` leaves the jobs to separate `canbao worker` processes.
"""

from __future__ import annotations

import argparse

from canbao.cli.common import fail, setup_django
from canbao.cli.home import encrypted_home_guard


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("serve", help="启动网页服务")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--threads", type=int, default=8)
    p.add_argument(
        "--no-worker", action="store_true", help="不在本进程运行后台任务（另行运行 canbao worker）"
    )
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    refusal = encrypted_home_guard()  # ADR 0007: person data under $CANBAO_HOME needs an encrypted volume
    if refusal:
        return fail(refusal)
    setup_django()
    serve(port=args.port, threads=args.threads, worker=not args.no_worker)
    return 0


def serve(*, port: int = 8000, threads: int = 8, worker: bool = True) -> None:
    from waitress import serve as waitress_serve

    from canbao.wsgi import application

    job_worker = None
    if worker:
        from canbao.jobs.worker import start_worker_thread

        job_worker = start_worker_thread()
    print(f"网页服务已启动：http://127.0.0.1:{port}/ （Ctrl+C 停止）", flush=True)
    try:
        waitress_serve(
            application, host="127.0.0.1", port=port, threads=threads, ident="canbao", channel_timeout=120
        )
    finally:
        if job_worker is not None:
            # A job still running is left `running`; the next start re-queues it (jobs.services).
            job_worker.stop.set()
