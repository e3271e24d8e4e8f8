"""Error bodies have one shape: `{"detail": "<中文>"}`, plus `errors` (field → messages) for a 400.
Every 404 is the same, whatever its cause."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

NOT_FOUND = "未找到该记录"
FIELD_NAMES = {"non_field_errors": "", "detail": ""}


def _messages(errors: Any) -> list[str]:
    if isinstance(errors, dict):
        return [
            f"{name}：{m}" if FIELD_NAMES.get(name, name) else m
            for name, value in errors.items()
            for m in _messages(value)
        ]
    if isinstance(errors, list):
        return [m for e in errors for m in _messages(e)]
    return [str(errors)]


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, Http404 | exceptions.NotFound):
        # Missing, out of scope, lacking the capability, or a page past the end: one answer.
        return Response({"detail": NOT_FOUND}, status=404)
    response = exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.ValidationError):
        errors = response.data if isinstance(response.data, dict) else {"non_field_errors": response.data}
        response.data = {"detail": "；".join(_messages(errors)), "errors": errors}
    return response
