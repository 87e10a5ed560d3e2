from django.urls import re_path

from haicap.slips import views

app_name = "slips"
urlpatterns = [
    re_path(r"^so-theo-doi\.(?P<fmt>pdf|html)$", views.register, name="register"),
    re_path(r"^(?P<code>[^/]+)/(?P<form>0[12346])\.(?P<fmt>pdf|html)$", views.dossier_slip,
            name="slip"),
]
