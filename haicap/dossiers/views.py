"""Portal pages of dossiers: public tracking by code and CCCD."""

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from haicap.core.errors import NotFound
from haicap.dossiers import selectors


class TrackingForm(forms.Form):
    code = forms.CharField(label=_("Dossier code"), max_length=40)
    id_number = forms.CharField(label=_("Applicant's identification number (CCCD)"),
                                max_length=20)


@require_http_methods(["GET", "POST"])
def tracking(request):
    """The form, and the dossier's progress once both the code and the CCCD match.

    The CCCD is posted, so it stays out of addresses, browser history and server logs; a QR
    code on a slip opens the page with only `?code=` filled in.
    """
    dossier, not_found = None, False
    if request.method == "POST":
        form = TrackingForm(request.POST)
        if form.is_valid():
            try:
                dossier = selectors.tracked_dossier(form.cleaned_data["code"],
                                                    form.cleaned_data["id_number"])
            except NotFound:
                not_found = True
    else:
        form = TrackingForm(initial={"code": request.GET.get("code", "")})
    status = 404 if not_found else 200
    return render(request, "dossiers/tracking.html",
                  {"form": form, "dossier": dossier, "not_found": not_found}, status=status)
