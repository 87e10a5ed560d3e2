from django.contrib import admin
from django.urls import include, path

from haicap.api import api

admin.site.site_header = "haicap"
admin.site.site_title = "haicap"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("haicap.core.urls")),
    path("", include("haicap.units.urls")),
    path("", include("haicap.catalog.urls")),
    path("can-bo/phieu/", include("haicap.slips.urls")),
    path("can-bo/", include("haicap.workspace.urls")),
    path("", include("haicap.portal.urls")),
    path("", include("haicap.dossiers.urls")),
    path("", include("haicap.documents.urls")),
    path("", include("haicap.notifications.urls")),
    path("", include("haicap.feedback.urls")),
    path("", include("haicap.tickets.urls")),
    path("dieu-hanh/", include("haicap.ioc.urls")),
    path("du-lieu-chu/", include("haicap.mdm.urls")),
    path("", include("haicap.national_portal.urls")),
    path("", include("haicap.opendata.urls")),
]
