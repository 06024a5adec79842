from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "media_ingest.review"
    label = "review"
    verbose_name = "Xem xét hình ảnh"
