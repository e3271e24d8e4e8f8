"""`canbao serve [--port P] [--workers N] [--threads T]`: the web application on 127.0.0.1.

Several worker processes (gunicorn, gthread workers) where gunicorn is installed (Linux, macOS): one
Python process runs Python on one core at a time (the GIL), so one process cannot use a second CPU
however many threads it has. Where gunicorn is missing (Windows) or with `--workers 1`: one waitress
process, as before.

The background jobs (imports, comparisons) run once, beside the web processes: a thread of the
waitress process, or one `canbao worker` child process next to gunicorn (a thread in gunicorn's
master would be copied into every fork, and one per web process would run N comparisons at once).
`--no-worker` leaves the jobs to separate `canbao worker` processes.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from dataclasses import dataclass
from typing import Any

from canbao.cli.common import fail, setup_django
from canbao.cli.home import encrypted_home_guard

MAX_DEFAULT_WORKERS = 8  # each process holds `threads` database connections (PostgreSQL: 100 by default)


def cpu_count() -> int:
    """CPUs this process may run on (a container's or taskset's limit, not the host's)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_workers() -> int:
    # One process per CPU: the work of a request is mostly Python (CPU, under one GIL per process);
    # its waits (database, disk) are covered by the threads of each process.
    return max(1, min(cpu_count(), MAX_DEFAULT_WORKERS))


def gunicorn_available() -> bool:
    try:
        import gunicorn.app.base  # noqa: F401  (imports fcntl: not on Windows)
    except ImportError:
        return False
    return True


@dataclass(frozen=True)
class ServerPlan:
    server: str  # "gunicorn" or "waitress"
    workers: int
    threads: int

    def describe(self) -> str:
        if self.server == "gunicorn":
            return f"gunicorn，{self.workers} 个进程 × {self.threads} 个线程"
        return f"waitress，1 个进程 × {self.threads} 个线程"


def plan_server(*, workers: int | None, threads: int) -> ServerPlan:
    """Which server runs with how many processes: gunicorn for more than one, else waitress."""
    wanted = default_workers() if workers is None else max(1, workers)
    if wanted > 1 and gunicorn_available():
        return ServerPlan("gunicorn", wanted, threads)
    if wanted > 1:
        print("未安装 gunicorn：以单进程（waitress）运行", file=sys.stderr, flush=True)
    return ServerPlan("waitress", 1, threads)


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("serve", help="启动网页服务")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        help=f"网页服务进程数（默认为 CPU 核数，最多 {MAX_DEFAULT_WORKERS}；1 = 单进程 waitress）",
    )
    p.add_argument("--threads", type=int, default=8, help="每个进程的线程数")
    p.add_argument(
        "--no-worker", action="store_true", help="不在本进程运行后台任务（另行运行 canbao worker）"
    )
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    refusal = encrypted_home_guard()  # ADR 0007: person data under $CANBAO_HOME needs an encrypted volume
    if refusal:
        return fail(refusal)
    setup_django()
    serve(port=args.port, workers=args.workers, threads=args.threads, worker=not args.no_worker)
    return 0


def serve(*, port: int = 8000, workers: int | None = None, threads: int = 8, worker: bool = True) -> None:
    """Serve until Ctrl+C / SIGTERM. Django is set up and the database migrated by the caller."""
    plan = plan_server(workers=workers, threads=threads)
    if plan.server == "gunicorn":
        _serve_gunicorn(port=port, plan=plan, worker=worker)
    else:
        _serve_waitress(port=port, plan=plan, worker=worker)


def _announce(port: int, plan: ServerPlan) -> None:
    print(f"网页服务已启动：http://127.0.0.1:{port}/ （{plan.describe()}；Ctrl+C 停止）", flush=True)


def _serve_waitress(*, port: int, plan: ServerPlan, worker: bool) -> None:
    from waitress import serve as waitress_serve

    from canbao.wsgi import application

    job_worker = None
    if worker:
        from canbao.jobs.worker import start_worker_thread

        job_worker = start_worker_thread()
    _announce(port, plan)
    try:
        waitress_serve(
            application,
            host="127.0.0.1",
            port=port,
            threads=plan.threads,
            ident="canbao",
            channel_timeout=120,
        )
    finally:
        if job_worker is not None:
            # A job still running is left `running`; the next start re-queues it (jobs.services).
            job_worker.stop.set()


def gunicorn_options(*, port: int, plan: ServerPlan) -> dict[str, Any]:
    return {
        "bind": f"127.0.0.1:{port}",
        "workers": plan.workers,
        "worker_class": "gthread",
        "threads": plan.threads,
        # Django is loaded (and the database migrated) once in the master; the forks share the code.
        "preload_app": True,
        # A gthread worker's main loop keeps its heartbeat while a thread serves a long export, so
        # this only ends a process that hangs as a whole.
        "timeout": 120,
        "graceful_timeout": 30,
        # Idle kept-alive connections wait in the worker's poller, not on a thread. A connection stays
        # with the process that accepted it; a short keep-alive lets the load even out between them.
        "keepalive": 5,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "proc_name": "canbao",
    }


def _serve_gunicorn(*, port: int, plan: ServerPlan, worker: bool) -> None:
    from django.db import connections
    from gunicorn.app.base import BaseApplication

    from canbao.wsgi import application

    class _App(BaseApplication):  # type: ignore[misc]  # gunicorn has no type hints
        def load_config(self) -> None:
            for key, value in gunicorn_options(port=port, plan=plan).items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return application

    # No connection may cross the fork: every process opens its own on first use.
    connections.close_all()
    job_worker = _start_job_worker_process() if worker else None
    _announce(port, plan)
    try:
        _App().run()
    finally:
        if job_worker is not None:
            _stop_job_worker_process(job_worker)


def _start_job_worker_process() -> subprocess.Popen[bytes]:
    # Same interpreter, same environment (DATABASE_URL, CANBAO_HOME): `canbao worker`.
    return subprocess.Popen([sys.executable, "-m", "canbao.cli.main", "worker", "--poll", "1"])


def _stop_job_worker_process(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    proc.terminate()  # the worker ends after its current job's step; a cut-off job is re-queued at start
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
