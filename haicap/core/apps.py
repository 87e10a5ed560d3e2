from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "haicap.core"
    label = "core"
    verbose_name = _("Accounts, roles and audit")

    def ready(self) -> None:
        from django.contrib.auth import signals

        from haicap.core import (
            checks,  # noqa: F401  (registers the deploy checks)
            reference,
        )
        from haicap.core.audit import record_sign_in, record_sign_in_failure
        from haicap.core.models import ApiPartner, ApiToken, Office

        reference.forget_on_change(Office, ApiPartner, ApiToken)

        # Sign-ins happen inside django.contrib.auth, so the audit hears of them by signal.
        signals.user_logged_in.connect(record_sign_in, dispatch_uid="haicap.audit.login")
        signals.user_login_failed.connect(record_sign_in_failure,
                                          dispatch_uid="haicap.audit.login_failed")
