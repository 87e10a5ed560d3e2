"""Sending a notification, one adapter per channel behind one interface.

`send(notification)` returns the gateway's message id, or raises `Rejected` (the gateway refused
this message for good: a wrong number, a refused address; never retried) or `Unavailable` (a
transient failure: retried later with backoff). In-app notifications are the stored row itself
and need no adapter.

The SMS gateway is a sandbox for now (no contract with a telecom carrier yet). It behaves like
one: latency, occasional outages, and rejections with an error code (numbers that are not
Vietnamese mobile numbers; the sandbox's unknown subscribers, numbers ending in 000). It is
labelled sandbox in the UI and the API.
"""

import re
import smtplib
import uuid
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.mail.message import make_msgid
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from haicap.core.sandbox import RemoteServiceSimulation
from haicap.notifications import conf
from haicap.notifications.models import Notification, NotificationChannel
from haicap.notifications.texts import sms_segments

# Vietnamese mobile numbers since the 2018 renumbering: 10 digits, 03x, 05x, 07x, 08x, 09x.
MOBILE_NUMBER = re.compile(r"0[35789]\d{8}")
# The sandbox's numbers "not in service" (as a carrier answers for an unknown subscriber).
UNKNOWN_SUBSCRIBER_SUFFIX = "000"
# Carriers refuse concatenated messages longer than this many segments.
MAX_SMS_SEGMENTS = 5


class Rejected(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


class Unavailable(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


class Sender(Protocol):
    is_sandbox: bool

    def send(self, notification: Notification) -> str: ...


class SandboxSmsGateway(RemoteServiceSimulation):
    """A local stand-in for a carrier's SMS gateway (brand-name SMS API)."""

    name = "SMS gateway (sandbox)"

    def send(self, notification: Notification) -> str:
        self._behave_like_a_remote_service()
        if not MOBILE_NUMBER.fullmatch(notification.address):
            raise Rejected("invalid_number",
                           _("The SMS gateway refused the number %(number)s: it is not a "
                             "Vietnamese mobile number.") % {"number": notification.address})
        if notification.address.endswith(UNKNOWN_SUBSCRIBER_SUFFIX):
            raise Rejected("unknown_subscriber",
                           _("The SMS gateway knows no subscriber with the number %(number)s.")
                           % {"number": notification.address})
        if sms_segments(notification.text) > MAX_SMS_SEGMENTS:
            raise Rejected("message_too_long", _("The SMS gateway refused a message longer "
                                                 "than %(count)d segments.")
                           % {"count": MAX_SMS_SEGMENTS})
        return f"sandbox-sms-{uuid.uuid4().hex[:16]}"

    def _behave_like_a_remote_service(self) -> None:
        if self.simulated_call_fails():
            raise Unavailable("gateway_unavailable",
                              _("The SMS gateway is not answering right now."))


class EmailSender:
    """Email through Django's mail machinery (its SMTP backend in production)."""

    def __init__(self, *, backend: str | None = None, is_sandbox: bool = False, **options):
        self.connection = get_connection(backend, **options)
        self.is_sandbox = is_sandbox

    def send(self, notification: Notification) -> str:
        try:
            validate_email(notification.address)
        except ValidationError as exc:
            raise Rejected("invalid_address", _("The email address %(address)s is not valid.")
                           % {"address": notification.address}) from exc
        message_id = make_msgid(domain="haicap")
        message = EmailMessage(
            subject=_("Dossier %(code)s") % {"code": notification.dossier_code},
            body=notification.text, to=[notification.address], connection=self.connection,
            headers={"Message-ID": message_id})
        try:
            message.send()
        except smtplib.SMTPRecipientsRefused as exc:
            raise Rejected("address_refused", _("The mail server refused the address "
                                                "%(address)s.")
                           % {"address": notification.address}) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise Unavailable("mail_server_unavailable",
                              _("The mail server is not answering right now.")) from exc
        return message_id


def sender_for(channel: str) -> Sender:
    if channel == NotificationChannel.SMS:
        return SandboxSmsGateway()
    if conf.email_adapter() == "django":
        return EmailSender()
    return EmailSender(backend="django.core.mail.backends.filebased.EmailBackend",
                       file_path=settings.VAR_DIR / "mail", is_sandbox=True)

