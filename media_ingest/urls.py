from django.urls import path

from media_ingest import apis

urlpatterns = [
    path("hooks/minio/", apis.MinioHookApi.as_view(), name="media-hook-minio"),
    path("uploads/", apis.UploadCreateApi.as_view(), name="media-upload-create"),
    path("ingest/status/", apis.IngestStatusApi.as_view(), name="media-ingest-status"),
    path("ingest/clips/", apis.IngestClipListApi.as_view(), name="media-ingest-clips"),
    path("ingest/reconcile/", apis.ReconcileNowApi.as_view(), name="media-ingest-reconcile"),
    path("clips/<int:pk>/retry/", apis.ClipRetryApi.as_view(), name="media-clip-retry"),
    path("clips/<int:pk>/assign/", apis.ClipAssignApi.as_view(), name="media-clip-assign"),
    path("cameras/<int:pk>/analysis/", apis.CameraAnalysisApi.as_view(), name="media-camera-analysis"),
    path("cameras/<int:pk>/retention/", apis.CameraRetentionApi.as_view(), name="media-camera-retention"),
    path("clips/<int:pk>/holds/", apis.ClipHoldApi.as_view(), name="media-clip-holds"),
    path("clips/<int:pk>/holds/<int:hold_id>/release/", apis.ClipHoldReleaseApi.as_view(),
         name="media-clip-hold-release"),
    path("retention/", apis.RetentionReportApi.as_view(), name="media-retention"),
    path("retention/run/", apis.RetentionRunApi.as_view(), name="media-retention-run"),
    path("objects/<str:token>/", apis.object_view, name="media-object"),
]
