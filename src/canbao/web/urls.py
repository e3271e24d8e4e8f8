from __future__ import annotations

from django.urls import include, path

from canbao.web import views, views_imports, views_jobs, views_runs

handler404 = "canbao.web.views.not_found"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("", views.home, name="home"),
    path("persons/", views.person_search, name="person_search"),
    path("persons/<int:pk>/", views.person_detail, name="person_detail"),
    path("persons/<int:pk>/basis/", views.person_basis, name="person_basis"),
    path("imports/", views_imports.import_list, name="imports"),
    path("imports/<int:pk>/", views_imports.import_detail, name="import_detail"),
    path("jobs/<int:pk>/", views_jobs.job_detail, name="job_detail"),
    path("jobs/<int:pk>.json", views_jobs.job_status, name="job_status"),
    path("runs/", views_runs.runs, name="runs"),
    path("runs/<int:pk>/", views_runs.run_detail, name="run_detail"),
    path("runs/<int:pk>/<str:key>/", views_runs.run_list_page, name="run_list"),
    path("", include("canbao.web.urls_accounts")),
    path("", include("canbao.web.urls_units")),
    path("", include("canbao.web.urls_audit")),
    path("", include("canbao.web.urls_survey")),
    path("", include("canbao.web.urls_reports")),
    path("", include("canbao.web.urls_survey_print")),
    path("", include("canbao.web.urls_mobile")),
    path("api/", include("canbao.api.urls")),
]
