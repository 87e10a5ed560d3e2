import uuid

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

from haicap.core.context import ActorContext, reset_actor, set_actor


class RequestContextMiddleware:
    """Records who makes each request so every write in it is attributed in the audit log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        authenticated = user is not None and user.is_authenticated
        context = ActorContext(
            actor_id=user.pk if authenticated else None,
            actor=user.get_username() if authenticated else "anonymous",
            ip_address=request.META.get("REMOTE_ADDR") or None,
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:255],
            request_id=request.headers.get("X-Request-ID", "")[:36] or str(uuid.uuid4()),
        )
        token = set_actor(context)
        try:
            response = self.get_response(request)
        finally:
            reset_actor(token)
        response.headers.setdefault("X-Request-ID", context.request_id)
        return response


class LanguageMiddleware:
    """Vietnamese unless the person chose another language on the site.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so a citizen whose
    cheap phone is set to English would get an English portal they did not ask for.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ["Cookie"])
        return response
