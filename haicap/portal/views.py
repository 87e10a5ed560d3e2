"""Portal pages: the home page and a signed-in citizen's own dossiers ("Hồ sơ của tôi").

Every dossier page reads through `selectors.my_dossier`, so another person's dossier, or a
code that does not exist, is the same 404.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from haicap.core.errors import DomainError, NotFound
from haicap.core.roles import Role
from haicap.dossiers import supplements, withdrawals
from haicap.dossiers.deadlines import due_soon_limit
from haicap.dossiers.models import NATIONAL_STATUS, Status
from haicap.portal import presenters, selectors, services
from haicap.slips.render import slip_response
from haicap.slips.views import FORMS as SLIP_BUILDERS

PAGE_SIZE = 20


def home(request):
    return render(request, "portal/home.html")


def citizen_required(view):
    """Signed-in citizens only; an officer's account is told these pages are not for it."""
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.role != Role.CITIZEN:
            return render(request, "portal/citizens_only.html", status=403)
        return view(request, *args, **kwargs)
    return wrapper


def _my_dossier_or_404(request, code: str):
    try:
        return selectors.my_dossier(request.user, code)
    except NotFound as error:
        raise Http404(error.message) from None


@citizen_required
@require_GET
def my_dossiers(request):
    """/ho-so-cua-toi/: the citizen's dossiers, newest first, 20 a page."""
    page = Paginator(selectors.my_dossiers(request.user), PAGE_SIZE).get_page(
        request.GET.get("page"))
    now = timezone.now()
    soon = due_soon_limit(now)
    rows = [(dossier, NATIONAL_STATUS[Status(dossier.status)],
             presenters.badge(dossier, now, soon)) for dossier in page]
    return render(request, "portal/my_dossiers.html", {"page": page, "rows": rows})


@citizen_required
@require_GET
def my_dossier(request, code: str):
    """/ho-so-cua-toi/<code>/: status, what comes next, history, documents, slips."""
    return _dossier_page(request, _my_dossier_or_404(request, code))


def _dossier_page(request, dossier, *, note: str = "", errors: dict | None = None,
                  status: int = 200, withdraw_error: str = ""):
    events = list(dossier.events.all())
    now = timezone.now()
    supplement = _supplement(dossier, note, errors or {})
    context = {
        "dossier": dossier,
        "national_status": NATIONAL_STATUS[Status(dossier.status)],
        "next_step": presenters.next_step(dossier, bool(supplement and supplement["sent"])),
        "badge": presenters.badge(dossier, now, due_soon_limit(now)),
        "history": presenters.history(dossier, events, selectors.offices_named_in(events)),
        "documents": presenters.document_rows(dossier.documents.all()),
        "slips": presenters.slip_links(dossier, events),
        "supplement": supplement,
        "may_withdraw": withdrawals.may_withdraw(request.user, dossier),
        "withdraw_error": withdraw_error,
    }
    return render(request, "portal/my_dossier.html", context, status=status)


def _supplement(dossier, note: str, errors: dict) -> dict | None:
    """The open supplement request with what was sent so far, or None."""
    request = supplements.awaiting_supplement(dossier)
    if request is None:
        return None
    return {"request": request, "sent": supplements.sent_supplements(dossier), "note": note,
            "errors": errors}


@citizen_required
@require_POST
def supplement(request, code: str):
    """The applicant sends the documents asked for, with a note."""
    dossier = _my_dossier_or_404(request, code)
    note = request.POST.get("note", "")
    try:
        services.send_supplement(citizen=request.user, dossier=dossier,
                                 files=request.FILES.getlist("files"), note=note)
    except DomainError as error:
        field = "note" if error.code == "too_long" else "files"
        return _dossier_page(request, dossier, note=note, errors={field: error.message},
                             status=error.status)
    messages.success(request, _("Your documents were sent. The desk will check them; the time "
                                "limit then runs again."))
    return redirect("portal:my_dossier", code=dossier.code)


@citizen_required
@require_POST
def withdraw(request, code: str):
    """The applicant withdraws their open dossier, with a reason."""
    dossier = _my_dossier_or_404(request, code)
    try:
        withdrawals.withdraw_dossier(actor=request.user, dossier=dossier,
                                     lock_version=_int(request.POST.get("lock_version")),
                                     reason=request.POST.get("reason", ""))
    except DomainError as error:
        return _dossier_page(request, dossier, withdraw_error=error.message,
                             status=error.status)
    messages.success(request, _("Your dossier was withdrawn."))
    return redirect("portal:my_dossier", code=dossier.code)


def _int(value) -> int:
    return int(value) if (value or "").isdigit() else -1


@citizen_required
@require_GET
def my_slip(request, code: str, form: str, fmt: str):
    """A slip of the citizen's own dossier (forms 01–04) as PDF or HTML; 404 until issued."""
    dossier = _my_dossier_or_404(request, code)
    try:
        slip = SLIP_BUILDERS[form](dossier, f"{request.scheme}://{request.get_host()}")
    except NotFound as error:
        raise Http404(error.message) from None
    return slip_response(slip, fmt, f"{dossier.code}-mau-{form}")


@citizen_required
@require_GET
def filed(request, code: str):
    """Right after filing online: the dossier code and what happens next."""
    dossier = _my_dossier_or_404(request, code)
    return render(request, "portal/filed.html", {"dossier": dossier})
