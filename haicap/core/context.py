"""Who is acting, from where: set per request (or per command) and read by the audit log."""

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class ActorContext:
    actor_id: int | None
    actor: str
    ip_address: str | None = None
    user_agent: str = ""
    request_id: str = ""


SYSTEM = ActorContext(actor_id=None, actor="system")

_current: contextvars.ContextVar[ActorContext] = contextvars.ContextVar("actor", default=SYSTEM)


def current_actor() -> ActorContext:
    return _current.get()


def set_actor(context: ActorContext) -> contextvars.Token:
    return _current.set(context)


def reset_actor(token: contextvars.Token) -> None:
    _current.reset(token)


def actor_for_user(user, base: ActorContext | None = None) -> ActorContext:
    base = base or current_actor()
    return ActorContext(
        actor_id=user.pk,
        actor=user.get_username(),
        ip_address=base.ip_address,
        user_agent=base.user_agent,
        request_id=base.request_id,
    )
