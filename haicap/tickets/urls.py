from django.urls import path

from haicap.tickets import views

app_name = "tickets"
urlpatterns = [
    path("so-thu-tu/tinh-hinh/", views.crowding, name="crowding"),
    path("so-thu-tu/quay/", views.counters, name="counters"),
    path("so-thu-tu/quay/<int:counter_id>/", views.counter, name="counter"),
    path("so-thu-tu/quay/<int:counter_id>/<slug:action>/", views.counter_action,
         name="counter_action"),
    path("so-thu-tu/<str:code>/lay-so/", views.kiosk, name="kiosk"),
    path("so-thu-tu/<str:code>/ve/<int:ticket_id>/", views.slip, name="slip"),
    path("so-thu-tu/<str:code>/man-hinh/", views.display, name="display"),
]
