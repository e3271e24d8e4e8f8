from __future__ import annotations


class SurveyError(Exception):
    """Refused, with a Chinese reason (wrong state, wrong input). Wrong role or node is a 404."""

    def __init__(self, message: str, errors: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or {}
