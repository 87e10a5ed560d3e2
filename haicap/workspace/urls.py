from django.urls import path

from haicap.workspace import views

app_name = "workspace"
urlpatterns = [
    path("ho-so/", views.queue, name="queue"),
    path("ho-so/nhan-nhieu/", views.bulk_claim, name="bulk_claim"),
    path("ho-so/cho-tiep-nhan/", views.awaiting_reception, name="awaiting_reception"),
    path("ho-so/<str:code>/", views.dossier, name="dossier"),
    path("ho-so/<str:code>/hanh-dong/", views.dossier_action, name="action"),
    path("tiep-nhan/", views.reception, name="reception"),
]
