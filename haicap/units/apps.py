from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    name = "haicap.units"
    label = "units"
    verbose_name = _("Administrative units")

    def ready(self) -> None:
        from haicap.core import reference
        from haicap.units.models import Commune

        reference.forget_on_change(Commune)
