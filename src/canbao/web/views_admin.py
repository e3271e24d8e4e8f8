"""Account management pages of the admin roles (accounts.admin_services) and the jurisdiction tree."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from canbao.accounts import admin_services as svc
from canbao.accounts.roles import ROLES
from canbao.accounts.scoping import NotFoundInScope, scope_prefix
from canbao.accounts.services import AccountError
from canbao.audit.services import audit_record
from canbao.divisions.models import Division
from canbao.reports.services import node_person_counts
from canbao.web.actor import request_actor
from canbao.web.common import audit_view, pager_query, paginate


def _admin(request: HttpRequest) -> None:
    if not any(request.user.can(c) for c in svc.MANAGE_CAPS):  # type: ignore[union-attr]
        raise NotFoundInScope()


def account_list(request: HttpRequest) -> HttpResponse:
    _admin(request)
    q = request.GET.get("q", "").strip()[:50]
    rows = svc.accounts_visible(admin=request.user)  # type: ignore[arg-type]
    if q:
        rows = rows.filter(username__icontains=q) | rows.filter(real_name__icontains=q)
    page = paginate(rows, request)
    audit_view(request, object_type="user_list", detail={"q": q, "page": page.number})
    context = {"page": page, "q": q, "query": pager_query(request), "now": timezone.now()}
    return render(request, "web/account_list.html", context)


@require_http_methods(["GET", "POST"])
def account_new(request: HttpRequest) -> HttpResponse:
    if not request.user.can("users.manage"):  # type: ignore[union-attr]
        raise NotFoundInScope()
    error, form = "", request.POST
    if request.method == "POST":
        try:
            account, password = svc.account_create(
                admin=request.user, username=form.get("username", ""), real_name=form.get("real_name", ""),  # type: ignore[arg-type]
                node_code=form.get("node", ""), actor=request_actor(request),
            )  # fmt: skip
        except AccountError as exc:
            error = str(exc)
        else:
            return _account_page(request, account, notice=f"已创建账号。初始密码（仅显示一次）：{password}")
    return render(request, "web/account_new.html", {"error": error, "form": form})


@require_http_methods(["GET", "POST"])
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _admin(request)
    admin = request.user
    account = svc.account_get(admin=admin, pk=pk)  # type: ignore[arg-type]
    if request.method == "GET":
        audit_view(request, object_type="user", object_ref=account.username)
        return _account_page(request, account)
    action, actor = request.POST.get("action", ""), request_actor(request)
    notice, error = "", ""
    try:
        if action in ("activate", "deactivate"):
            svc.account_set_active(admin=admin, account=account, active=action == "activate", actor=actor)  # type: ignore[arg-type]
            notice = "已启用账号" if action == "activate" else "已停用账号"
        elif action == "unlock":
            svc.account_unlock(admin=admin, account=account, actor=actor)  # type: ignore[arg-type]
            notice = "已解除锁定"
        elif action == "reset_password":
            password = svc.account_reset_password(admin=admin, account=account, actor=actor)  # type: ignore[arg-type]
            notice = f"已重置密码。临时密码（仅显示一次，首次登录须修改）：{password}"
        elif action == "assign":
            svc.account_assign(admin=admin, account=account, roles=request.POST.getlist("roles"),  # type: ignore[arg-type]
                               node_code=request.POST.get("node", ""), actor=actor)  # fmt: skip
            account.refresh_from_db()
            notice = "已保存角色和管辖区划"
            if account.is_admin_role and account.totp_secret:
                notice += f"。管理员须使用动态验证码，TOTP 密钥：{account.totp_secret}"
        else:
            error = "未知操作"
    except AccountError as exc:
        error = str(exc)
    return _account_page(request, account, notice=notice, error=error)


def _account_page(
    request: HttpRequest, account: object, *, notice: str = "", error: str = ""
) -> HttpResponse:
    roles = [(k, r.name_zh, k in account.role_keys) for k, r in ROLES.items()]  # type: ignore[attr-defined]
    response = render(
        request, "web/account_detail.html",
        {"account": account, "roles": roles, "notice": notice, "error": error},
    )  # fmt: skip
    response["Cache-Control"] = "no-store"
    return response


def tree(request: HttpRequest) -> HttpResponse:
    """The jurisdiction tree under the account's node; business roles see person counts per node."""
    user = request.user
    own = getattr(user, "node", None)
    if own is None:
        raise NotFoundInScope()
    code = request.GET.get("node", "").strip()[:12] or own.code
    node = Division.objects.filter(code=code, prefix__startswith=own.prefix).select_related("parent").first()
    if node is None:
        raise NotFoundInScope()
    children = list(node.children.order_by("code"))
    counted = None
    if scope_prefix(user) is not None and user.can("person.search"):  # type: ignore[union-attr]
        counted = node_person_counts(node)
    path = [d for d in node.path() if d.prefix.startswith(own.prefix)]
    with transaction.atomic():
        audit_record(actor=request_actor(request), action="view", object_type="tree", object_ref=node.code)
    rows = [(c, counted.by_child.get(c.code) if counted else None) for c in children]
    return render(request, "web/tree.html", {"node": node, "path": path, "rows": rows, "counted": counted})
