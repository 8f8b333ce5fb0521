from django.apps import AppConfig


class AssignmentsConfig(AppConfig):
    name = "xinxi.assignments"
    verbose_name = "约稿与专题"

    def ready(self) -> None:
        from xinxi.assignments import notices_lists  # noqa: F401  (registers the list notifications)
