from django.apps import AppConfig


class ItemsConfig(AppConfig):
    name = "xinxi.items"
    label = "items"
    verbose_name = "信息报送与采编"

    def ready(self) -> None:
        from xinxi.archive import registry
        from xinxi.items.archive_docs import SOURCE
        from xinxi.items.warmup import similarity_signatures
        from xinxi.lib import warmup

        registry.register_source(SOURCE)
        warmup.register("similarity", similarity_signatures)
