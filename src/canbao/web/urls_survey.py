from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from canbao.web import views_survey as v

urlpatterns: list[URLPattern | URLResolver] = [
    path("survey/", v.campaign_list, name="survey_campaigns"),
    path("survey/<int:pk>/", v.campaign_detail, name="survey_campaign"),
    path("survey/<int:pk>/targets/", v.target_list, name="survey_targets"),
    path("survey/<int:pk>/targets/<int:tid>/", v.target_detail, name="survey_target"),
    path("survey/<int:pk>/teams/", v.team_list, name="survey_teams"),
]
