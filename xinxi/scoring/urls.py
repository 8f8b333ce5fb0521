"""Scoring pages under /scoring/: each area keeps its own URL module."""

from xinxi.scoring import urls_appraisal, urls_circulars, urls_ledger, urls_rankings, urls_rules

app_name = "scoring"
urlpatterns = [
    *urls_rankings.urlpatterns,
    *urls_rules.urlpatterns,
    *urls_ledger.urlpatterns,
    *urls_circulars.urlpatterns,
    *urls_appraisal.urlpatterns,
]
