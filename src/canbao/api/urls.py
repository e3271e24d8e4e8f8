"""REST API under /api/ (issue 5): filled in by the API work."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
