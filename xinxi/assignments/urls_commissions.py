from django.urls import URLPattern, path

from xinxi.assignments import views_commissions as views

urlpatterns: list[URLPattern] = [
    path("commissions/", views.commission_list, name="commission_list"),
    path("commissions/new/", views.commission_new, name="commission_new"),
    path("commissions/<int:pk>/", views.commission_detail, name="commission_detail"),
    path("commissions/<int:pk>/decline/", views.commission_decline, name="commission_decline"),
]
