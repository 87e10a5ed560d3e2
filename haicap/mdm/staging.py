"""An import staged between its two steps (the upload and the mapping): the uploaded file under
MEDIA_ROOT/mdm/staged/<user>/, swept after a day when abandoned; a database's connection string
in the session (never on disk, never in a page). A steward has a few imports under way at most;
the oldest are forgotten."""

import secrets
import time
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from haicap.core.errors import NotFound
from haicap.mdm.sources import PREVIEW_ROWS, SourceTable, read_database, read_file

SESSION_KEY = "mdm_staged"
ABANDONED_HOURS = 24  # a staged upload older than this is an abandoned import
KEPT = 4  # imports under way per steward


def _staging_root() -> Path:
    return Path(settings.MEDIA_ROOT) / "mdm" / "staged"


def _staging_folder(user) -> Path:
    return _staging_root() / str(user.pk)


def sweep_abandoned_uploads() -> int:
    """Delete staged files older than ABANDONED_HOURS: imports left half-way by a steward whose
    session ended (its own list, which deletes the older ones, never comes back). Returns how
    many."""
    cutoff = time.time() - ABANDONED_HOURS * 3600
    removed = 0
    for path in _staging_root().glob("*/*"):
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def stage_file(request, source, upload) -> str:
    sweep_abandoned_uploads()
    token = secrets.token_urlsafe(12)
    name = Path(upload.name).name[:200]
    # An unreadable file is refused now, not on the next page; its size is kept for the preview.
    table = read_file(upload.read(), name)
    folder = _staging_folder(request.user)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{token}{Path(name).suffix.lower()}"
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    _remember(request, token, {"kind": "file", "source": source.code, "filename": name,
                               "path": str(path), "rows": len(table.rows) + len(table.broken)})
    return token


def stage_database(request, source, url: str, table: str) -> str:
    read = read_database(url, table)  # a bad connection or table is refused now
    token = secrets.token_urlsafe(12)
    _remember(request, token, {"kind": "database", "source": source.code, "url": url,
                               "table": table, "rows": len(read.rows)})
    return token


def _remember(request, token: str, staged: dict) -> None:
    kept = dict(request.session.get(SESSION_KEY, {}))
    for old in list(kept)[:-KEPT]:
        _delete_file(kept.pop(old))
    kept[token] = staged
    request.session[SESSION_KEY] = kept


def staged(request, source, token: str) -> dict:
    staged = request.session.get(SESSION_KEY, {}).get(token)
    if staged is None or staged["source"] != source.code:
        raise NotFound(_("This import is no longer under way; start it again."),
                       code="unknown_import")
    return {**staged, "token": token}


def staged_table(staged: dict) -> SourceTable:
    if staged["kind"] == "file":
        path = Path(staged["path"])
        if not path.exists():
            raise NotFound(_("This import is no longer under way; start it again."),
                           code="unknown_import")
        return read_file(path.read_bytes(), staged["filename"], limit=PREVIEW_ROWS)
    return read_database(staged["url"], staged["table"], limit=PREVIEW_ROWS)


def unstage(request, staged: dict) -> None:
    kept = dict(request.session.get(SESSION_KEY, {}))
    kept.pop(staged["token"], None)
    request.session[SESSION_KEY] = kept
    _delete_file(staged)


def _delete_file(staged: dict) -> None:
    if staged.get("kind") == "file":
        Path(staged["path"]).unlink(missing_ok=True)
