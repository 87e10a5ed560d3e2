"""/thong-bao/: the signed-in user's notifications (officers: in the app; citizens: the SMS and
email sent to them), with read marks."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from haicap.core.roles import Role
from haicap.notifications import selectors, services

PAGE_SIZE = 20


@login_required
@require_GET
def inbox(request):
    page = Paginator(selectors.notifications_of(request.user), PAGE_SIZE).get_page(
        request.GET.get("page"))
    rows = [(note, _dossier_url(request.user, note.dossier_code)) for note in page]
    return render(request, "notifications/inbox.html",
                  {"page": page, "rows": rows, "unread": selectors.unread_count(request.user)})


def _dossier_url(user, code: str) -> str:
    """Where the user reads the dossier a notification is about."""
    if not code:
        return ""
    if user.role == Role.CITIZEN:
        return reverse("portal:my_dossier", args=[code])
    if user.is_officer:
        return reverse("workspace:dossier", args=[code])
    return ""


@login_required
@require_POST
def mark_read(request):
    ids = [int(value) for value in request.POST.getlist("id") if value.isdigit()]
    services.mark_read(request.user, ids or None)
    return redirect("notifications:inbox")
