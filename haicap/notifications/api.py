"""The notifications API (django-ninja router, mounted under /api/v1): a signed-in person's own
notifications, newest first, and read marks. Partners get events by webhook, not here."""

from datetime import datetime

from ninja import Field, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import django_auth

from haicap.core.errors import ErrorOut
from haicap.notifications import selectors, services
from haicap.notifications.models import DeliveryStatus, NotificationChannel, NotificationKind

router = Router(tags=["notifications"], auth=django_auth)


class NotificationOut(Schema):
    id: int
    kind: NotificationKind
    channel: NotificationChannel
    dossier_code: str
    text: str = Field(description="The Vietnamese text as sent")
    status: DeliveryStatus
    sandbox: bool = Field(description="Sent through a sandbox gateway, not a real one")
    created_at: datetime
    sent_at: datetime | None
    read_at: datetime | None


class MarkReadIn(Schema):
    ids: list[int] | None = Field(None, description="Which; all unread ones when left out")


class MarkedOut(Schema):
    marked: int


@router.get("/notifications", response={200: list[NotificationOut], 401: ErrorOut},
            summary="My notifications, newest first")
@paginate(LimitOffsetPagination)
def list_notifications(request):
    return selectors.notifications_of(request.user)


@router.post("/notifications/read", response={200: MarkedOut, 401: ErrorOut},
             summary="Mark my in-app notifications read")
def mark_read(request, payload: MarkReadIn):
    return {"marked": services.mark_read(request.user, payload.ids)}
