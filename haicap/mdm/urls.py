from django.urls import path

from haicap.mdm import views

app_name = "mdm"
urlpatterns = [
    path("", views.source_list, name="sources"),
    path("nguon/<slug:code>/", views.source_detail, name="source"),
    path("nguon/<slug:code>/nhap/", views.import_start, name="import_start"),
    path("nguon/<slug:code>/nhap/<str:token>/", views.import_mapping, name="import_mapping"),
    path("lo/<int:pk>/", views.batch_detail, name="batch"),
    path("ban-ghi/", views.golden_list, name="golden_list"),
    path("ban-ghi/<str:golden_id>/", views.golden_detail, name="golden"),
    path("ban-ghi/<str:golden_id>/gia-tri/", views.golden_override, name="golden_override"),
    path("ban-ghi/<str:golden_id>/bo-gia-tri/<str:field>/", views.golden_clear,
         name="golden_clear"),
    path("ban-ghi/<str:golden_id>/tach/", views.golden_split, name="golden_split"),
    path("ra-soat/", views.review_queue, name="queue"),
    path("ra-soat/hang-loat/", views.review_bulk, name="bulk"),
    path("ra-soat/<int:pk>/", views.review_pair, name="pair"),
    path("nhat-ky/", views.audit_log, name="audit"),
    path("lan-chay/", views.run_list, name="runs"),
    path("chat-luong/", views.quality, name="quality"),
]
