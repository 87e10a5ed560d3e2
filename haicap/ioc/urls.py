from django.urls import path, re_path

from haicap.ioc import views

app_name = "ioc"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("phan-tich/", views.breakdown, name="breakdown"),
    path("thu-tuc/", views.pareto, name="pareto"),
    path("xep-hang/", views.ranking, name="ranking"),
    path("canh-bao/", views.alerts, name="alerts"),
    path("ho-so/", views.dossiers, name="dossiers"),
    re_path(r"^xuat/(?P<table>[a-z]+)\.(?P<fmt>csv|xlsx)$", views.export, name="export"),
    path("xuat/tac-vu/<uuid:job_id>/", views.export_status, name="export_status"),
    path("xuat/tac-vu/<uuid:job_id>/tai-ve/", views.export_download, name="export_download"),
]
