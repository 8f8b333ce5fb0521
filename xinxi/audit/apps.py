from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "xinxi.audit"
    label = "audit"
    verbose_name = "审计日志"
