from django.apps import AppConfig


class AccountabilityConfig(AppConfig):
    name = "inspection.accountability"
    label = "accountability"
    verbose_name = "Trách nhiệm & kỷ luật"
