from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from canbao.web import views_units

urlpatterns: list[URLPattern | URLResolver] = [
    path("units/", views_units.unit_search, name="unit_search"),
    path("units/<int:pk>/", views_units.unit_detail, name="unit_detail"),
]
