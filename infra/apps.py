from django.apps import AppConfig
from django.db.backends.signals import connection_created


class InfraConfig(AppConfig):
    name = "infra"
    verbose_name = "Infrastructure"

    def ready(self) -> None:
        from infra import sqlite

        # A backend hook, not a model signal: Django offers no other place to finish a
        # connection after its backend has set it up.
        connection_created.connect(sqlite.restore_busy_timeout, dispatch_uid="infra.busy_timeout")
