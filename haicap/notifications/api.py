"""The notifications API (django-ninja router, mounted under /api/v1): a signed-in person's own
notifications, newest first, and read marks; a partner system's webhooks (its bearer token)."""

from datetime import datetime

from ninja import Field, Router, Schema
from ninja import Status as HttpStatus
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import django_auth

from haicap.core.errors import ErrorOut
from haicap.core.tokens import BearerToken
from haicap.notifications import selectors, services, webhooks
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


# -- partner webhooks ------------------------------------------------------------------------------

partner_auth = BearerToken(allow_session=False)


class WebhookIn(Schema):
    url: str = Field(max_length=500, description="An http(s) URL that accepts POST")
    types: list[str] = Field([], description="Dossier event types wanted, e.g. "
                             "vn.haicap.dossier.receive; empty: all")


class WebhookOut(Schema):
    id: int
    url: str
    types: list[str]
    created_at: datetime


class WebhookCreatedOut(WebhookOut):
    secret: str = Field(description="Signs each event: X-Haicap-Signature: t=<unix "
                        "seconds>,v1=<hex HMAC-SHA256(secret, \"<t>.\" + body)>. Keep it.")


@router.get("/webhooks", auth=partner_auth, response={200: list[WebhookOut], 401: ErrorOut},
            summary="My webhooks (partner systems)")
def list_webhooks(request):
    return list(webhooks.subscriptions_of(request.auth.partner))


@router.post("/webhooks", auth=partner_auth,
             response={201: WebhookCreatedOut, 401: ErrorOut, 422: ErrorOut},
             summary="Receive the events of my dossiers as signed CloudEvents")
def create_webhook(request, payload: WebhookIn):
    """Each event of a dossier this partner submitted is POSTed as a CloudEvents 1.0 JSON
    (`application/cloudevents+json`), retried with backoff on 408, 429, 5xx and timeouts."""
    subscription = webhooks.subscribe(partner=request.auth.partner, url=payload.url,
                                      types=payload.types)
    return HttpStatus(201, subscription)


@router.delete("/webhooks/{webhook_id}", auth=partner_auth,
               response={204: None, 401: ErrorOut, 404: ErrorOut},
               summary="Stop a webhook")
def delete_webhook(request, webhook_id: int):
    webhooks.unsubscribe(partner=request.auth.partner, subscription_id=webhook_id)
    return HttpStatus(204, None)
