"""`canbao serve`: several processes with gunicorn, one waitress process without it or with --workers 1."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from canbao.cli import serve


def test_default_is_one_process_per_cpu(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(serve, "cpu_count", lambda: 2)
    assert serve.default_workers() == 2
    monkeypatch.setattr(serve, "cpu_count", lambda: 64)
    assert serve.default_workers() == serve.MAX_DEFAULT_WORKERS


def test_plan_falls_back_to_waitress(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(serve, "gunicorn_available", lambda: True)
    assert serve.plan_server(workers=3, threads=8) == serve.ServerPlan("gunicorn", 3, 8)
    assert serve.plan_server(workers=1, threads=8) == serve.ServerPlan("waitress", 1, 8)
    monkeypatch.setattr(serve, "gunicorn_available", lambda: False)  # Windows
    assert serve.plan_server(workers=3, threads=8) == serve.ServerPlan("waitress", 1, 8)
    assert "gunicorn" in capsys.readouterr().err


def test_gunicorn_options() -> None:
    options = serve.gunicorn_options(port=8123, plan=serve.ServerPlan("gunicorn", 2, 6))
    assert options["bind"] == "127.0.0.1:8123"  # never on a public interface: nginx with TLS in front
    assert (options["workers"], options["worker_class"], options["threads"]) == (2, "gthread", 6)
    assert options["preload_app"] is True


def _children(pid: int) -> dict[int, str]:
    """Pid → command line of the processes whose parent is `pid`."""
    out = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rpartition(")")[2].split()[1]) == pid:
                out[int(stat.parent.name)] = (
                    (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                )
        except (OSError, ValueError):
            pass
    return out


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(
    not serve.gunicorn_available() or not Path("/proc").is_dir(), reason="needs gunicorn and /proc"
)
def test_serve_runs_several_processes_and_one_job_worker(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        **os.environ,
        "CANBAO_HOME": str(tmp_path / "home"),
        "CANBAO_AUDIT_HEAD": str(tmp_path / "head.json"),
    }
    env.pop("DATABASE_URL", None)  # its own SQLite database under the temporary home
    log = tmp_path / "serve.log"
    cmd = [
        sys.executable,
        "-m",
        "canbao.cli.main",
        "serve",
        "--port",
        str(port),
        "--workers",
        "2",
        "--threads",
        "2",
    ]
    proc = subprocess.Popen(cmd, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        status = 0
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=5) as resp:
                    status = resp.status
                    break
            except OSError:
                time.sleep(0.3)
        assert status == 200, log.read_text()
        assert re.search(r"gunicorn，2 个进程 × 2 个线程", log.read_text())
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            children = _children(proc.pid)
            if len(children) == 3:
                break
            time.sleep(0.2)
        workers = [c for c in children.values() if " worker " in c]
        assert len(workers) == 1, children  # the background jobs run once, not once per web process
        assert len(children) - len(workers) == 2, children
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    # The web processes and the job worker end with the server, none left behind.
    assert not [pid for pid in children if _running(pid)]
