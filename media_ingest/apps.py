from django.apps import AppConfig


class MediaIngestConfig(AppConfig):
    name = "media_ingest"
    label = "media_ingest"
    verbose_name = "Hình ảnh camera"

    def ready(self) -> None:
        from media_ingest import logredact

        logredact.install()  # signed object URLs never reach the access log
