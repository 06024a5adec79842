from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "backend.org"
    label = "org"
