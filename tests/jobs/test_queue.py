"""The job queue: enqueue → a worker runs it → done; failures; interrupted jobs; who may see a job."""

from __future__ import annotations

import datetime as dt
import os
import socket
import time
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from tests.factories import PASSWORD, web_login

from canbao.audit.models import AuditRecord
from canbao.audit.services import AuditActor
from canbao.cli.main import main
from canbao.jobs.kinds import JOB_KINDS, JobContext, JobKind, JobRefused
from canbao.jobs.models import Job
from canbao.jobs.services import WorkerIdentity, job_actor, job_claim, job_enqueue
from canbao.jobs.worker import Worker

OFFICER = AuditActor(name="city_officer", node="320100000000", address="10.0.0.1")


def _echo(ctx: JobContext) -> dict[str, Any]:
    # a job runs as the account that enqueued it
    assert (ctx.actor.name, ctx.actor.node) == (OFFICER.name, OFFICER.node)
    ctx.progress("第一步")
    ctx.set_result(partial=1)
    return {"echo": ctx.job.params["value"]}


def _refuse(ctx: JobContext) -> dict[str, Any]:
    raise JobRefused("数据不全，无法处理")


def _crash(ctx: JobContext) -> dict[str, Any]:
    raise RuntimeError("boom")


@pytest.fixture
def kinds(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, handler in (("echo", _echo), ("refuse", _refuse), ("crash", _crash)):
        monkeypatch.setitem(
            JOB_KINDS, key, JobKind(key, "测试", "import.run", handler, public_params=("value",))
        )


def worker() -> Worker:
    return Worker(heartbeat=0)  # no heartbeat thread: the test's transaction is not visible to it


def test_enqueue_then_worker_runs_it(city, kinds: None) -> None:
    job = job_enqueue(kind="echo", params={"value": "x"}, actor=OFFICER)
    assert (job.status, job.created_by, job.node, job.address) == (
        "queued",
        "city_officer",
        "320100000000",
        "10.0.0.1",
    )
    enqueued = AuditRecord.objects.get(action="job_enqueue")
    assert (enqueued.actor, enqueued.object_ref) == ("city_officer", f"job:{job.pk}")
    assert worker().run_pending() == 1
    job.refresh_from_db()
    assert job.status == "done" and job.result == {"partial": 1, "echo": "x"}
    assert job_actor(job) == OFFICER
    assert job.attempts == 1 and job.started_at and job.finished_at and not job.error
    finished = AuditRecord.objects.get(action="job")
    assert (finished.actor, finished.result) == ("city_officer", "ok")
    assert worker().run_pending() == 0


def test_jobs_run_in_order_one_at_a_time(city, kinds: None) -> None:
    first = job_enqueue(kind="echo", params={"value": "1"}, actor=OFFICER)
    second = job_enqueue(kind="echo", params={"value": "2"}, actor=OFFICER)
    w = worker()
    assert w.run_once() is True
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.status, second.status) == ("done", "queued")


def test_refused_job_fails_with_its_reason(city, kinds: None) -> None:
    job = job_enqueue(kind="refuse", params={}, actor=OFFICER)
    worker().run_pending()
    job.refresh_from_db()
    assert job.status == "failed" and job.error == "数据不全，无法处理"
    assert AuditRecord.objects.get(action="job").result == "failed"


def test_crashing_job_fails_and_the_worker_goes_on(city, kinds: None) -> None:
    bad = job_enqueue(kind="crash", params={}, actor=OFFICER)
    good = job_enqueue(kind="echo", params={"value": "y"}, actor=OFFICER)
    assert worker().run_pending() == 2
    bad.refresh_from_db(), good.refresh_from_db()
    assert bad.status == "failed" and "RuntimeError: boom" in bad.error
    assert good.status == "done"


def test_unknown_kind_cannot_be_enqueued(city) -> None:
    with pytest.raises(KeyError):
        job_enqueue(kind="nope", params={}, actor=OFFICER)


def test_account_without_the_capability_any_more_is_refused(city, kinds: None) -> None:
    job = job_enqueue(
        kind="echo", params={"value": "x"}, actor=AuditActor(name="viewer", node="320100000000")
    )
    worker().run_pending()
    job.refresh_from_db()
    assert job.status == "failed" and "权限" in job.error and "echo" not in job.result


def test_a_claimed_job_is_not_claimed_again(city, kinds: None) -> None:
    job_enqueue(kind="echo", params={"value": "x"}, actor=OFFICER)
    first = job_claim(worker=WorkerIdentity.current())
    assert first is not None and first.status == "running"
    assert job_claim(worker=WorkerIdentity.current()) is None


def _running(worker_text: str, *, beat_ago: float, attempts: int = 1) -> Job:
    beat = timezone.now() - dt.timedelta(seconds=beat_ago)
    return Job.objects.create(
        kind="echo", params={"value": "r"}, status="running", worker=worker_text, created_by="city_officer",
        node="320100000000", started_at=beat, heartbeat_at=beat, attempts=attempts, result={"run": 7},
    )  # fmt: skip


