from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "backend.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.core import signals
        from django.db.backends.signals import connection_created

        from backend.core import sqlite_reads

        # embedded SQLite connections are kept between requests; each request reads afresh (see there)
        connection_created.connect(sqlite_reads.track, dispatch_uid="cw-sqlite-track")
        signals.request_started.connect(sqlite_reads.finish_all_reads, dispatch_uid="cw-sqlite-start")
        signals.request_finished.connect(sqlite_reads.finish_all_reads, dispatch_uid="cw-sqlite-finish")
