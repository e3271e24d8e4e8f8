"""The login policy of roles-and-workflow.md (等保 2.0 第三级): what an account must do before working.

After the password (and, for admin roles, the TOTP code) an account may still owe two things: the
保密承诺书 (accepted once, at first login) and a new password (every 90 days, or after an admin set it).
`pending_step` names the first one owed; the middleware sends the account there and nowhere else.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

PASSWORD_MAX_AGE = dt.timedelta(days=90)
PLEDGE_VERSION = "2016-附件10"
TOTP_WINDOW = 1  # one 30-second step either side: phone clocks drift


def password_expired(user: Any, now: dt.datetime | None = None) -> bool:
    changed = getattr(user, "password_changed_at", None)
    if changed is None:  # set by an administrator: the account chooses its own at first use
        return True
    return (now or timezone.now()) - changed >= PASSWORD_MAX_AGE


def pending_step(user: Any) -> str | None:
    """ "pledge", "password" or None (free to work)."""
    if getattr(user, "pledge_accepted_at", None) is None:
        return "pledge"
    if password_expired(user):
        return "password"
    return None


def needs_second_factor(user: Any) -> bool:
    return bool(getattr(user, "is_admin_role", False))
