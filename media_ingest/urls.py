from django.urls import path

from media_ingest import apis, apis_remap

urlpatterns = [
    path("hooks/minio/", apis.MinioHookApi.as_view(), name="media-hook-minio"),
    path("uploads/", apis.UploadCreateApi.as_view(), name="media-upload-create"),
    path("ingest/status/", apis.IngestStatusApi.as_view(), name="media-ingest-status"),
    path("ingest/clips/", apis.IngestClipListApi.as_view(), name="media-ingest-clips"),
    path("ingest/reconcile/", apis.ReconcileNowApi.as_view(), name="media-ingest-reconcile"),
    path("clips/<int:pk>/retry/", apis.ClipRetryApi.as_view(), name="media-clip-retry"),
    path("clips/<int:pk>/assign/", apis.ClipAssignApi.as_view(), name="media-clip-assign"),
    path("clips/<int:pk>/remap-requests/", apis_remap.ClipRemapRequestCreateApi.as_view(),
         name="media-clip-remap-request"),
    path("remap-requests/", apis_remap.ClipRemapRequestListApi.as_view(), name="media-remap-requests"),
    path("remap-requests/<int:pk>/approve/", apis_remap.ClipRemapApproveApi.as_view(), name="media-remap-approve"),
    path("remap-requests/<int:pk>/refuse/", apis_remap.ClipRemapRefuseApi.as_view(), name="media-remap-refuse"),
    path("cameras/<int:pk>/analysis/", apis.CameraAnalysisApi.as_view(), name="media-camera-analysis"),
    path("cameras/<int:pk>/retention/", apis.CameraRetentionApi.as_view(), name="media-camera-retention"),
    path("clips/<int:pk>/holds/", apis.ClipHoldApi.as_view(), name="media-clip-holds"),
    path("clips/<int:pk>/holds/<int:hold_id>/release/", apis.ClipHoldReleaseApi.as_view(),
         name="media-clip-hold-release"),
    path("retention/", apis.RetentionReportApi.as_view(), name="media-retention"),
    path("retention/run/", apis.RetentionRunApi.as_view(), name="media-retention-run"),
    path("objects/<str:token>/", apis.object_view, name="media-object"),
]
