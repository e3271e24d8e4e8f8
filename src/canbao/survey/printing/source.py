"""Which village and which targets a print is of: scoped for a staff account, unscoped for the CLI."""

from __future__ import annotations

from canbao.accounts.models import User
from canbao.accounts.scoping import NotFoundInScope
from canbao.comparison.runs import latest_published_run
from canbao.divisions.models import Division
from canbao.survey.errors import SurveyError
from canbao.survey.models import Campaign
from canbao.survey.printing.sheets import VillagePrint, current_targets, from_run, from_targets
from canbao.survey.selectors import campaigns_visible

# Who may print a village's forms: the village assistant (teams), the township (初审), the county
# (审定) and the data officer who started the campaign. Surveyors receive paper from them.
PRINT_CAPABILITIES = ("survey.teams", "survey.review1", "survey.approve", "survey.campaign")


def can_print(user: User) -> bool:
    return any(user.can(cap) for cap in PRINT_CAPABILITIES)


def village_for_user(*, user: User, campaign_id: int, village_code: str) -> VillagePrint:
    """The current targets of one village of a campaign, as the account may see them; else 404."""
    if not can_print(user) or user.node is None:
        raise NotFoundInScope()
    campaign = campaigns_visible(user=user).filter(pk=campaign_id).first()
    village = Division.objects.filter(code=village_code, level=5).first()
    if (
        campaign is None
        or village is None
        or not village.prefix.startswith(user.node.prefix)
        or not village.prefix.startswith(campaign.node.prefix)
    ):
        raise NotFoundInScope()
    # The village is under the account's node (checked above), so all its targets are in scope; not
    # `selectors.targets_of`, which narrows an account without a village or review role (the data
    # officer) to its own teams' targets.
    return from_targets(current_targets(campaign, village), village=village, campaign=campaign)


def village_for_operator(*, village_code: str, campaign_id: int | None = None) -> VillagePrint:
    """`canbao survey print`: the named campaign, else the latest published comparison's (its open
    campaign covering the village when there is one, else whom a campaign on it would target)."""
    village = Division.objects.filter(code=village_code, level=5).first()
    if village is None:
        raise SurveyError(f"未找到村（社区）{village_code}：请填写 12 位村级行政区划代码")
    if campaign_id is not None:
        campaign = Campaign.objects.select_related("node", "run").filter(pk=campaign_id).first()
        if campaign is None:
            raise SurveyError(f"未找到入户调查 {campaign_id}")
        if not village.prefix.startswith(campaign.node.prefix):
            raise SurveyError(f"{village.name}（{village.code}）不在入户调查“{campaign.name}”的范围内")
        return from_targets(current_targets(campaign, village), village=village, campaign=campaign)
    run = latest_published_run()
    if run is None:
        raise SurveyError("还没有已入库的比对结果，无法打印登记表")
    ancestors = [village.prefix[:n] for n in range(1, len(village.prefix) + 1)]
    campaign = (
        Campaign.objects.select_related("node", "run")
        .filter(run=run, status="open", node__prefix__in=ancestors).order_by("-id").first()
    )  # fmt: skip
    if campaign is not None:
        return from_targets(current_targets(campaign, village), village=village, campaign=campaign)
    return from_run(run, village=village)
