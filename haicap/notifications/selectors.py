"""Reads of notifications: a user sees only their own."""

from django.db.models import QuerySet

from haicap.notifications.models import Notification


def notifications_of(user) -> QuerySet[Notification]:
    """The user's notifications, newest first."""
    return Notification.objects.of(user).order_by("-created_at", "-id")


def unread_count(user) -> int:
    return Notification.objects.of(user).unread().count()
