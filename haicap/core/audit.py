"""The append-only audit log: every write records who, what, when and from where."""

from django.db import models

from haicap.core.context import current_actor
from haicap.core.models import AuditEntry


def record(action: str, obj: models.Model | None = None, *, summary: str = "",
           changes: dict | None = None, object_type: str = "", object_id: str = "") -> AuditEntry:
    """Append one audit entry for a write made by the current actor."""
    actor = current_actor()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    return AuditEntry.objects.create(
        actor_id=actor.actor_id,
        actor=actor.actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        summary=summary[:255],
        changes=changes or {},
        ip_address=actor.ip_address,
        user_agent=actor.user_agent,
        request_id=actor.request_id,
    )


def diff(before: dict, after: dict) -> dict:
    """The fields whose value changed, as {field: [old, new]}."""
    return {
        key: [before.get(key), value]
        for key, value in after.items()
        if before.get(key) != value
    }


def record_sign_in(sender, request, user, **kwargs) -> None:
    from haicap.core.context import actor_for_user, reset_actor, set_actor

    token = set_actor(actor_for_user(user))
    try:
        record("auth.sign_in", user, summary=user.get_username())
    finally:
        reset_actor(token)


def record_sign_in_failure(sender, credentials, request=None, **kwargs) -> None:
    record("auth.sign_in_failed", object_type="core.user",
           summary=str(credentials.get("username", ""))[:150])
