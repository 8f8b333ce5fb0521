from django.apps import AppConfig


class AssignmentsConfig(AppConfig):
    name = "xinxi.assignments"
    verbose_name = "约稿与专题"
