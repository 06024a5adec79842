"""Mounted at /api/media/ (the ingest app owns hooks/, uploads/, objects/ and clips/<id>/retry/)."""
from django.urls import path

from media_ingest.review import apis

urlpatterns = [
    path("clips/", apis.ClipListApi.as_view(), name="review-clips"),
    path("clips/<int:pk>/", apis.ClipDetailApi.as_view(), name="review-clip"),
    path("clips/<int:pk>/events/", apis.ClipEventsApi.as_view(), name="review-clip-events"),
    path("clips/<int:pk>/playback/", apis.PlaybackApi.as_view(), name="review-clip-playback"),
    path("clips/<int:pk>/custody/", apis.CustodyApi.as_view(), name="review-clip-custody"),
    path("clips/<int:pk>/custody/export/", apis.CustodyExportApi.as_view(), name="review-clip-custody-export"),
    path("clips/<int:pk>/poster/", apis.PosterApi.as_view(), name="review-clip-poster"),
    path("clips/<int:pk>/coverage/", apis.CoverageApi.as_view(), name="review-clip-coverage"),
    path("taxonomy/", apis.TaxonomyApi.as_view(), name="review-taxonomy"),
    path("taxonomy/<slug:code>/", apis.TaxonomyDetailApi.as_view(), name="review-taxonomy-label"),
    path("tags/", apis.TagListApi.as_view(), name="review-tags"),
    path("tags/<int:pk>/", apis.TagDetailApi.as_view(), name="review-tag"),
    path("evidence/", apis.EvidenceListApi.as_view(), name="review-evidence"),
    path("evidence/verify/", apis.UploadedPackageVerifyApi.as_view(), name="review-evidence-verify"),
    path("evidence/packages/", apis.PackageListApi.as_view(), name="review-packages"),
    path("evidence/packages/<int:pk>/", apis.PackageDetailApi.as_view(), name="review-package"),
    path("evidence/packages/<int:pk>/download/", apis.PackageDownloadApi.as_view(), name="review-package-download"),
    path("evidence/packages/<int:pk>/file/", apis.PackageFileApi.as_view(), name="review-package-file"),
    path("evidence/packages/<int:pk>/verify/", apis.PackageVerifyApi.as_view(), name="review-package-verify"),
    path("evidence/packages/<int:pk>/custody/", apis.PackageCustodyApi.as_view(), name="review-package-custody"),
    path("evidence/packages/<int:pk>/custody/export/", apis.PackageCustodyExportApi.as_view(),
         name="review-package-custody-export"),
    path("evidence/signing-key/", apis.SigningKeyApi.as_view(), name="review-evidence-signing-key"),
    path("evidence/<int:pk>/", apis.EvidenceDetailApi.as_view(), name="review-evidence-item"),
    path("moments/", apis.MomentsApi.as_view(), name="review-moments"),
]
