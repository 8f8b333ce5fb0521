from django.apps import AppConfig


class AssignmentsConfig(AppConfig):
    name = "xinxi.assignments"
    verbose_name = "约稿与专题"

    def ready(self) -> None:
        # notices_* register their notification kinds on import
        from xinxi.assignments import (  # noqa: F401
            notices_lists,
            notices_priorities,
            notices_remarks,
            panels_commissions,
            panels_lists,
            panels_priorities,
            panels_remarks,
            permissions_commissions,
            services_commissions,
        )
        from xinxi.items import hooks as item_hooks
        from xinxi.items import panels as item_panels
        from xinxi.scoring import events as scoring_events

        if panels_commissions.item_panel not in item_panels.ITEM:
            item_hooks.ITEM_SUBMITTED.connect(services_commissions.on_item_submitted)
            item_panels.FORM.append(panels_commissions.FORM_PART)
            item_panels.ITEM.append(panels_commissions.item_panel)
            item_panels.ENTRY_BADGES.append(panels_commissions.entry_badges)
            scoring_events.COMMISSIONED.append(permissions_commissions.is_commissioned)
        if panels_remarks.item_panel not in item_panels.ITEM:
            item_panels.ITEM.append(panels_remarks.item_panel)
            item_panels.ROW.append(panels_remarks.row_marks)
        if panels_lists.sentiment_panel not in item_panels.ITEM:
            item_panels.ITEM.append(panels_lists.sentiment_panel)
        if panels_priorities.FORM_PART not in item_panels.FORM:
            item_panels.FORM.append(panels_priorities.FORM_PART)
            item_panels.ITEM.append(panels_priorities.item_panel)
