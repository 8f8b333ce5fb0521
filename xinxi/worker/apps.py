from django.apps import AppConfig


class WorkerConfig(AppConfig):
    name = "xinxi.worker"
    verbose_name = "后台任务"
