from django.shortcuts import render

from haicap.units.address import normalize_addresses
from haicap.units.forms import AddressBatchForm


def address_page(request):
    """Convert old or new addresses to the new units; htmx swaps in only the results."""
    results = None
    if request.method == "POST":
        form = AddressBatchForm(request.POST)
        if form.is_valid():
            results = normalize_addresses(form.cleaned_data["addresses"])
    else:
        form = AddressBatchForm()
    context = {"form": form, "results": results}
    if request.htmx:
        return render(request, "units/_address_results.html", context)
    return render(request, "units/address.html", context)
