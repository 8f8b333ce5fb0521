from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "xinxi.intake"
    verbose_name = "邮件收稿"
