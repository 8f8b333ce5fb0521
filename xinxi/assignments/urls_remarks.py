"""Remark and share pages (点评、共享), spliced into ``assignments/urls.py``."""

from django.urls import path

from xinxi.assignments import views_remarks, views_sharing

urlpatterns = [
    path("remarks/entry/<int:pk>/", views_remarks.remark_entry, name="remark_entry"),
    path("remarks/counts/", views_remarks.remark_counts, name="remark_counts"),
    path("remarks/counts.xlsx", views_remarks.remark_counts_xlsx, name="remark_counts_xlsx"),
    path("shares/", views_sharing.share_list, name="share_list"),
    path("shares/new/<int:entry>/", views_sharing.share_new, name="share_new"),
    path("shares/<int:pk>/", views_sharing.share_detail, name="share_detail"),
]
