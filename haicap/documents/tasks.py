"""Background work of the documents app (django-tasks, database backend; `haicap db_worker`)."""

from django_tasks import task


@task()
def rescan_upload(upload_id: str) -> str:
    """Scan again an upload whose first scan failed; it reschedules itself while it fails."""
    from haicap.documents.services import rescan

    return rescan(upload_id)
