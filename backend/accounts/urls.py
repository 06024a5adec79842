from django.urls import path

from backend.accounts import apis

urlpatterns = [
    path("csrf/", apis.CsrfApi.as_view(), name="auth-csrf"),
    path("login/", apis.LoginApi.as_view(), name="auth-login"),
    path("logout/", apis.LogoutApi.as_view(), name="auth-logout"),
    path("me/", apis.MeApi.as_view(), name="auth-me"),
    path("users/", apis.UserListApi.as_view(), name="auth-users"),
    path("tokens/", apis.TokenListApi.as_view(), name="auth-tokens"),
    path("tokens/<int:pk>/revoke/", apis.TokenRevokeApi.as_view(), name="auth-token-revoke"),
]
