from django.apps import AppConfig


class PublicationsConfig(AppConfig):
    name = "xinxi.publications"
    label = "publications"
    verbose_name = "信息刊物"
