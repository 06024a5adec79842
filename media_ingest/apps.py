from django.apps import AppConfig


class MediaIngestConfig(AppConfig):
    name = "media_ingest"
    label = "media_ingest"
    verbose_name = "Hình ảnh camera"
