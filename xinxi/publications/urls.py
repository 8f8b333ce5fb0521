from django.urls import path

from xinxi.publications import exports, views

urlpatterns = [
    path("", views.issue_list, name="publications"),
    path("periodicals/new/", views.periodical_edit, name="periodical_new"),
    path("periodicals/<int:pk>/edit/", views.periodical_edit, name="periodical_edit"),
    path("periodicals/<int:pk>/issues/new/", views.issue_new, name="issue_new"),
    path("issues/<int:pk>/", views.issue_detail, name="issue_detail"),
    path("issues/<int:pk>/edit/", views.issue_edit, name="issue_edit"),
    path("issues/<int:pk>/add/", views.issue_add, name="issue_add"),
    path("issues/<int:pk>/send/", views.issue_send, name="issue_send"),
    path("issues/<int:pk>/sign/", views.issue_sign, name="issue_sign"),
    path("issues/<int:pk>/return/", views.issue_return, name="issue_return"),
    path("issues/<int:pk>/correct/", views.issue_correct, name="issue_correct"),
    path("issues/<int:pk>/items/<int:item_pk>/", views.issue_item_save, name="issue_item_save"),
    path("issues/<int:pk>/items/<int:item_pk>/move/", views.issue_item_move, name="issue_item_move"),
    path("issues/<int:pk>/items/<int:item_pk>/remove/", views.issue_item_remove, name="issue_item_remove"),
]

# --- exports (DOCX / PDF): patterns added by the exports engineer (xinxi/publications/exports.py) ---
# Links on the issue page point to issues/<id>/export.docx and issues/<id>/export.pdf.
urlpatterns += [
    path("issues/<int:pk>/export.docx", exports.issue_export_docx, name="issue_export_docx"),
    path("issues/<int:pk>/export.pdf", exports.issue_export_pdf, name="issue_export_pdf"),
]
# --- end of exports ---
