from django.urls import path

from xinxi.network import point_views, roster_views, views

urlpatterns = [
    path("", views.tree, name="network_tree"),
    path("units/<int:pk>/", views.unit_card, name="unit_card"),
    path("units/<int:pk>/children/", views.children, name="unit_children"),
    path("units/new/", views.unit_new, name="unit_new"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<int:pk>/move/", views.unit_move, name="unit_move"),
    path("units/<int:pk>/deactivate/", views.unit_deactivate, name="unit_deactivate"),
    path("units/<int:pk>/reactivate/", views.unit_reactivate, name="unit_reactivate"),
    path("units/<int:pk>/staff/new/", views.staff_new, name="staff_new"),
    path("staff/<int:pk>/edit/", views.staff_edit, name="staff_edit"),
    path("staff/<int:pk>/remove/", views.staff_remove, name="staff_remove"),
    path("points/", point_views.point_list, name="point_list"),
    path("points/<int:pk>/revoke/", point_views.point_revoke, name="point_revoke"),
    path("desks/<int:pk>/settings/", point_views.desk_settings, name="desk_settings"),
    path("calendar/", point_views.calendar_view, name="calendar"),
    path("import/", roster_views.roster_import, name="roster_import"),
    path("import/template.xlsx", roster_views.roster_template, name="roster_template"),
    path("export/roster.xlsx", roster_views.roster_export, name="roster_export"),
]
