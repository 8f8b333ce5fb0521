from django.apps import AppConfig


class PublicationsConfig(AppConfig):
    name = "xinxi.publications"
    label = "publications"
    verbose_name = "信息刊物"

    def ready(self) -> None:
        from xinxi.archive import registry
        from xinxi.publications.archive_docs import CARRIER

        registry.register_carrier(CARRIER)
