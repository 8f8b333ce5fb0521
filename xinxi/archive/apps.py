from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _engine_schema(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """The engine structures beside the tables, after every migrate (and the test runner's table creation)."""
    from xinxi.archive.schema import ensure_schema

    if getattr(sender, "label", None) == "archive":
        ensure_schema(using)


class ArchiveConfig(AppConfig):
    name = "xinxi.archive"
    label = "archive"
    verbose_name = "资料信息库"

    def ready(self) -> None:
        post_migrate.connect(_engine_schema, dispatch_uid="xinxi.archive.engine_schema")
