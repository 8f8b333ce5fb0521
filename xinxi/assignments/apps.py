from django.apps import AppConfig


class AssignmentsConfig(AppConfig):
    name = "xinxi.assignments"
    verbose_name = "约稿与专题"

    def ready(self) -> None:
        from xinxi.assignments import notices_remarks, panels_remarks  # noqa: F401  (notices_remarks registers)
        from xinxi.items import panels as item_panels

        if panels_remarks.item_panel not in item_panels.ITEM:
            item_panels.ITEM.append(panels_remarks.item_panel)
            item_panels.ROW.append(panels_remarks.row_marks)
