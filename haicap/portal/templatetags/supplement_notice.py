"""`{% sent_supplement_notice dossier %}`: on the officer's dossier page, what the applicant
sent online in answer to the supplement request, while it waits for the officer."""

from django import template

from haicap.dossiers import supplements

register = template.Library()


@register.inclusion_tag("portal/_sent_supplement_notice.html")
def sent_supplement_notice(dossier):
    waiting = supplements.awaiting_supplement(dossier) is not None
    return {"sent": supplements.sent_supplements(dossier) if waiting else []}
