from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NationalPortalConfig(AppConfig):
    name = "haicap.national_portal"
    label = "national_portal"
    verbose_name = _("National portal feed")
