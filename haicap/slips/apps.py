from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlipsConfig(AppConfig):
    name = "haicap.slips"
    label = "slips"
    verbose_name = _("Slips")
