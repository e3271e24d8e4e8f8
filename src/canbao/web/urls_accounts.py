from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from canbao.web import views_account, views_admin

urlpatterns: list[URLPattern | URLResolver] = [
    path("login/totp/", views_account.login_totp, name="login_totp"),
    path("pledge/", views_account.pledge, name="pledge"),
    path("password/", views_account.password, name="password"),
    path("accounts/", views_admin.account_list, name="account_list"),
    path("accounts/new/", views_admin.account_new, name="account_new"),
    path("accounts/<int:pk>/", views_admin.account_detail, name="account_detail"),
    path("tree/", views_admin.tree, name="tree"),
]
