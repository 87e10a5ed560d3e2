"""Settings of the documents app: read when used, from Django settings when set there (tests
override them so), else from the environment, else a safe default for the embedded demo.

HAICAP_SCANNER           "sandbox" (default) or "clamd"
HAICAP_SCANNER_TIMEOUT   seconds a scan may take before it counts as failed (default 10)
HAICAP_CLAMD_SOCKET      path of clamd's unix socket; when set, host and port are not used
HAICAP_CLAMD_HOST        clamd's TCP host (default 127.0.0.1)
HAICAP_CLAMD_PORT        clamd's TCP port (default 3310)
"""

import os
from datetime import timedelta

from django.conf import settings

# Where uploads live under MEDIA_ROOT: uploads/<first two hex digits>/<sha256><extension>.
UPLOAD_DIR = "uploads"
# An upload not attached to a dossier within this time is deleted by `haicap documents prune`.
UNATTACHED_MAX_AGE = timedelta(hours=24)
# A file under UPLOAD_DIR with no row is deleted only once this old: its row may be on its way.
ORPHAN_FILE_MIN_AGE = timedelta(hours=1)
# A scan that failed (scanner down, timeout) is retried by the worker this many times.
RESCAN_ATTEMPTS = 5


def _setting(name: str, default, cast=str):
    if hasattr(settings, name):
        return getattr(settings, name)
    value = os.environ.get(name, "").strip()
    return cast(value) if value else default


def scanner_name() -> str:
    return _setting("HAICAP_SCANNER", "sandbox")


def scanner_timeout() -> float:
    return _setting("HAICAP_SCANNER_TIMEOUT", 10.0, float)


def clamd_socket() -> str:
    return _setting("HAICAP_CLAMD_SOCKET", "")


def clamd_host() -> str:
    return _setting("HAICAP_CLAMD_HOST", "127.0.0.1")


def clamd_port() -> int:
    return _setting("HAICAP_CLAMD_PORT", 3310, int)
