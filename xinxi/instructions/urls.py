from django.urls import path

from xinxi.instructions import views

urlpatterns = [
    path("", views.task_list, name="supervision"),
    path("record/entry/<int:entry_pk>/", views.record_on_entry, name="instruction_record_entry"),
    path("record/issue/<int:issue_pk>/", views.record_on_issue, name="instruction_record_issue"),
    path("instructions/<int:pk>/", views.instruction_detail, name="instruction_detail"),
    path("instructions/<int:pk>/tasks/", views.tasks_create, name="instruction_tasks_create"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/report/", views.task_report, name="task_report"),
    path("tasks/<int:pk>/accept/", views.task_accept, name="task_accept"),
    path("tasks/<int:pk>/return/", views.task_return, name="task_return"),
    path("tasks/<int:pk>/close/", views.task_close, name="task_close"),
    path("tasks/<int:pk>/extend/", views.task_extend, name="task_extend"),
    path("tasks/<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download, name="task_attachment"),
]
