from __future__ import annotations

from django.http import HttpRequest

from canbao.audit.services import AuditActor


def client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))[:64]


def request_actor(request: HttpRequest) -> AuditActor:
    user = request.user
    name = user.get_username() if user.is_authenticated else "anonymous"
    node = getattr(user, "node_id", None) or ""
    return AuditActor(name=name, node=node, address=client_address(request))
