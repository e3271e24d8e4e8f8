from __future__ import annotations

import string

from django.core.exceptions import ValidationError


class CharacterClassValidator:
    """At least three of: lower case, upper case, digits, other characters (等保 2.0 三级)."""

    def validate(self, password: str, user: object = None) -> None:
        classes = [
            any(c in string.ascii_lowercase for c in password),
            any(c in string.ascii_uppercase for c in password),
            any(c in string.digits for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < 3:
            raise ValidationError(
                "密码须包含大写字母、小写字母、数字、特殊字符中的至少三类。", code="password_classes"
            )

    def get_help_text(self) -> str:
        return "密码至少 8 位，且包含大写字母、小写字母、数字、特殊字符中的至少三类。"
