from django.urls import path

from haicap.dossiers import views

app_name = "dossiers"
urlpatterns = [
    path("tra-cuu/", views.tracking, name="tracking"),
]
