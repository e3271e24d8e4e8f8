"""The registration database (41号 附件1): persons, units, enrollment status, handlers, history.

ID numbers and phones are stored three ways: SM4 ciphertext (`*_cipher`), a keyed HMAC-SM3 hash for
look-ups and joins (`*_hash`), and the masked form shown on screen (`*_masked`), so lists never
decrypt anything.
"""

from __future__ import annotations

from django.db import models

STATUS_FIELDS = ("aic003", "akc003", "alc003", "ajc003", "amc003")


class Person(models.Model):
    # 表2 人员基础信息
    # Unique by constraints in Meta, not `unique=True`: on PostgreSQL that would add a second,
    # `varchar_pattern_ops` index for LIKE searches nobody makes on a number or a hash, and every
    # index is paid for on each write of 10 M persons.
    aac001 = models.CharField("人员编号", max_length=20)
    aac002_cipher = models.TextField("公民身份号码(密文)", blank=True)
    aac002_hash = models.CharField("公民身份号码索引", max_length=64, null=True)
    aac002_masked = models.CharField("公民身份号码", max_length=18, blank=True)
    aac003 = models.CharField("姓名", max_length=50, blank=True)  # indexed with the placement, below
    aac004 = models.CharField("性别", max_length=1, blank=True)
    aac005 = models.CharField("民族", max_length=2, blank=True)
    aac006 = models.DateField("出生日期", null=True, blank=True)
    aac012 = models.CharField("个人身份", max_length=2, blank=True)
    aac009 = models.CharField("户口性质", max_length=2, blank=True)
    aac010 = models.CharField("户口所在地", max_length=150, blank=True)
    aae006 = models.CharField("常住所在地地址", max_length=150, blank=True)
    aab401 = models.CharField("户口簿编号", max_length=20, blank=True)
    aab402 = models.CharField("家庭编号", max_length=20, blank=True)
    aae005_cipher = models.TextField("联系电话(密文)", blank=True)
    aae005_hash = models.CharField("联系电话索引", max_length=64, blank=True)  # indexed in Meta
    aae005_masked = models.CharField("联系电话", max_length=20, blank=True)
    hukou_status = models.CharField("户口状态", max_length=1, blank=True)
    employment_status = models.CharField("就业状态", max_length=2, blank=True)
    employer_aab998 = models.CharField("就业单位统一社会信用代码", max_length=18, blank=True)
    employer_aab001 = models.CharField("就业单位编号", max_length=20, blank=True)
    employer_name = models.CharField("就业单位名称", max_length=100, blank=True)
    uninsured_reason = models.CharField("未参保原因", max_length=4, blank=True)
    # comparison-rules.md §2: population group and the node the person is placed at
    population_group = models.PositiveSmallIntegerField("登记对象类别", null=True, blank=True)
    # No index of its own: person_place_name and person_place_prefix below lead with it.
    placement = models.ForeignKey(
        "divisions.Division",
        on_delete=models.PROTECT,
        db_column="aab301",
        verbose_name="行政区划",
        related_name="+",
        db_index=False,
    )
    # 表3 参保状态 + outcome, flags, survey reasons (comparison-rules.md §3–§6)
    aic003 = models.CharField("养老保险参保状态", max_length=2, blank=True)
    akc003 = models.CharField("医疗保险参保状态", max_length=2, blank=True)
    alc003 = models.CharField("工伤保险参保状态", max_length=2, blank=True)
    ajc003 = models.CharField("失业保险参保状态", max_length=2, blank=True)
    amc003 = models.CharField("生育保险参保状态", max_length=2, blank=True)
    outcome = models.PositiveSmallIntegerField("入库结果", null=True, blank=True, db_index=True)
    flags = models.CharField("异常标识", max_length=200, blank=True)
    survey_reasons = models.CharField("调查原因", max_length=200, blank=True)
    complete = models.BooleanField("信息完整", null=True)
    # The §3 rule (1–7) that decided each of the five statuses, in their order; the source rows
    # behind each stay in the run's status_basis file (they shift whenever files are added).
    status_rules = models.CharField("判定规则", max_length=5, blank=True)
    in_population = models.BooleanField("在登记对象中", default=True, db_index=True)
    # 表4 经办人员信息
    aae011 = models.CharField("经办人", max_length=20, blank=True)
    aae036 = models.DateTimeField("经办时间", null=True, blank=True)
    aae014 = models.CharField("复核人", max_length=20, blank=True)
    aae015 = models.DateTimeField("复核时间", null=True, blank=True)
    source_run = models.BigIntegerField("来源比对批次", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "人员"
        constraints = [
            models.UniqueConstraint(fields=["aac001"], name="person_aac001_uniq"),
            models.UniqueConstraint(fields=["aac002_hash"], name="person_aac002_hash_uniq"),
        ]
        indexes = [
            models.Index(fields=["aae005_hash"], name="person_phone_hash"),
            models.Index(fields=["placement", "aac003"], name="person_place_name"),
            # PostgreSQL: lets a `LIKE 'prefix%'` on the placement (the tree's person counts) use an
            # index whatever the collation. Scoping uses a range instead (accounts/scoping.py).
            models.Index(fields=["placement"], name="person_place_prefix", opclasses=["varchar_pattern_ops"]),
            # A name-prefix search (`LIKE '王芳%'`, pattern ops whatever the collation) within a
            # jurisdiction (the placement range of accounts/scoping.py) finds its rows in the index
            # alone: a township clerk's search no longer reads the whole city's 王芳 from the table.
            models.Index(
                fields=["aac003", "placement"],
                name="person_name_place",
                opclasses=["varchar_pattern_ops", "varchar_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.aac003}（{self.aac002_masked}）"

    @property
    def audit_ref(self) -> str:
        """How the audit log names a person: masked number and internal key, no other data."""
        return f"person:{self.pk}:{self.aac002_masked}"


class Unit(models.Model):
    # 表1 单位基础信息 + 统一社会信用代码. Keyed by the credit code, or "#<AAB001>" for a unit whose
    # credit code is known nowhere (comparison-rules.md §7).
    ukey = models.CharField("单位键", max_length=40, unique=True)
    aab998 = models.CharField("统一社会信用代码", max_length=30, blank=True, db_index=True)
    aab001 = models.CharField("单位编号", max_length=20, blank=True, db_index=True)
    aab004 = models.CharField("单位名称", max_length=100)
    aab019 = models.CharField("单位类型", max_length=2, blank=True)
    placement = models.ForeignKey(
        "divisions.Division",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_column="aab301",
        verbose_name="行政区划",
        related_name="+",
    )
    aae006 = models.CharField("地址", max_length=150, blank=True)
    credit_code_valid = models.BooleanField("信用代码有效", null=True)
    needs_survey = models.BooleanField("需调查", default=False)
    survey_reasons = models.CharField("调查原因", max_length=100, blank=True)
    source_run = models.BigIntegerField("来源比对批次", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "单位"

    def __str__(self) -> str:
        return self.aab004


class HistoryBase(models.Model):
    """Who, when, before, after, why. Sensitive values appear only as ciphertext tokens."""

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.CharField("操作人", max_length=150)
    source = models.CharField("来源", max_length=60)  # run:<id> | change:<id> | survey:<id> | import:<id>
    reason = models.CharField("原因", max_length=200, blank=True)
    before = models.JSONField("变更前", default=dict)
    after = models.JSONField("变更后", default=dict)

    class Meta:
        abstract = True
        ordering = ["-at", "-id"]


class PersonHistory(HistoryBase):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="history")

    class Meta(HistoryBase.Meta):
        verbose_name = "人员变更历史"


class UnitHistory(HistoryBase):
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="history")

    class Meta(HistoryBase.Meta):
        verbose_name = "单位变更历史"
