"""Signing in: Django's model backend, with the signed-in person's office read in the same query
(every officer page scopes its reads by it)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class ModelBackendWithOffice(ModelBackend):
    def get_user(self, user_id):
        user = (get_user_model()._default_manager.select_related("office")
                .filter(pk=user_id).first())
        return user if user is not None and self.user_can_authenticate(user) else None
