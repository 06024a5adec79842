from django.apps import AppConfig


class InspectionConfig(AppConfig):
    name = "inspection"
    label = "inspection"
    verbose_name = "Kiểm tra"
