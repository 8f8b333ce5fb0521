from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "xinxi.intake"
    verbose_name = "邮件收稿"

    def ready(self) -> None:
        from xinxi.intake import panels
        from xinxi.items import panels as item_panels

        if panels.inbox_panel not in item_panels.INBOX:
            item_panels.INBOX.append(panels.inbox_panel)
