"""A reporting unit's item pages, mounted at /items/."""

from django.urls import path

from xinxi.items import views

urlpatterns = [
    path("", views.my_items, name="my_items"),
    path("new/", views.item_new, name="item_new"),
    path("autosave/", views.item_autosave, name="item_autosave_new"),
    path("hints/", views.item_hints, name="item_hints"),
    path("signoff/", views.signoff_queue, name="signoff_queue"),
    path("<int:pk>/", views.item_detail, name="item_detail"),
    path("<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("<int:pk>/autosave/", views.item_autosave, name="item_autosave"),
    path("<int:pk>/discard/", views.item_discard, name="item_discard"),
    path("<int:pk>/signoff/", views.signoff_act, name="signoff_act"),
    path("<int:pk>/entries/<int:entry_pk>/diff/", views.entry_diff, name="item_entry_diff"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download, name="attachment_download"),
]
