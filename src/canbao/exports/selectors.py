"""Who sees which export requests, and who may decide them (ADR 0008).

An approver decides requests from nodes strictly below its own; at the deployment's top (a node
without parent, or a city or above: the level that owns the whole deployment's data, as in
`comparison.results.jurisdiction_of`) also those of other accounts at its own node. Never its own.
Anything else is answered with the same 404 as for what does not exist.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from canbao.accounts.scoping import NotFoundInScope, scope_prefix
from canbao.divisions.models import Division
from canbao.exports.models import ExportRequest

APPROVE_CAP = "export.approve"
REQUEST_CAP = "export.list"
TOP_LEVEL = 2  # 市: a city deployment's top node


def is_top(node: Division) -> bool:
    return node.parent_id is None or node.level <= TOP_LEVEL


def _base() -> QuerySet[ExportRequest]:
    return ExportRequest.objects.select_related("requester", "node", "approver")


def decidable_requests(*, user: Any) -> QuerySet[ExportRequest]:
    """Every request (any status) `user` is an eligible approver for: the approver's jurisdiction."""
    prefix = scope_prefix(user)
    if prefix is None or user.is_admin_role or not user.can(APPROVE_CAP):
        return ExportRequest.objects.none()
    same_node_allowed = Q(node__parent__isnull=True) | Q(node__level__lte=TOP_LEVEL)
    return (
        _base()
        .filter(node__code__startswith=prefix)
        .filter(~Q(node_id=user.node_id) | same_node_allowed)
        .exclude(requester_id=user.pk)
    )


def pending_requests(*, user: Any) -> QuerySet[ExportRequest]:
    return decidable_requests(user=user).filter(status=ExportRequest.Status.PENDING)


def own_requests(*, user: Any) -> QuerySet[ExportRequest]:
    if user.is_admin_role or not user.can(REQUEST_CAP):
        return ExportRequest.objects.none()
    return _base().filter(requester_id=user.pk)


def request_get(*, user: Any, pk: int) -> ExportRequest:
    """The requester's own request, or one `user` may decide; else the same 404."""
    req = own_requests(user=user).filter(pk=pk).first() or decidable_requests(user=user).filter(pk=pk).first()
    if req is None:
        raise NotFoundInScope()
    return req


def may_decide(*, user: Any, req: ExportRequest) -> bool:
    return decidable_requests(user=user).filter(pk=req.pk).exists()
