"""报送要点 and 调研 pages."""

from django.urls import path

from xinxi.assignments import views_priorities as views

urlpatterns = [
    path("priorities/", views.priority_list, name="priority_list"),
    path("priorities/new/", views.priority_create, name="priority_create"),
    path("priorities/<int:pk>/", views.priority_detail, name="priority_detail"),
    path("priorities/<int:pk>/publish/", views.priority_publish, name="priority_publish"),
    path("priorities/<int:pk>/notice.docx", views.priority_docx, name="priority_docx"),
    path("priorities/<int:pk>/coverage/", views.priority_coverage, name="priority_coverage"),
    path("research/", views.research_home, name="research_home"),
]
