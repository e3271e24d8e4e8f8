"""Error bodies: `{"detail": "<中文>"}` always; every 404 is the same, whatever its cause."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

NOT_FOUND = "未找到该记录"


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, Http404 | exceptions.NotFound):
        # Missing, out of scope, lacking the capability, or a page past the end: one answer.
        return Response({"detail": NOT_FOUND}, status=404)
    return exception_handler(exc, context)
