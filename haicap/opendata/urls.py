from django.urls import path

from haicap.opendata import views

app_name = "opendata"
urlpatterns = [
    path("du-lieu-mo/", views.catalogue, name="catalogue"),
    path("du-lieu-mo/<slug:slug>/", views.dataset, name="dataset"),
    path("du-lieu-mo/tai-ve/<slug:slug>.<slug:fmt>", views.download, name="download"),
    path("data.json", views.data_json, name="data_json"),
]
