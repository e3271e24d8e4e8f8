from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from canbao.web import views_audit, views_exports

urlpatterns: list[URLPattern | URLResolver] = [
    path("audit/", views_audit.audit_log, name="audit_log"),
    path("audit/export/", views_audit.audit_log_export, name="audit_export"),
    path("audit/verify/", views_audit.audit_chain_verify, name="audit_verify"),
    path("exports/", views_exports.export_requests, name="export_requests"),
    path("exports/new/", views_exports.export_request_new, name="export_request_new"),
    path("exports/<int:pk>/", views_exports.export_request_detail, name="export_request"),
    path("exports/<int:pk>/decide/", views_exports.export_request_decide, name="export_decide"),
    path("exports/<int:pk>/download/", views_exports.export_request_download, name="export_download"),
]
