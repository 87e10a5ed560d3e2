"""A match run as a django-tasks job (database backend, `haicap db_worker` runs it): a steward
starts it from the runs page and it runs in the background — a province's run takes from
seconds to a couple of minutes, longer than a request may.

One run of a province at a time: `start_run` refuses while one is waiting or running.
"""

from django.db import transaction
from django.utils.translation import gettext as _
from django_tasks import task as background_task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from haicap.core import audit
from haicap.core.errors import DomainError, InvalidInput, PermissionDenied
from haicap.mdm.models import MatchRun
from haicap.mdm.review import acting_as
from haicap.mdm.services import require_steward
from haicap.units.models import Province


@background_task()
def match_run(province_id: str, user_id: int | None = None, retrain: bool = False) -> dict:
    from django.contrib.auth import get_user_model

    from haicap.mdm import pipeline

    province = Province.objects.get(pk=province_id)
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    result = pipeline.run(province, user=user, retrain=retrain)
    return {"run": result.pk, "figures": result.figures}


class RunAlreadyStarted(DomainError):
    status = 409
    code = "run_in_progress"


def waiting_or_running(province_id: str) -> bool:
    """Whether a run of the province is queued or under way."""
    if MatchRun.objects.filter(province_id=province_id, status=MatchRun.Status.RUNNING).exists():
        return True
    jobs = DBTaskResult.objects.filter(task_path=match_run.module_path,
                                       status__in=(TaskResultStatus.READY,
                                                   TaskResultStatus.RUNNING))
    return any((job.args_kwargs or {}).get("args", [None])[:1] == [province_id] for job in jobs)


def start_run(province_id: str, user, *, retrain: bool = False):
    """Enqueue a run of the province for the steward; refused while one is waiting or
    running. Returns the job's result."""
    require_steward(user)
    if not user.is_administrator and (user.office is None
                                      or user.office.province_id != province_id):
        raise PermissionDenied(_("You can start runs of your own province only."))
    if not Province.objects.filter(pk=province_id).exists():
        raise InvalidInput(_("There is no such province."), code="unknown_province")
    with transaction.atomic(), acting_as(user):
        if waiting_or_running(province_id):
            raise RunAlreadyStarted(_("A run of this province is already waiting or running."))
        job = match_run.enqueue(province_id, user.pk, retrain)
        audit.record("mdm.start_run", object_type="mdm.matchrun", object_id=str(job.id)[:64],
                     summary=_("Match run of province %(province)s") % {"province": province_id},
                     changes={"province": province_id, "retrain": retrain})
    return job
