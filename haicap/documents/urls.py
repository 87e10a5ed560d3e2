from django.urls import path

from haicap.documents import views

app_name = "documents"
urlpatterns = [
    path("can-bo/tai-lieu/<uuid:file_id>/", views.viewer, name="officer_viewer"),
    path("can-bo/tai-lieu/<uuid:file_id>/tep", views.document_file, name="officer_file"),
    path("ho-so-cua-toi/tai-lieu/<uuid:file_id>/", views.viewer, name="citizen_viewer"),
    path("ho-so-cua-toi/tai-lieu/<uuid:file_id>/tep", views.document_file, name="citizen_file"),
]
