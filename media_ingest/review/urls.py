"""Mounted at /api/media/ (the ingest app owns hooks/, uploads/, objects/ and clips/<id>/retry/)."""
from django.urls import path

from media_ingest.review.apis import clips, evidence, moments, tags, taxonomy

urlpatterns = [
    path("clips/", clips.ClipListApi.as_view(), name="review-clips"),
    path("clips/<int:pk>/", clips.ClipDetailApi.as_view(), name="review-clip"),
    path("clips/<int:pk>/events/", clips.ClipEventsApi.as_view(), name="review-clip-events"),
    path("clips/<int:pk>/playback/", clips.PlaybackApi.as_view(), name="review-clip-playback"),
    path("clips/<int:pk>/custody/", clips.CustodyApi.as_view(), name="review-clip-custody"),
    path("clips/<int:pk>/custody/export/", clips.CustodyExportApi.as_view(), name="review-clip-custody-export"),
    path("clips/<int:pk>/poster/", clips.PosterApi.as_view(), name="review-clip-poster"),
    path("clips/<int:pk>/stills/<slug:name>/", clips.StillApi.as_view(), name="review-clip-still"),
    path("clips/<int:pk>/coverage/", clips.CoverageApi.as_view(), name="review-clip-coverage"),
    path("taxonomy/", taxonomy.TaxonomyApi.as_view(), name="review-taxonomy"),
    path("taxonomy/<slug:code>/", taxonomy.TaxonomyDetailApi.as_view(), name="review-taxonomy-label"),
    path("tags/", tags.TagListApi.as_view(), name="review-tags"),
    path("tags/<int:pk>/", tags.TagDetailApi.as_view(), name="review-tag"),
    path("evidence/", evidence.EvidenceListApi.as_view(), name="review-evidence"),
    path("evidence/verify/", evidence.UploadedPackageVerifyApi.as_view(), name="review-evidence-verify"),
    path("evidence/packages/", evidence.PackageListApi.as_view(), name="review-packages"),
    path("evidence/packages/<int:pk>/", evidence.PackageDetailApi.as_view(), name="review-package"),
    path("evidence/packages/<int:pk>/download/", evidence.PackageDownloadApi.as_view(), name="review-package-download"),
    path("evidence/packages/<int:pk>/file/", evidence.PackageFileApi.as_view(), name="review-package-file"),
    path("evidence/packages/<int:pk>/verify/", evidence.PackageVerifyApi.as_view(), name="review-package-verify"),
    path("evidence/packages/<int:pk>/custody/", evidence.PackageCustodyApi.as_view(), name="review-package-custody"),
    path("evidence/packages/<int:pk>/custody/export/", evidence.PackageCustodyExportApi.as_view(),
         name="review-package-custody-export"),
    path("evidence/signing-key/", evidence.SigningKeyApi.as_view(), name="review-evidence-signing-key"),
    path("evidence/<int:pk>/", evidence.EvidenceDetailApi.as_view(), name="review-evidence-item"),
    path("moments/", moments.MomentsApi.as_view(), name="review-moments"),
]
