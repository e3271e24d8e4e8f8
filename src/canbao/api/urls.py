"""REST API under /api/ (ADR 0006): version 1 under /api/v1/, the OpenAPI schema at /api/schema/."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path
from drf_spectacular.views import SpectacularAPIView

from canbao.api import views_auth, views_registry

# No Swagger UI / ReDoc page: both load their scripts from a CDN, and the bureau's network may be
# offline. The schema (YAML, or JSON with ?format=json) opens in any OpenAPI tool.
urlpatterns: list[URLPattern | URLResolver] = [
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("v1/auth/token", views_auth.TokenView.as_view(), name="api_token"),
    path("v1/auth/logout", views_auth.LogoutView.as_view(), name="api_logout"),
    path("v1/persons/", views_registry.PersonList.as_view(), name="api_persons"),
    path("v1/persons/<str:aac002>/", views_registry.PersonDetail.as_view(), name="api_person"),
    path("v1/units/", views_registry.UnitList.as_view(), name="api_units"),
    path("v1/units/<str:aab998>/", views_registry.UnitDetail.as_view(), name="api_unit"),
]
