from django.apps import AppConfig


class UrgentConfig(AppConfig):
    name = "xinxi.urgent"
    verbose_name = "紧急信息"

    def ready(self) -> None:
        from xinxi.items import hooks as item_hooks
        from xinxi.urgent import handlers, notices_findings  # noqa: F401  (registers the findings' notices)

        item_hooks.ITEM_SUBMITTED.connect(handlers.on_item_submitted)
        item_hooks.ENTRY_FORWARDED.connect(handlers.on_entry_forwarded)
