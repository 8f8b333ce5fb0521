from django.apps import AppConfig


class UrgentConfig(AppConfig):
    name = "xinxi.urgent"
    verbose_name = "紧急信息"

    def ready(self) -> None:
        from xinxi.items import hooks as item_hooks
        from xinxi.items import panels as item_panels
        from xinxi.urgent import handlers, notices_findings, panels  # noqa: F401  (notices_findings registers)

        item_hooks.ITEM_SUBMITTED.connect(handlers.on_item_submitted)
        item_hooks.ENTRY_FORWARDED.connect(handlers.on_entry_forwarded)
        if panels.inbox_panel not in item_panels.INBOX:
            item_panels.INBOX.append(panels.inbox_panel)
            item_panels.ITEM.append(panels.item_panel)
