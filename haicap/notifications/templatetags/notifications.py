"""`{% unread_notifications as count %}` for the header's badge."""

from django import template

from haicap.notifications import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    user = getattr(context.get("request"), "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return selectors.unread_count(user)
