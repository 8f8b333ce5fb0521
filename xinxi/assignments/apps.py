from django.apps import AppConfig


class AssignmentsConfig(AppConfig):
    name = "xinxi.assignments"
    verbose_name = "约稿与专题"

    def ready(self) -> None:
        from xinxi.assignments import notices_lists, panels_lists  # noqa: F401  (notices_lists registers)
        from xinxi.items import panels as item_panels

        if panels_lists.sentiment_panel not in item_panels.ITEM:
            item_panels.ITEM.append(panels_lists.sentiment_panel)
