"""Capability checks for the API, from the roles table (`accounts/roles.py`)."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from canbao.accounts.scoping import NotFoundInScope


def capability(cap: str) -> type[BasePermission]:
    """A permission class for one capability. Lacking it is answered like a missing record (404), as
    on the web: the admin roles learn nothing about what person data exists."""

    class HasCapability(BasePermission):
        def has_permission(self, request: Request, view: Any) -> bool:
            user = request.user
            if not (user and user.is_authenticated):
                return False  # → 401 with the Bearer challenge
            if not user.can(cap):
                raise NotFoundInScope()
            return True

    HasCapability.__name__ = f"Has_{cap.replace('.', '_')}"
    return HasCapability
