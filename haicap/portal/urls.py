from django.urls import path, re_path

from haicap.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("ho-so-cua-toi/", views.my_dossiers, name="my_dossiers"),
    path("ho-so-cua-toi/<str:code>/", views.my_dossier, name="my_dossier"),
    path("ho-so-cua-toi/<str:code>/da-nop/", views.filed, name="filed"),
    path("ho-so-cua-toi/<str:code>/bo-sung/", views.supplement, name="supplement"),
    path("ho-so-cua-toi/<str:code>/rut/", views.withdraw, name="withdraw"),
    re_path(r"^ho-so-cua-toi/(?P<code>[^/]+)/phieu/(?P<form>0[1-4])\.(?P<fmt>pdf|html)$",
            views.my_slip, name="my_slip"),
]
