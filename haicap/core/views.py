from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def citizen_list(request):
    return render(request, "core/citizen_list.html")
