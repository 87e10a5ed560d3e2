from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "haicap.dossiers"
    label = "dossiers"
    verbose_name = _("Dossiers")

    def ready(self):
        from haicap.core.services import citizen_registered
        from haicap.dossiers.services import link_earlier_dossiers

        citizen_registered.connect(
            lambda sender, citizen, **kwargs: link_earlier_dossiers(citizen),
            dispatch_uid="dossiers.link_earlier_dossiers", weak=False)
