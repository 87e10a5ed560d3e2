"""Portal pages of dossiers: public tracking by code and CCCD."""

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from haicap.core.errors import NotFound
from haicap.dossiers import selectors


class TrackingForm(forms.Form):
    code = forms.CharField(label=_("Dossier code"), max_length=40)
    id_number = forms.CharField(label=_("Applicant's identification number (CCCD)"),
                                max_length=20)


def tracking(request):
    """The form, and the dossier's progress once both the code and the CCCD match."""
    dossier, not_found = None, False
    if "id_number" in request.GET:
        form = TrackingForm(request.GET)
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
