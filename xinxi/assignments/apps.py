from django.apps import AppConfig


class AssignmentsConfig(AppConfig):
    name = "xinxi.assignments"
    verbose_name = "约稿与专题"

    def ready(self) -> None:
        from xinxi.assignments import panels_priorities
        from xinxi.items import panels as item_panels

        if panels_priorities.FORM_PART not in item_panels.FORM:
            item_panels.FORM.append(panels_priorities.FORM_PART)
            item_panels.ITEM.append(panels_priorities.item_panel)
