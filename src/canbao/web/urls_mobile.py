"""The surveyor's phone pages (views_mobile)."""

from __future__ import annotations

from django.urls import path

from canbao.web import views_mobile as v

urlpatterns = [
    path("m/", v.m_home, name="m_home"),
    path("m/targets/<int:pk>/", v.m_target, name="m_target"),
    path("m/new/", v.m_new, name="m_new"),
    path("m/offline", v.m_offline, name="m_offline"),
    path("m/sync", v.m_sync, name="m_sync"),
    path("m/sw.js", v.m_service_worker, name="m_sw"),
]
