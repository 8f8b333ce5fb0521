from django.apps import AppConfig


class InstructionsConfig(AppConfig):
    name = "xinxi.instructions"
    verbose_name = "领导批示与督办"
