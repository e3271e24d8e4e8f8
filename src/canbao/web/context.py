from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def nav(request: HttpRequest) -> dict[str, Any]:
    """Navigation by role: only what the account may use."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = [("首页", "/")]
    if user.can("person.search"):
        items.append(("人员查询", "/persons/"))
    items += [("单位查询", "/units/")] if user.can("unit.view") else []
    if user.can("import.run"):
        items.append(("数据导入", "/imports/"))
    if user.can("compare.run"):
        items.append(("信息比对", "/runs/"))
    return {"nav_items": items, "user_roles": "、".join(user.role_names), "user_node": user.node}
