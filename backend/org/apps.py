from typing import Any

from django.apps import AppConfig


def _sqlite_functions(sender: Any, connection: Any, **kwargs: Any) -> None:
    """SQLite has no regexp_replace: the service-number key's index (backend.org.identity) calls this one."""
    if connection.vendor == "sqlite":
        from backend.org.identity import drop_leading_zeros

        connection.connection.create_function("cw_drop_leading_zeros", 1, drop_leading_zeros, deterministic=True)


class OrgConfig(AppConfig):
    name = "backend.org"
    label = "org"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        connection_created.connect(_sqlite_functions, dispatch_uid="org_sqlite_functions")
