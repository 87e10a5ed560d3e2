from django.conf import settings


def platform(request):
    return {
        "sandbox_identity": settings.HAICAP_VNEID_ADAPTER == "sandbox",
        "debug": settings.DEBUG,
    }
