"""Officer pages on residents and citizen sign-in through VNeID. Thin: services do the work."""

import secrets
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from haicap.core import selectors, services
from haicap.core.errors import DomainError, NotFound
from haicap.core.forms import ResidentContactForm, SandboxSignInForm
from haicap.core.identity import get_identity_provider
from haicap.core.models import User

SANDBOX_PASSCODE = "123456"
PAGE_SIZE = 50


@login_required
def resident_list(request):
    query = request.GET.get("q", "")
    page = Paginator(selectors.residents_visible_to(request.user, query), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    template = "core/_resident_rows.html" if request.htmx else "core/resident_list.html"
    return render(request, template, {"page": page, "query": query})


@login_required
@require_http_methods(["GET", "POST"])
def resident_detail(request, pk: int):
    try:
        resident = selectors.resident_for(request.user, pk)
    except NotFound as exc:
        return render(request, "core/not_found.html", {"message": exc.message}, status=404)
    can_change = User.objects.changeable_by(request.user).filter(pk=resident.pk).exists()
    form = ResidentContactForm(
        request.POST or None,
        initial={field: getattr(resident, field) for field in services.CITIZEN_CONTACT_FIELDS},
    )
    if request.method == "POST":
        if not can_change:
            return render(request, "core/not_found.html",
                          {"message": _("You may only read this record.")}, status=403)
        if form.is_valid():
            services.update_citizen_contact(actor=request.user, citizen=resident,
                                            **form.cleaned_data)
            messages.success(request, _("The resident's contact details were saved."))
            return redirect("core:resident", pk=resident.pk)
    return render(request, "core/resident_detail.html",
                  {"resident": resident, "form": form, "can_change": can_change})


def vneid_start(request):
    """Send the citizen to VNeID with a fresh state and nonce."""
    provider = get_identity_provider()
    state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    next_url = request.GET.get("next", "")
    request.session["vneid"] = {"state": state, "nonce": nonce, "next": next_url}
    redirect_uri = request.build_absolute_uri(reverse("core:vneid_callback"))
    return redirect(provider.authorization_url(redirect_uri=redirect_uri, state=state,
                                               nonce=nonce))


def vneid_callback(request):
    pending = request.session.pop("vneid", None)
    if not pending or request.GET.get("state") != pending["state"]:
        return render(request, "core/vneid_error.html",
                      {"message": _("The sign-in was not started here or has expired.")},
                      status=400)
    provider = get_identity_provider()
    redirect_uri = request.build_absolute_uri(reverse("core:vneid_callback"))
    try:
        identity = provider.exchange_code(code=request.GET.get("code", ""),
                                          redirect_uri=redirect_uri, nonce=pending["nonce"])
        citizen = services.sign_in_citizen(identity)
    except DomainError as exc:
        return render(request, "core/vneid_error.html", {"message": exc.message,
                      "code": exc.code}, status=exc.status)
    login(request, citizen, backend=settings.AUTHENTICATION_BACKENDS[0])
    messages.success(request, _("Signed in with VNeID as %(name)s.") % {"name": citizen})
    next_url = pending.get("next") or reverse("portal:home")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("portal:home")
    return redirect(next_url)


@require_http_methods(["GET", "POST"])
def vneid_sandbox_authorize(request):
    """The sandbox's own sign-in page, standing where VNeID's would be."""
    params = {key: request.GET.get(key, "") for key in ("redirect_uri", "state", "nonce")}
    if not all(params.values()) or not url_has_allowed_host_and_scheme(
        params["redirect_uri"], allowed_hosts={request.get_host()}
    ):
        return HttpResponseBadRequest(_("Invalid sign-in request."))
    form = SandboxSignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["passcode"] != SANDBOX_PASSCODE:
            form.add_error("passcode", _("Wrong passcode."))
        else:
            try:
                code = get_identity_provider().issue_code(
                    national_id=form.cleaned_data["national_id"], nonce=params["nonce"],
                    redirect_uri=params["redirect_uri"])
            except DomainError as exc:
                form.add_error("national_id", exc.message)
            else:
                query = urlencode({"code": code, "state": params["state"]})
                return redirect(f"{params['redirect_uri']}?{query}")
    examples = User.objects.filter(role="citizen", is_active=True).order_by("pk")[:5]
    return render(request, "core/vneid_sandbox.html",
                  {"form": form, "examples": examples, "passcode": SANDBOX_PASSCODE})
