from django.urls import path

from backend.accounts import apis, apis_grants

urlpatterns = [
    path("csrf/", apis.CsrfApi.as_view(), name="auth-csrf"),
    path("login/", apis.LoginApi.as_view(), name="auth-login"),
    path("activate/", apis.ActivateApi.as_view(), name="auth-activate"),
    path("logout/", apis.LogoutApi.as_view(), name="auth-logout"),
    path("me/", apis.MeApi.as_view(), name="auth-me"),
    path("session/", apis.SessionApi.as_view(), name="auth-session"),
    path("2fa/", apis.TwoFactorStatusApi.as_view(), name="auth-2fa"),
    path("2fa/verify/", apis.TwoFactorVerifyApi.as_view(), name="auth-2fa-verify"),
    path("2fa/enrol/", apis.TwoFactorEnrolApi.as_view(), name="auth-2fa-enrol"),
    path("2fa/enrol/confirm/", apis.TwoFactorConfirmApi.as_view(), name="auth-2fa-confirm"),
    path("me/password/", apis.MePasswordApi.as_view(), name="auth-me-password"),
    path("roles/", apis_grants.RolesApi.as_view(), name="auth-roles"),
    path("users/", apis.UserListApi.as_view(), name="auth-users"),
    path("users/<int:pk>/", apis.UserDetailApi.as_view(), name="auth-user"),
    path("users/<int:pk>/password/", apis.UserPasswordApi.as_view(), name="auth-user-password"),
    path("users/<int:pk>/2fa/reset/", apis.UserTwoFactorResetApi.as_view(), name="auth-user-2fa-reset"),
    path("team-grants/", apis_grants.TeamGrantListApi.as_view(), name="auth-team-grants"),
    path("team-grants/<int:pk>/approve/", apis_grants.TeamGrantApproveApi.as_view(), name="auth-team-grant-approve"),
    path("team-grants/<int:pk>/refuse/", apis_grants.TeamGrantRefuseApi.as_view(), name="auth-team-grant-refuse"),
    path("tokens/", apis.TokenListApi.as_view(), name="auth-tokens"),
    path("tokens/<int:pk>/revoke/", apis.TokenRevokeApi.as_view(), name="auth-token-revoke"),
]
