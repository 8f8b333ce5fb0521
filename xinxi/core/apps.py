from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "xinxi.core"
    label = "core"
    verbose_name = "首页与公共页面"
