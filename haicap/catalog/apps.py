from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "haicap.catalog"
    label = "catalog"
    verbose_name = _("Procedure catalogue")

    def ready(self) -> None:
        from haicap.catalog.models import Procedure, ProcedureVersion
        from haicap.core import reference

        reference.forget_on_change(Procedure, ProcedureVersion)
