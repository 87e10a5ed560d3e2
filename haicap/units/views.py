from django.shortcuts import render


def address_page(request):
    return render(request, "units/address.html")
