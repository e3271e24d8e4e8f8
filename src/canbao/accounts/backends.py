"""The login backend: Django's, with the account's node fetched with it on every request."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from canbao.accounts.models import User


class AccountBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        # Every page scopes by the node and shows its name: one join instead of a second query.
        user = User.objects.select_related("node").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
