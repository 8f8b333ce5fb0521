from django.apps import AppConfig


class ItemsConfig(AppConfig):
    name = "xinxi.items"
    label = "items"
    verbose_name = "信息报送与采编"
