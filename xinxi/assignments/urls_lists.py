"""舆论监督与群众意见建议 lists and 社情民意 reports under /assignments/."""

from django.urls import URLPattern, path

from xinxi.assignments import views_lists as views

urlpatterns: list[URLPattern] = [
    path("lists/", views.list_index, name="lists"),
    path("lists/new/", views.list_new, name="list_new"),
    path("lists/template.xlsx", views.list_template, name="list_template"),
    path("lists/tasks/", views.task_list, name="list_tasks"),
    path("lists/desk/", views.desk_overview, name="list_overview"),
    path("lists/<int:pk>/", views.list_detail, name="list_detail"),
    path("lists/<int:pk>/rows/", views.list_add_row, name="list_add_row"),
    path("lists/<int:pk>/upload/", views.list_upload, name="list_upload"),
    path("lists/<int:pk>/send/", views.list_send, name="list_send"),
    path("lists/rows/<int:pk>/", views.row_detail, name="list_row"),
    path("lists/rows/<int:pk>/delete/", views.row_delete, name="list_row_delete"),
    path("lists/rows/<int:pk>/route/", views.row_route, name="list_row_route"),
    path("lists/rows/<int:pk>/reply/", views.row_reply, name="list_row_reply"),
    path("sentiment/", views.sentiment, name="sentiment"),
]
