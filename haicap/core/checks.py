from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def demo_secret_key_check(app_configs, **kwargs):
    if settings.SECRET_KEY == settings.DEMO_SECRET_KEY:
        return [
            Error(
                "HAICAP_SECRET_KEY is the public demo key.",
                hint="Set HAICAP_SECRET_KEY to a long random value before deploying.",
                id="haicap.E001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def demo_sms_secret_check(app_configs, **kwargs):
    if settings.HAICAP_FEEDBACK_SMS_SECRET == settings.DEMO_FEEDBACK_SMS_SECRET:
        return [
            Error(
                "HAICAP_FEEDBACK_SMS_SECRET is the public demo secret.",
                hint="Set HAICAP_FEEDBACK_SMS_SECRET to the secret agreed with the SMS gateway.",
                id="haicap.E002",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def sandbox_identity_check(app_configs, **kwargs):
    from django.core.checks import Warning

    if settings.HAICAP_VNEID_ADAPTER == "sandbox":
        return [
            Warning(
                "Citizens sign in through the VNeID sandbox.",
                hint="Set HAICAP_VNEID_ADAPTER once the real VNeID adapter is configured.",
                id="haicap.W001",
            )
        ]
    return []
