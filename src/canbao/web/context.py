from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from canbao.accounts.policy import pending_step


def nav(request: HttpRequest) -> dict[str, Any]:
    """Navigation by role: only what the account may use."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if pending_step(user) is not None:  # the pledge or a password change first: nowhere else to go
        return {"nav_items": [], "user_roles": "、".join(user.role_names), "user_node": user.node}
    items = [("首页", "/")]
    if user.node_id:
        items.append(("辖区", "/tree/"))
    if user.can("person.search"):
        items.append(("人员查询", "/persons/"))
    items += [("单位查询", "/units/")] if user.can("unit.view") else []
    if user.can("import.run"):
        items.append(("数据导入", "/imports/"))
    if user.can("compare.run"):
        items.append(("信息比对", "/runs/"))
    if user.can("report.view"):
        items.append(("统计看板", "/dashboard/"))
        items.append(("季度报表", "/reports/quarterly/"))
    if user.can("report.view") and user.can("person.search"):
        items.append(("扩面名单", "/reports/expansion/"))
    if user.can("survey.enter"):
        items.append(("调查登记（手机）", "/m/"))
    if any(user.can(c) for c in ("survey.campaign", "survey.progress", "survey.review1", "survey.approve")):
        items.append(("入户调查", "/survey/"))
    if any(user.can(c) for c in ("users.manage", "roles.assign", "users.view")):
        items.append(("账号管理", "/accounts/"))
    if user.can("export.list") or user.can("export.approve"):
        items.append(("导出审批", "/exports/"))
    if user.can("audit.read"):
        items.append(("审计日志", "/audit/"))
    items.append(("修改密码", "/password/"))
    return {"nav_items": items, "user_roles": "、".join(user.role_names), "user_node": user.node}
