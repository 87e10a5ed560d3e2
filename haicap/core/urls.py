from django.contrib.auth import views as auth_views
from django.urls import path

from haicap.core import views

app_name = "core"
urlpatterns = [
    path("dang-nhap/", auth_views.LoginView.as_view(template_name="core/login.html"),
         name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("dang-nhap/vneid/", views.vneid_start, name="vneid_start"),
    path("dang-nhap/vneid/callback/", views.vneid_callback, name="vneid_callback"),
    path("sandbox/vneid/authorize/", views.vneid_sandbox_authorize,
         name="vneid_sandbox_authorize"),
    path("can-bo/cu-dan/", views.resident_list, name="residents"),
    path("can-bo/cu-dan/<int:pk>/", views.resident_detail, name="resident"),
]
