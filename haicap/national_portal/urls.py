from django.urls import path

from haicap.national_portal import views

app_name = "national_portal"
urlpatterns = [
    path("cong-quoc-gia/doi-soat/", views.reconciliation, name="reconciliation"),
    path("cong-quoc-gia/doi-soat/gui-lai/", views.resend, name="resend"),
    path("cong-quoc-gia/bao-cao-dong-bo/", views.sync_report, name="sync_report"),
]
