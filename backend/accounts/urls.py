from django.urls import path

from backend.accounts import apis

urlpatterns = [
    path("csrf/", apis.CsrfApi.as_view(), name="auth-csrf"),
    path("login/", apis.LoginApi.as_view(), name="auth-login"),
    path("logout/", apis.LogoutApi.as_view(), name="auth-logout"),
    path("me/", apis.MeApi.as_view(), name="auth-me"),
    path("me/password/", apis.MePasswordApi.as_view(), name="auth-me-password"),
    path("users/", apis.UserListApi.as_view(), name="auth-users"),
    path("users/<int:pk>/", apis.UserDetailApi.as_view(), name="auth-user"),
    path("users/<int:pk>/password/", apis.UserPasswordApi.as_view(), name="auth-user-password"),
    path("tokens/", apis.TokenListApi.as_view(), name="auth-tokens"),
    path("tokens/<int:pk>/revoke/", apis.TokenRevokeApi.as_view(), name="auth-token-revoke"),
]
