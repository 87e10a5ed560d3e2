from django.urls import path

from haicap.units import views

app_name = "units"
urlpatterns = [
    path("dia-chi/", views.address_page, name="address"),
]
