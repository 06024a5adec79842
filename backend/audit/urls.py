from django.urls import path

from backend.audit import apis

urlpatterns = [
    path("events/", apis.AuditEventListApi.as_view(), name="audit-events"),
    path("verify/", apis.AuditVerifyApi.as_view(), name="audit-verify"),
]
