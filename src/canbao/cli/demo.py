"""`canbao demo`: the main job on the embedded default.

Builds a synthetic city, imports every extract, runs the comparison, creates a demo account for every
role and serves the web application.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path

from canbao.cli.common import Progress, operator, parse_day, setup_django
from canbao.engine.kinds import IMPORT_ORDER

DEMO_PASSWORD = "Canbao@2026"  # noqa: S105 - a demo city of synthetic people, printed on purpose


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("demo", help="生成演示城市、导入数据、创建演示账号并启动网页服务")
    p.add_argument("--persons", type=int, default=50_000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--as-of", type=parse_day, default=dt.date(2026, 9, 30))
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=None, help="网页服务进程数（默认为 CPU 核数）")
    p.add_argument("--no-serve", action="store_true", help="准备好数据和账号后退出，不启动网页服务")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from canbao.cli.main import main as cli_main
    from canbao.core.home import sub

    out = sub("demo", f"city-{args.persons}-{args.seed}-{args.as_of.isoformat()}")
    manifest_path = out / "manifest.json"
    if not manifest_path.exists():
        print(f"» 生成演示城市（{args.persons} 人）到 {out}", flush=True)
        code = cli_main(
            [
                "demo-data",
                "--persons",
                str(args.persons),
                "--seed",
                str(args.seed),
                "--out",
                str(out),
                "--as-of",
                args.as_of.isoformat(),
            ]
        )
        if code:
            return code
    setup_django()
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    _import_city(out, manifest, args.as_of)
    _create_accounts()
    _survey_setup()
    if args.no_serve:
        return 0
    from canbao.cli.serve import serve

    serve(port=args.port, workers=args.workers)
    return 0


def _import_city(folder: Path, manifest: dict, as_of: dt.date) -> None:
    from canbao.cli.compare import print_summary
    from canbao.comparison.imports import import_extract
    from canbao.comparison.runs import comparison_run
    from canbao.engine.io.errors import ExtractRefused

    actor = operator()
    for kind in IMPORT_ORDER:
        for entry in (f for f in manifest["files"] if f["kind"] == kind):
            path = folder / entry["file"]
            progress = Progress(f"导入 {entry['file']}")
            try:
                outcome = import_extract(path=path, kind=kind, as_of=as_of, actor=actor, progress=progress)
            except ExtractRefused as exc:
                progress.done()
                print(f"  {entry['file']}：整个文件被拒绝（演示数据中的故障文件）：{exc}")
                continue
            progress.done()
            note = "（已导入过，跳过）" if outcome.duplicate_file else ""
            print(
                f"  {entry['file']}：读取 {outcome.rows_read}，接收 {outcome.accepted}，拒绝 {outcome.rejected}，编码 {outcome.encoding or outcome.format}{note}"
            )
    print("» 信息比对", flush=True)
    run = comparison_run(as_of=as_of, actor=actor, progress=lambda text: print(f"  {text}", flush=True))
    print_summary(run)


def demo_nodes() -> dict[str, str]:
    """One node per level for the demo accounts: the city, its first county, township and village."""
    from canbao.divisions.models import Division

    top = (
        Division.objects.filter(level=2).order_by("code").first()
        or Division.objects.order_by("level", "code").first()
    )
    assert top is not None, "没有行政区划"
    counties = list(Division.objects.filter(level=3, code__startswith=top.prefix).order_by("code")[:2])
    town = Division.objects.filter(level=4, code__startswith=counties[0].prefix).order_by("code").first()
    village = Division.objects.filter(level=5, code__startswith=town.prefix).order_by("code").first()
    return {
        "city": top.code,
        "county": counties[0].code,
        "county2": counties[-1].code,
        "town": town.code,
        "village": village.code,
    }


DEMO_ACCOUNTS = [
    ("sysadmin", "sysadmin", "city", "系统管理员"),
    ("secadmin", "secadmin", "city", "安全管理员"),
    ("auditadmin", "auditadmin", "city", "审计管理员"),
    ("officer", "data_officer", "city", "市数据管理员"),
    ("viewer", "viewer", "city", "市查询员"),
    ("county", "county_reviewer", "county", "县级审核员"),
    ("county2", "county_reviewer", "county2", "另一县审核员"),
    ("town", "township_clerk", "town", "镇街经办员"),
    ("village", "village_assistant", "village", "村社协理员"),
    ("surveyor", "surveyor", "village", "调查员"),
    ("surveyor2", "surveyor", "village", "调查员（二）"),
]


def _create_accounts() -> None:
    from canbao.accounts.models import User
    from canbao.accounts.services import user_create
    from canbao.divisions.models import Division

    nodes = demo_nodes()
    print(f"» 演示账号（密码均为 {DEMO_PASSWORD}）：")
    for username, role, level, label in DEMO_ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(
                username=username,
                roles=[role],
                node_code=nodes[level],
                password=DEMO_PASSWORD,
                actor=operator(),
                real_name=label,
            )
        node = Division.objects.get(code=user.node_id)
        totp = f"  动态验证码：canbao user totp --username {username}" if user.totp_secret else ""
        print(f"  {username:<11} {label:<8} {node.name}（{node.code}）{totp}")


def _survey_setup() -> None:
    """A household-survey campaign from the published run, with a team of the demo village's two
    surveyors and some of the village's targets assigned to it, so every survey role has work."""
    from canbao.accounts.models import User
    from canbao.comparison.runs import latest_published_run
    from canbao.survey.models import Campaign, Target
    from canbao.survey.services import campaign_create, targets_assign, team_create

    run = latest_published_run()
    if run is None or Campaign.objects.filter(run=run).exists():
        return
    actor = operator()
    officer, assistant = User.objects.get(username="officer"), User.objects.get(username="village")
    campaign = campaign_create(user=officer, run=run, name=f"{run.as_of} 入户调查（演示）", actor=actor)
    members = list(User.objects.filter(username__in=["surveyor", "surveyor2"]).values_list("pk", flat=True))
    team = team_create(user=assistant, campaign=campaign, village_code=assistant.node_id or "", name="第一组",
                       member_ids=members, actor=actor)  # fmt: skip
    ids = list(
        Target.objects.filter(campaign=campaign, village_id=assistant.node_id).values_list("pk", flat=True)[
            :30
        ]
    )
    targets_assign(user=assistant, team=team, target_ids=ids, actor=actor)
    total = Target.objects.filter(campaign=campaign).count()
    print(
        f"» 入户调查：{total} 个调查对象；{assistant.node.name}“第一组”（surveyor、surveyor2）已分配 {len(ids)} 个"
    )
