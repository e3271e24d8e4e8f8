"""Village printouts of a campaign (include from canbao.web.urls with `path("", include(...))`)."""

from __future__ import annotations

from django.urls import path

from canbao.web import views_survey_print as v

P = "survey/<int:campaign>/village/<str:code>/"

urlpatterns = [
    path(P + "forms.pdf", v.forms_pdf, name="survey_print_forms"),
    path(P + "summary.pdf", v.summary_pdf, name="survey_print_summary_pdf"),
    path(P + "summary.xlsx", v.summary_xlsx, name="survey_print_summary_xlsx"),
    path(P + "roster.xlsx", v.roster_xlsx, name="survey_print_roster"),
]
