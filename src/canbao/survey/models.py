"""Household-survey campaigns (入户调查): targets per village, teams, forms and their review chain.

A target's `state` mirrors its form's (none → entered → submitted → township_passed → accepted, with
`returned` back to the village and `county_returned` back to the township), so that progress per
village, township and county is one GROUP BY on an indexed column.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

STATES = [
    ("pending", "待调查"),
    ("entered", "已录入"),
    ("submitted", "已提交待初审"),
    ("returned", "退回村（社区）"),
    ("township_passed", "初审通过待审定"),
    ("county_returned", "审定退回乡镇"),
    ("accepted", "已审定入库"),
]
STATE_NAMES = dict(STATES)
KINDS = [("person", "人员"), ("unit", "单位"), ("new_person", "调查新增人员")]


class Campaign(models.Model):
    name = models.CharField("调查名称", max_length=100)
    run = models.ForeignKey("comparison.ComparisonRun", on_delete=models.PROTECT, verbose_name="比对批次")
    node = models.ForeignKey(
        "divisions.Division", on_delete=models.PROTECT, related_name="+", verbose_name="范围"
    )
    status = models.CharField(
        "状态", max_length=10, default="open", choices=[("open", "进行中"), ("closed", "已结束")]
    )
    created_by = models.CharField("发起人", max_length=150)
    created_at = models.DateTimeField("发起时间", auto_now_add=True)

    class Meta:
        verbose_name = "入户调查"
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="teams")
    village = models.ForeignKey(
        "divisions.Division", on_delete=models.PROTECT, related_name="+", verbose_name="村（社区）"
    )
    name = models.CharField("小组名称", max_length=50)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="survey_teams", verbose_name="调查员"
    )
    created_by = models.CharField("组建人", max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "调查小组"
        ordering = ["village_id", "name"]
        constraints = [models.UniqueConstraint(fields=["campaign", "village", "name"], name="uniq_team_name")]

    def __str__(self) -> str:
        return self.name


class Target(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    kind = models.CharField("对象类别", max_length=12, choices=KINDS, default="person")
    person = models.ForeignKey(
        "registry.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "registry.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    village = models.ForeignKey(
        "divisions.Division", on_delete=models.PROTECT, related_name="+", verbose_name="村（社区）"
    )
    reasons = models.CharField("调查原因", max_length=200, blank=True)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="targets")
    state = models.CharField("状态", max_length=16, choices=STATES, default="pending")
    added_by = models.CharField("添加人", max_length=150, blank=True)  # new persons met at the door
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "调查对象"
        indexes = [
            models.Index(fields=["campaign", "village", "state"], name="target_progress"),
            models.Index(fields=["village"], name="target_village_prefix", opclasses=["varchar_pattern_ops"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "person"], name="uniq_target_person"),
            models.UniqueConstraint(fields=["campaign", "unit"], name="uniq_target_unit"),
        ]


class SurveyForm(models.Model):
    """What the surveyors found for one target: the latest content, with who and when at each step."""

    target = models.OneToOneField(Target, on_delete=models.CASCADE, related_name="form")
    data = models.JSONField("调查项目", default=dict)  # plain items; ID number and phone below, encrypted
    aac002_cipher = models.TextField(blank=True)
    aac002_hash = models.CharField(max_length=64, blank=True, db_index=True)
    aac002_masked = models.CharField("公民身份号码", max_length=18, blank=True)
    aae005_cipher = models.TextField(blank=True)
    aae005_hash = models.CharField(max_length=64, blank=True)
    aae005_masked = models.CharField("联系电话", max_length=20, blank=True)
    state = models.CharField("状态", max_length=16, choices=STATES, default="entered")
    aae011 = models.CharField("经办人", max_length=150)  # entered by (AAE011/AAE036)
    aae036 = models.DateTimeField("经办时间")
    survey_date = models.DateField("调查日期")
    submitted_by = models.CharField("提交人", max_length=150, blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    township_by = models.CharField("初审人", max_length=150, blank=True)
    township_at = models.DateTimeField("初审时间", null=True, blank=True)
    aae014 = models.CharField("复核人", max_length=150, blank=True)  # the county's 审定 (AAE014/AAE015)
    aae015 = models.DateTimeField("复核时间", null=True, blank=True)
    comment = models.CharField("退回原因", max_length=300, blank=True)

    class Meta:
        verbose_name = "入户调查登记表"
        indexes = [models.Index(fields=["state", "aae015"], name="form_accepted")]


class FormEvent(models.Model):
    """Every step of every form, with the content as it was (masked): nothing entered is ever lost."""

    form = models.ForeignKey(SurveyForm, on_delete=models.CASCADE, related_name="events")
    action = models.CharField("操作", max_length=20)
    actor = models.CharField("操作人", max_length=150)
    at = models.DateTimeField("时间", auto_now_add=True)
    state_from = models.CharField(max_length=16, blank=True)
    state_to = models.CharField(max_length=16)
    comment = models.CharField("意见", max_length=300, blank=True)
    client_uuid = models.CharField("设备提交编号", max_length=40, null=True, blank=True, unique=True)
    data = models.JSONField("当时内容", default=dict)

    class Meta:
        verbose_name = "登记表流转记录"
        ordering = ["id"]
