from django.core.checks import Error, Tags, Warning, register

from haicap.documents import conf
from haicap.documents.scanners import SCANNERS


@register(Tags.security, deploy=True)
def scanner_check(app_configs, **kwargs):
    """Uploads are scanned by a real anti-virus in production, never by the sandbox."""
    name = conf.scanner_name()
    if name not in SCANNERS:
        return [Error(f"HAICAP_SCANNER is {name!r}.", hint="Use 'clamd' (or 'sandbox' in a "
                      "demo).", id="haicap.documents.E001")]
    if name == "sandbox":
        return [Warning("Uploads are scanned by the sandbox scanner, which only knows the "
                        "EICAR test file.", hint="Run clamd and set HAICAP_SCANNER=clamd "
                        "(HAICAP_CLAMD_SOCKET or HAICAP_CLAMD_HOST/PORT).",
                        id="haicap.documents.W001")]
    return []
