"""Feedback pages: rating by a signed link (no sign-in), the rating and complaint forms of a
citizen's dossier page (HTMX, with a plain-form fallback), and the officers' complaints page.
Thin: services write, selectors read."""

import dataclasses
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from haicap.core.context import current_actor, reset_actor, set_actor
from haicap.core.errors import DomainError, NotFound
from haicap.core.roles import Role
from haicap.feedback import links, selectors, services
from haicap.feedback.models import ComplaintCategory, ComplaintStatus, Via
from haicap.feedback.presenters import feedback_block, score_choices
from haicap.portal.selectors import my_dossier

PAGE_SIZE = 20


# -- rating by the signed link of the result notification -----------------------------------------

@require_http_methods(["GET", "POST"])
def rate_by_link(request, token: str):
    """/danh-gia/<token>/: rate without signing in; the link names one dossier."""
    try:
        dossier = links.dossier_of(token)
    except DomainError as error:
        return render(request, "feedback/link_refused.html", {"message": error.message},
                      status=error.status)
    context = {"token": token, "scores": score_choices()}
    if request.method == "POST":
        values = _rating_values(request)
        try:
            _as_link_holder(dossier, values)
        except DomainError as error:
            block = feedback_block(dossier, rating_errors={error.code: error.message},
                                   values=values)
            return render(request, "feedback/rate_by_link.html", {**context, **block},
                          status=error.status)
        # Post, then redirect: reloading the thank-you page sends nothing again.
        return redirect(reverse("feedback:rate_by_link", args=[token]) + "?done=1")
    block = feedback_block(dossier, done="rated" if request.GET.get("done") else "")
    return render(request, "feedback/rate_by_link.html", {**context, **block})


def _as_link_holder(dossier, values: dict) -> None:
    """The link holder is whoever the result message reached: the audit names the link."""
    token = set_actor(dataclasses.replace(current_actor(), actor="rating-link"))
    try:
        services.rate_dossier(dossier, values["score"], values["reason"], Via.PORTAL,
                              comment=values["comment"])
    finally:
        reset_actor(token)


def _rating_values(request) -> dict:
    return {key: request.POST.get(key, "") for key in ("score", "reason", "comment")}


# -- the block on a citizen's own dossier page ----------------------------------------------------

def citizen_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.role != Role.CITIZEN:
            return render(request, "portal/citizens_only.html", status=403)
        return view(request, *args, **kwargs)
    return wrapper


def _own_dossier(request, code: str):
    try:
        return my_dossier(request.user, code)
    except NotFound as error:
        raise Http404(error.message) from None


@citizen_required
@require_POST
def rate_mine(request, code: str):
    dossier = _own_dossier(request, code)
    values = _rating_values(request)
    try:
        services.rate_dossier(dossier, values["score"], values["reason"], Via.PORTAL,
                              comment=values["comment"])
    except DomainError as error:
        return _block_or_back(request, dossier, rating_error=error, values=values)
    return _block_or_back(request, dossier, done="rated",
                          message=_("Thank you for rating the service."))


@citizen_required
@require_POST
def complain_mine(request, code: str):
    dossier = _own_dossier(request, code)
    values = {key: request.POST.get(key, "") for key in ("category", "text")}
    try:
        services.file_complaint(dossier, values["category"], values["text"], Via.PORTAL,
                                filed_by=request.user)
    except DomainError as error:
        return _block_or_back(request, dossier, complaint_error=error, values=values)
    return _block_or_back(request, dossier, done="complained",
                          message=_("Your complaint was sent to the competent unit. Its "
                                    "answer will appear here."))


def _block_or_back(request, dossier, *, rating_error: DomainError | None = None,
                   complaint_error: DomainError | None = None, values: dict | None = None,
                   done: str = "", message: str = ""):
    """HTMX: the block again (with the error under its form); a plain form: back to the
    dossier page with a message."""
    error = rating_error or complaint_error
    if request.htmx:
        block = feedback_block(dossier, rating_errors=_as_dict(rating_error),
                               complaint_errors=_as_dict(complaint_error),
                               values=values if error else None, done=done)
        # An error answers 200 so that HTMX swaps it in; the message is in the block.
        return render(request, "feedback/_dossier_feedback.html", block)
    if error is not None:
        messages.error(request, error.message)
    else:
        messages.success(request, message)
    return redirect(reverse("portal:my_dossier", args=[dossier.code]) + "#feedback")


def _as_dict(error: DomainError | None) -> dict:
    return {error.code: error.message} if error else {}


# -- officers: the complaints of their unit -------------------------------------------------------

def officer_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not (user.is_administrator or (user.is_officer and user.office_id)):
            return render(request, "feedback/refused.html",
                          {"message": _("This page is for officers of a unit.")}, status=403)
        return view(request, *args, **kwargs)
    return wrapper


@officer_required
def complaints(request):
    """/can-bo/phan-anh/: the unit's complaints, newest first, filtered by status and
    category; each answered in place."""
    status = _one_of(request.GET.get("status"), ComplaintStatus)
    category = _one_of(request.GET.get("category"), ComplaintCategory)
    found = selectors.complaints_for(request.user, status=status, category=category)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"page": page, "cards": [_card(request.user, item) for item in page],
               "status": status, "category": category, "query": query.urlencode(),
               "statuses": ComplaintStatus.choices, "categories": ComplaintCategory.choices}
    template = "feedback/_complaint_list.html" if request.htmx else "feedback/complaints.html"
    return render(request, template, context)


def _one_of(value, choices) -> str:
    return value if value in choices.values else ""


def _card(user, complaint, error: str = "", answer: str = "") -> dict:
    return {"complaint": complaint, "may_answer": services.may_answer(user, complaint),
            "error": error, "answer": answer}


@officer_required
@require_POST
def complaint_action(request, complaint_id: int):
    """Take a complaint in hand, or answer it; HTMX gets the card again."""
    complaint = selectors.complaint_for(request.user, complaint_id)
    if complaint is None:
        raise Http404(_("No complaint of your unit has this number."))
    answer = request.POST.get("answer", "")
    error = ""
    try:
        if request.POST.get("action") == "handle":
            complaint = services.start_handling(officer=request.user, complaint=complaint)
        else:
            complaint = services.answer_complaint(officer=request.user, complaint=complaint,
                                                  answer=answer)
    except DomainError as error_raised:
        error = error_raised.message
    complaint = selectors.complaint_for(request.user, complaint_id)
    if request.htmx:
        return render(request, "feedback/_complaint_card.html",
                      {"card": _card(request.user, complaint, error, answer if error else "")})
    if error:
        messages.error(request, error)
    return redirect(reverse("feedback:complaints") + f"#complaint-{complaint_id}")
