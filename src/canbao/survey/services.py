"""Campaigns, teams and assignment: what the data officer and the village assistant do."""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet

from canbao.accounts.models import User
from canbao.accounts.scoping import NotFoundInScope
from canbao.audit.services import AuditActor, audit_record
from canbao.comparison.models import ComparisonRun
from canbao.divisions.models import Division
from canbao.survey.errors import SurveyError
from canbao.survey.models import Campaign, Target, Team

ASSIGNABLE = ("pending", "entered", "returned")
TEAM_SIZE = (2, 3)  # 44号 and seeds/002: surveys are done by two or more people together


def _need(user: Any, capability: str) -> None:
    if not user.can(capability) or user.node is None:
        raise NotFoundInScope()


def campaign_create(*, user: User, run: ComparisonRun, name: str, actor: AuditActor) -> Campaign:
    """Targets: every person of outcome 4 and every unit needing a survey, under the user's node.

    Built with two INSERT … SELECT statements (no Python per row): a city has hundreds of thousands
    of targets.
    """
    _need(user, "survey.campaign")
    assert user.node is not None
    if not run.published:
        raise SurveyError("该比对批次尚未入库，不能据此开展入户调查")
    if Campaign.objects.filter(run=run, status="open", node=user.node).exists():
        raise SurveyError("该比对批次已有进行中的入户调查")
    name = " ".join(name.split())[:100] or f"{run.as_of} 入户调查"
    with transaction.atomic():
        campaign = Campaign.objects.create(name=name, run=run, node=user.node, created_by=user.username)
        prefix = user.node.prefix + "%"
        t, p, u = Target._meta.db_table, "registry_person", "registry_unit"
        with connection.cursor() as cur:
            cur.execute(
                f"INSERT INTO {t} (campaign_id, kind, person_id, village_id, reasons, state, added_by, updated_at) "  # noqa: S608 - constant table names
                f"SELECT %s, 'person', id, aab301, survey_reasons, 'pending', '', CURRENT_TIMESTAMP FROM {p} "
                "WHERE outcome = 4 AND in_population AND aab301 LIKE %s",
                [campaign.pk, prefix],
            )
            persons = cur.rowcount
            cur.execute(
                f"INSERT INTO {t} (campaign_id, kind, unit_id, village_id, reasons, state, added_by, updated_at) "  # noqa: S608 - constant table names
                f"SELECT %s, 'unit', id, aab301, survey_reasons, 'pending', '', CURRENT_TIMESTAMP FROM {u} "
                "WHERE needs_survey AND aab301 LIKE %s",
                [campaign.pk, prefix],
            )
            units = cur.rowcount
        audit_record(actor=actor, action="campaign_create", object_type="campaign", object_ref=str(campaign.pk),
                     detail={"run": run.pk, "persons": persons, "units": units, "node": user.node.code})  # fmt: skip
    return campaign


def team_create(*, user: User, campaign: Campaign, village_code: str, name: str, member_ids: list[int],
                actor: AuditActor) -> Team:  # fmt: skip
    _need(user, "survey.teams")
    village = _village_in_scope(user, village_code)
    members = list(User.objects.filter(pk__in=member_ids, is_active=True, node=village))
    if len(members) != len(set(member_ids)) or not all(m.can("survey.assigned") for m in members):
        raise SurveyError("调查员须是本村（社区）的调查员账号")
    if not TEAM_SIZE[0] <= len(members) <= TEAM_SIZE[1]:
        raise SurveyError(f"每个调查小组由 {TEAM_SIZE[0]}–{TEAM_SIZE[1]} 名调查员组成")
    name = " ".join(name.split())[:50]
    if not name:
        raise SurveyError("请填写小组名称")
    if Team.objects.filter(campaign=campaign, village=village, name=name).exists():
        raise SurveyError(f"本村已有名为“{name}”的小组")
    with transaction.atomic():
        team = Team.objects.create(campaign=campaign, village=village, name=name, created_by=user.username)
        team.members.set(members)
        audit_record(actor=actor, action="team_create", object_type="team", object_ref=str(team.pk),
                     detail={"village": village.code, "members": sorted(m.username for m in members)})  # fmt: skip
    return team


def targets_assign(*, user: User, team: Team, target_ids: list[int], actor: AuditActor) -> int:
    """Assign (or reassign) targets of the team's village to the team; not once submitted."""
    _need(user, "survey.assign")
    _village_in_scope(user, team.village_id)
    targets = Target.objects.filter(pk__in=target_ids, campaign=team.campaign, village=team.village)
    if targets.count() != len(set(target_ids)):
        raise NotFoundInScope()
    locked = targets.exclude(state__in=ASSIGNABLE).count()
    if locked:
        raise SurveyError(f"{locked} 个对象已提交审核，不能再分配")
    with transaction.atomic():
        n = targets.update(team=team)
        audit_record(actor=actor, action="targets_assign", object_type="team", object_ref=str(team.pk),
                     detail={"targets": sorted(target_ids)[:1000], "count": n})  # fmt: skip
    return n


def _village_in_scope(user: User, code: str) -> Division:
    assert user.node is not None
    village = Division.objects.filter(code=code, level=5).first()
    if village is None or not village.prefix.startswith(user.node.prefix):
        raise NotFoundInScope()
    return village


def teams_of(*, user: User, campaign: Campaign) -> QuerySet[Team]:
    assert user.node is not None
    return Team.objects.filter(
        campaign=campaign, village__code__startswith=user.node.prefix
    ).prefetch_related("members")
