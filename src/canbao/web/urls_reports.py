from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from canbao.web import views_dashboard as d
from canbao.web import views_expansion as x
from canbao.web import views_reports as v

urlpatterns: list[URLPattern | URLResolver] = [
    path("dashboard/", d.dashboard_page, name="dashboard"),
    path("reports/quarterly/", v.quarterly_page, name="report_quarterly"),
    path("reports/quarterly/cell/", v.quarterly_cell, name="report_cell"),
    path("reports/expansion/", x.expansion_index, name="expansion_index"),
    path("reports/expansion/<str:key>/", x.expansion_list, name="expansion_list"),
]
