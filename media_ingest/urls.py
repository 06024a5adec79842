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
    path("objects/<str:token>/", apis.object_view, name="media-object"),
]
