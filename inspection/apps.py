from django.apps import AppConfig


class InspectionConfig(AppConfig):
    name = "inspection"
    label = "inspection"
    verbose_name = "Kiểm tra"

    def ready(self) -> None:
        from backend.audit.selectors import register_hidden
        from inspection.audit_hidden import hidden_finding_events

        register_hidden(hidden_finding_events)
