from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "haicap.core"
    label = "core"
    verbose_name = _("Core: accounts, roles and audit")

    def ready(self) -> None:
        from haicap.core import checks  # noqa: F401  (registers the deploy checks)
