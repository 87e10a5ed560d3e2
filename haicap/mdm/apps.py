from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MdmConfig(AppConfig):
    name = "haicap.mdm"
    label = "mdm"
    verbose_name = _("Master data")
