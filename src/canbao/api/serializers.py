"""What goes in and out of the API. ID numbers and phones only ever leave masked (`*_masked`)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from canbao.engine.codes import get_table
from canbao.registry.models import Person, Unit

DIGITS_12 = r"^\d{1,12}$"
CODE_2 = r"^[0-9A-Za-z]{1,2}$"


def _codes(value: str) -> list[str]:
    return [c for c in (value or "").split(";") if c]


# --- auth -------------------------------------------------------------------------------------------


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150, help_text="用户名")
    password = serializers.CharField(max_length=128, trim_whitespace=False, help_text="密码")


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(
        help_text="令牌：请求时放在 `Authorization: Bearer <令牌>` 头中；只返回这一次"
    )
    token_type = serializers.CharField(help_text="固定为 Bearer")
    expires_at = serializers.DateTimeField(help_text="过期时间（签发后 8 小时）")


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="原因（中文）")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="仅 400：各字段的问题（字段名 → 说明）",
    )


# --- persons ----------------------------------------------------------------------------------------


class PersonQuerySerializer(serializers.Serializer):
    id_number = serializers.CharField(
        required=False, max_length=30, help_text="公民身份号码（完整号码精确查找；15 位号码自动转换）"
    )
    name = serializers.CharField(required=False, max_length=50, help_text="姓名（前缀）")
    area = serializers.RegexField(DIGITS_12, required=False, help_text="行政区划代码（本账号管辖范围内）")
    outcome = serializers.ChoiceField(
        required=False, choices=list(get_table("outcome").codes.items()), help_text="入库结果"
    )
    aic003 = serializers.RegexField(CODE_2, required=False, help_text="养老保险参保状态代码")
    akc003 = serializers.RegexField(CODE_2, required=False, help_text="医疗保险参保状态代码")
    alc003 = serializers.RegexField(CODE_2, required=False, help_text="工伤保险参保状态代码")
    ajc003 = serializers.RegexField(CODE_2, required=False, help_text="失业保险参保状态代码")
    amc003 = serializers.RegexField(CODE_2, required=False, help_text="生育保险参保状态代码")
    flag = serializers.ChoiceField(
        required=False, choices=list(get_table("flag").codes.items()), help_text="异常标识"
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        lines = [f for f in ("aic003", "akc003", "alc003", "ajc003", "amc003") if attrs.get(f)]
        if len(lines) > 1:
            raise serializers.ValidationError("一次只能按一个险种的参保状态筛选")
        if not any(attrs.values()):
            raise serializers.ValidationError("请至少提供一个查询条件")
        return attrs


class PersonListSerializer(serializers.ModelSerializer):
    placement_name = serializers.CharField(source="placement.name", help_text="行政区划名称")
    flags = serializers.SerializerMethodField(help_text="异常标识代码")

    class Meta:
        model = Person
        fields = [
            "aac001", "aac002_masked", "aac003", "aac004", "aac006", "aae005_masked", "placement", "placement_name",
            "aic003", "akc003", "alc003", "ajc003", "amc003", "outcome", "flags",
        ]  # fmt: skip

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_flags(self, obj: Person) -> list[str]:
        return _codes(obj.flags)


class PersonDetailSerializer(PersonListSerializer):
    survey_reasons = serializers.SerializerMethodField(help_text="需调查原因代码")

    class Meta(PersonListSerializer.Meta):
        fields = [
            *PersonListSerializer.Meta.fields, "aac005", "aac009", "aac010", "aae006", "aac012", "population_group",
            "hukou_status", "employment_status", "employer_aab998", "employer_name", "uninsured_reason",
            "survey_reasons", "complete", "status_rules", "in_population", "aae011", "aae036", "aae014", "aae015",
            "updated_at",
        ]  # fmt: skip

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_survey_reasons(self, obj: Person) -> list[str]:
        return _codes(obj.survey_reasons)


# --- units ------------------------------------------------------------------------------------------


class UnitQuerySerializer(serializers.Serializer):
    aab998 = serializers.RegexField(
        r"^[0-9A-Za-z]{1,30}$", required=False, help_text="统一社会信用代码（精确）"
    )
    name = serializers.CharField(required=False, max_length=100, help_text="单位名称（包含）")
    area = serializers.RegexField(DIGITS_12, required=False, help_text="行政区划代码（本账号管辖范围内）")


class UnitSerializer(serializers.ModelSerializer):
    placement_name = serializers.CharField(source="placement.name", default="", help_text="行政区划名称")
    survey_reasons = serializers.SerializerMethodField(help_text="单位需调查原因代码")

    class Meta:
        model = Unit
        fields = [
            "aab998", "aab001", "aab004", "aab019", "placement", "placement_name", "aae006", "credit_code_valid",
            "needs_survey", "survey_reasons", "updated_at",
        ]  # fmt: skip

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_survey_reasons(self, obj: Unit) -> list[str]:
        return _codes(obj.survey_reasons)


class UnitHistorySerializer(serializers.Serializer):
    at = serializers.DateTimeField(help_text="时间")
    actor = serializers.CharField(help_text="操作人")
    source = serializers.CharField(help_text="来源")
    reason = serializers.CharField(help_text="原因")
    changed = serializers.SerializerMethodField(help_text="变更项")

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_changed(self, obj: Any) -> list[str]:
        return sorted(obj.after)


class UnitDetailSerializer(UnitSerializer):
    history = serializers.SerializerMethodField(help_text="变更历史（最近 50 条）")

    class Meta(UnitSerializer.Meta):
        fields = [*UnitSerializer.Meta.fields, "history"]

    @extend_schema_field(UnitHistorySerializer(many=True))
    def get_history(self, obj: Unit) -> list[dict[str, Any]]:
        return list(UnitHistorySerializer(obj.history.all()[:50], many=True).data)