def _dead_pid() -> int:
    pid = 999_999
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return pid
        except PermissionError:
            pass
        pid -= 1


def test_stale_running_jobs_are_requeued_at_worker_start(city, kinds: None) -> None:
    host = socket.gethostname()
    dead_here = _running(f"{host}:{_dead_pid()}:aaaa", beat_ago=1)
    earlier_life = _running(f"{host}:{os.getpid()}:old", beat_ago=1)  # a restart with the same pid
    silent_elsewhere = _running("other-host:42:bbbb", beat_ago=3600)
    alive_elsewhere = _running("other-host:43:cccc", beat_ago=5)
    alive_here = _running(f"{host}:{os.getppid()}:dddd", beat_ago=3600)  # live pid: trusted
    w = worker()
    assert w.start() == 3
    statuses = {j.pk: j.status for j in Job.objects.all()}
    assert statuses[dead_here.pk] == statuses[earlier_life.pk] == statuses[silent_elsewhere.pk] == "queued"
    assert statuses[alive_elsewhere.pk] == statuses[alive_here.pk] == "running"
    assert Job.objects.get(pk=dead_here.pk).progress == "处理进程中断，已重新排队"
    w.run_pending()
    job = Job.objects.get(pk=dead_here.pk)
    assert job.status == "done" and job.attempts == 2
    assert job.result["echo"] == "r"


def test_a_job_interrupted_too_often_fails(city, kinds: None) -> None:
    job = _running("other-host:42:bbbb", beat_ago=3600, attempts=3)
    assert worker().start() == 0
    job.refresh_from_db()
    assert job.status == "failed" and "中断 3 次" in job.error


def test_interrupted_comparison_marks_its_run_failed(city) -> None:
    from canbao.comparison.models import ComparisonRun

    run = ComparisonRun.objects.create(
        as_of=dt.date(2026, 9, 30), rules_version="x", rules_digest="x", started_by="city_officer"
    )
    job = Job.objects.create(
        kind="compare", params={"as_of": "2026-09-30"}, status="running", worker="other-host:1:x",
        created_by="city_officer", node="320100000000", heartbeat_at=timezone.now() - dt.timedelta(hours=1),
        attempts=1, result={"run": run.pk},
    )  # fmt: skip
    w = worker()
    w.start()
    w.run_pending()  # no household register: the retry is refused, but the old run is closed first
    run.refresh_from_db(), job.refresh_from_db()
    assert run.status == "failed" and "中断" in run.error
    assert job.status == "failed" and "户籍" in job.error


def test_cli_worker_once(city, kinds: None, capsys: pytest.CaptureFixture[str]) -> None:
    job = job_enqueue(kind="echo", params={"value": "cli"}, actor=OFFICER)
    assert main(["worker", "--once"]) == 0
    job.refresh_from_db()
    assert job.status == "done"
    assert "已处理 1 个任务" in capsys.readouterr().err


def login(client: Client, username: str) -> None:
    web_login(client, username)


def test_job_pages_are_scoped(city, kinds: None, client: Client) -> None:
    from tests.factories import OPERATOR, staff_create

    staff_create(
        username="east_officer",
        roles=["data_officer"],
        node_code="320102000000",
        password=PASSWORD,
        actor=OPERATOR,
    )
    job = job_enqueue(kind="echo", params={"value": "x"}, actor=OFFICER)
    login(client, "city_officer")
    page = client.get(f"/jobs/{job.pk}/")
    assert page.status_code == 200 and "排队中" in page.content.decode()
    assert client.get(f"/jobs/{job.pk}.json").json()["status"] == "queued"
    views = AuditRecord.objects.filter(action="view", object_type="job").count()
    assert views == 1  # the page is audited; the JSON it polls is not
    missing = client.get("/jobs/999999/")
    for username in ("east_officer", "viewer", "east_reviewer", "sys", "auditor"):
        client.logout()
        login(client, username)
        other = client.get(f"/jobs/{job.pk}/")
        assert other.status_code == 404, username  # enqueued above this account's node, or no capability
        assert client.get(f"/jobs/{job.pk}.json").status_code == 404
    assert missing.status_code == 404


@pytest.mark.django_db(transaction=True)
def test_worker_thread_runs_jobs_in_the_background(kinds: None) -> None:
    """What `canbao serve` starts: a worker thread woken by the enqueue."""
    from tests.factories import build_city

    from canbao.jobs.worker import start_worker_thread

    build_city()
    w = start_worker_thread(poll=0.2)
    try:
        job = job_enqueue(kind="echo", params={"value": "bg"}, actor=OFFICER)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.finished:
                break
            time.sleep(0.05)
        assert job.status == "done" and job.result["echo"] == "bg"
    finally:
        w.stop.set()
        time.sleep(0.5)
