from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from canbao.web import views_account

urlpatterns: list[URLPattern | URLResolver] = [
    path("login/totp/", views_account.login_totp, name="login_totp"),
    path("pledge/", views_account.pledge, name="pledge"),
    path("password/", views_account.password, name="password"),
]
