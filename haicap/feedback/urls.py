from django.urls import path

from haicap.feedback import views

app_name = "feedback"
urlpatterns = [
    path("danh-gia/<str:token>/", views.rate_by_link, name="rate_by_link"),
    path("ho-so-cua-toi/<str:code>/danh-gia/", views.rate_mine, name="rate_mine"),
    path("ho-so-cua-toi/<str:code>/phan-anh/", views.complain_mine, name="complain_mine"),
    path("can-bo/phan-anh/", views.complaints, name="complaints"),
    path("can-bo/phan-anh/<int:complaint_id>/", views.complaint_action,
         name="complaint_action"),
]
