"""Partner webhooks: the events of a partner's own dossiers, as CloudEvents 1.0 in structured
JSON mode, signed with HMAC-SHA256.

A partner's own dossiers are those it submitted through the API (`Dossier.idempotency_client` is
its code, as for `GET /api/v1/dossiers`). Each POST carries

    Content-Type: application/cloudevents+json; charset=utf-8
    X-Haicap-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>

The receiver recomputes the HMAC over the raw body and refuses old timestamps (replays). A 2xx
answer is delivered; 408, 429, 5xx, a timeout or no connection is retried with backoff; any other
answer (a 4xx, a redirect) is rejected and not retried.
"""

import hashlib
import hmac
import json
import secrets
import urllib.error
import urllib.request

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haicap.core import audit
from haicap.core.errors import InvalidInput, NotFound
from haicap.core.models import ApiPartner
from haicap.dossiers.models import Dossier, OutboxMessage
from haicap.notifications.gateways import Rejected, Unavailable
from haicap.notifications.models import DeliveryStatus, WebhookDelivery, WebhookSubscription

DOSSIER_TYPE = "vn.haicap.dossier."
SIGNATURE_HEADER = "X-Haicap-Signature"
TIMEOUT_SECONDS = 10
RETRIED_STATUSES = {408, 429}


def subscribe(*, partner: ApiPartner, url: str, types: list[str] | None = None,
              ) -> WebhookSubscription:
    """A new endpoint for the partner, with a fresh signing secret."""
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError as exc:
        raise InvalidInput(_("A webhook endpoint must be an http(s) URL."),
                           code="invalid_webhook_url") from exc
    unknown = [name for name in types or [] if not name.startswith(DOSSIER_TYPE)]
    if unknown:
        raise InvalidInput(_("Webhooks carry dossier events only (types starting with "
                             "vn.haicap.dossier.)."), code="invalid_event_type",
                           details={"types": unknown})
    with transaction.atomic():
        subscription = WebhookSubscription.objects.create(
            partner=partner, url=url, types=list(types or []), secret=new_secret())
        audit.record("webhook.subscribe", subscription, summary=f"{partner.code} {url}")
    return subscription


def unsubscribe(*, partner: ApiPartner, subscription_id: int) -> None:
    """The partner's endpoint receives nothing more (the row stays, with its deliveries)."""
    with transaction.atomic():
        subscription = (WebhookSubscription.objects.select_for_update()
                        .filter(partner=partner, pk=subscription_id, is_active=True).first())
        if subscription is None:
            raise NotFound(_("No such webhook."))
        subscription.is_active = False
        subscription.save(update_fields=["is_active"])
        audit.record("webhook.unsubscribe", subscription,
                     summary=f"{partner.code} {subscription.url}")


def subscriptions_of(partner: ApiPartner):
    return WebhookSubscription.objects.filter(partner=partner, is_active=True).order_by("id")


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def cloudevent(message: OutboxMessage) -> dict:
    return {"specversion": "1.0", "id": str(message.pk), "source": message.source,
            "type": message.type, "subject": message.subject,
            "time": message.time.isoformat(), "datacontenttype": "application/json",
            "data": message.data}


def deliveries_for(message: OutboxMessage, now) -> list[WebhookDelivery]:
    """The unsaved deliveries of one outbox message: to the subscriptions of the partner that
    submitted the dossier (none for internal events such as task timers)."""
    if not message.type.startswith(DOSSIER_TYPE):
        return []
    client = (Dossier.objects.filter(code=message.subject)
              .values_list("idempotency_client", flat=True).first())
    if not client:
        return []
    subscriptions = WebhookSubscription.objects.filter(
        partner__code=client, partner__is_active=True, is_active=True)
    event = cloudevent(message)
    return [WebhookDelivery(subscription=subscription, message_id=message.pk, event=event,
                            status=DeliveryStatus.QUEUED, next_attempt_at=now, created_at=now)
            for subscription in subscriptions if subscription.wants(message.type)]


def signature(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def post(delivery: WebhookDelivery) -> dict:
    """POST the event; the fields to store on success, or Rejected / Unavailable."""
    subscription = delivery.subscription
    body = json.dumps(delivery.event, ensure_ascii=False, separators=(",", ":")).encode()
    timestamp = int(timezone.now().timestamp())
    request = urllib.request.Request(subscription.url, data=body, method="POST", headers={
        "Content-Type": "application/cloudevents+json; charset=utf-8",
        SIGNATURE_HEADER: signature(subscription.secret, timestamp, body),
        "User-Agent": "haicap-webhooks/1"})
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            return {"response_status": response.status}
    except urllib.error.HTTPError as exc:
        message = _("The endpoint answered HTTP %(status)d.") % {"status": exc.code}
        if exc.code in RETRIED_STATUSES or exc.code >= 500:
            raise Unavailable(f"http_{exc.code}", message) from exc
        raise Rejected(f"http_{exc.code}", message) from exc
    except (urllib.error.URLError, OSError) as exc:
        raise Unavailable("unreachable", _("The endpoint could not be reached.")) from exc


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not a new place to send the event (it would turn into a GET)."""

    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects)
