"""Persons and units, read-only: scoped to the account's node, audited, masked."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from canbao.accounts.scoping import NotFoundInScope
from canbao.api import serializers as s
from canbao.api.permissions import capability
from canbao.audit.services import audit_record
from canbao.registry.models import Person, Unit
from canbao.registry.selectors import PersonFilters, person_get_by_number, person_list
from canbao.registry.selectors_units import UnitFilters, unit_get, unit_list
from canbao.web.actor import request_actor

STATUS_PARAMS = ("aic003", "akc003", "alc003", "ajc003", "amc003")
CREDIT_CODE = re.compile(r"[0-9A-Za-z]{1,30}")

ERRORS = {
    400: OpenApiResponse(s.DetailSerializer, description="查询条件有误"),
    401: OpenApiResponse(s.DetailSerializer, description="未认证或令牌无效"),
    404: OpenApiResponse(s.DetailSerializer, description="未找到（或不在管辖范围内，或无此权限）"),
}


class Paging(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100  # bulk extraction goes through the approved exports, not the API


def _audit(
    request: Request, *, action: str, object_type: str, object_ref: str = "", detail: dict[str, Any]
) -> None:
    with transaction.atomic():
        audit_record(
            actor=request_actor(request), action=action, object_type=object_type, object_ref=object_ref,
            detail={"via": "api", **detail},
        )  # fmt: skip


class AuditedList(generics.ListAPIView):  # type: ignore[type-arg]
    """A list whose every page served is one "search" record: what was asked and how much came back."""

    pagination_class = Paging
    object_type = ""
    query_serializer: type[Any]  # validates the list's query parameters

    def criteria(self) -> dict[str, Any]:
        query = self.query_serializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return dict(query.validated_data)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        page = self.paginator.page  # type: ignore[union-attr]
        asked = {k: (bool(v) if k in ("id_number", "name") else v) for k, v in self.criteria().items() if v}
        _audit(
            request, action="search", object_type=self.object_type,
            detail={**asked, "page": page.number, "results": page.paginator.count},
        )  # fmt: skip
        return response


@extend_schema_view(
    get=extend_schema(
        operation_id="persons_list",
        summary="人员查询",
        description="在本账号管辖范围内按条件查询人员（至少一个条件）。身份证号码和电话只返回脱敏形式。",
        parameters=[s.PersonQuerySerializer],
        responses={200: s.PersonListSerializer(many=True), **ERRORS},
        tags=["人员"],
    )
)
class PersonList(AuditedList):
    serializer_class = s.PersonListSerializer
    permission_classes = [capability("person.search")]
    object_type = "person"
    query_serializer = s.PersonQuerySerializer

    def get_queryset(self) -> QuerySet[Person]:
        q = self.criteria()
        line = next((f for f in STATUS_PARAMS if q.get(f)), "")
        filters = PersonFilters(
            id_number=q.get("id_number", ""), name=q.get("name", ""), area=q.get("area", ""),
            outcome=q.get("outcome", ""), status_field=line, status_code=q.get(line, "") if line else "",
            flag=q.get("flag", ""),
        )  # fmt: skip
        return person_list(actor=self.request.user, filters=filters)


@extend_schema_view(
    get=extend_schema(
        operation_id="persons_retrieve",
        summary="人员详情",
        description="按完整的公民身份号码（18 位；15 位自动转换）查看一人。不在管辖范围内与不存在的回答相同（404）。",
        parameters=[OpenApiParameter("aac002", str, OpenApiParameter.PATH, description="公民身份号码")],
        responses={200: s.PersonDetailSerializer, **ERRORS},
        tags=["人员"],
    )
)
class PersonDetail(generics.RetrieveAPIView):  # type: ignore[type-arg]
    serializer_class = s.PersonDetailSerializer
    permission_classes = [capability("person.view")]
    queryset = Person.objects.none()  # for the schema; get_object looks up by hash

    def get_object(self) -> Person:
        return person_get_by_number(actor=self.request.user, id_number=self.kwargs["aac002"][:30])

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        person = self.get_object()
        _audit(request, action="person_open", object_type="person", object_ref=person.audit_ref, detail={})
        return Response(self.get_serializer(person).data)


@extend_schema_view(
    get=extend_schema(
        operation_id="units_list",
        summary="单位查询",
        description="在本账号管辖范围内查询单位。",
        parameters=[s.UnitQuerySerializer],
        responses={200: s.UnitSerializer(many=True), **ERRORS},
        tags=["单位"],
    )
)
class UnitList(AuditedList):
    serializer_class = s.UnitSerializer
    permission_classes = [capability("unit.view")]
    object_type = "unit"
    query_serializer = s.UnitQuerySerializer

    def get_queryset(self) -> QuerySet[Unit]:
        q = self.criteria()
        filters = UnitFilters(aab998=q.get("aab998", ""), name=q.get("name", ""), area=q.get("area", ""))
        return unit_list(actor=self.request.user, filters=filters)


@extend_schema_view(
    get=extend_schema(
        operation_id="units_retrieve",
        summary="单位详情",
        description="按统一社会信用代码查看单位及其变更历史。不在管辖范围内与不存在的回答相同（404）。",
        parameters=[OpenApiParameter("aab998", str, OpenApiParameter.PATH, description="统一社会信用代码")],
        responses={200: s.UnitDetailSerializer, **ERRORS},
        tags=["单位"],
    )
)
class UnitDetail(generics.RetrieveAPIView):  # type: ignore[type-arg]
    serializer_class = s.UnitDetailSerializer
    permission_classes = [capability("unit.view")]
    queryset = Unit.objects.none()

    def get_object(self) -> Unit:
        code = self.kwargs["aab998"]
        if not CREDIT_CODE.fullmatch(code):
            raise NotFoundInScope()
        return unit_get(actor=self.request.user, aab998=code)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        unit = self.get_object()
        _audit(
            request,
            action="unit_open",
            object_type="unit",
            object_ref=f"unit:{unit.pk}:{unit.aab998}",
            detail={},
        )
        return Response(self.get_serializer(unit).data)
