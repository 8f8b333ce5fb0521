"""Urgent-information pages under /urgent/: each area keeps its own URL module."""

from xinxi.urgent import urls_board, urls_findings, urls_incidents, urls_settings, urls_stats

app_name = "urgent"
urlpatterns = [
    *urls_board.urlpatterns,
    *urls_incidents.urlpatterns,
    *urls_settings.urlpatterns,
    *urls_findings.urlpatterns,
    *urls_stats.urlpatterns,
]
