"""`{% dossier_feedback dossier %}`: the rating and complaint block of a citizen's dossier
page (the portal includes it with that one line)."""

from django import template

from haicap.feedback.presenters import feedback_block

register = template.Library()


@register.inclusion_tag("feedback/_dossier_feedback.html", takes_context=True)
def dossier_feedback(context, dossier) -> dict:
    return {**feedback_block(dossier), "csrf_token": context.get("csrf_token"),
            "request": context.get("request")}
