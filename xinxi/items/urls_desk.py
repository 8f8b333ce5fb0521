from django.urls import path

from xinxi.items import desk_views

urlpatterns = [
    path("", desk_views.inbox, name="desk_inbox"),
    path("combine/", desk_views.combine, name="desk_combine"),
    path("entries/<int:pk>/", desk_views.entry_detail, name="desk_entry"),
    path("entries/<int:pk>/edit/", desk_views.entry_edit, name="desk_entry_edit"),
    path(
        "entries/<int:pk>/attachments/<int:attachment_pk>/",
        desk_views.attachment_download,
        name="desk_attachment",
    ),
    path("entries/<int:pk>/<slug:action>/", desk_views.entry_action, name="desk_entry_action"),
]
