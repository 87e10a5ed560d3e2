"""Shared test set-up: every test database holds the real administrative units and calendar."""

import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from haicap.units.services import load_units
    from haicap.worktime.services import load_calendar

    with django_db_blocker.unblock():
        load_units()
        load_calendar()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Full-strength PBKDF2 costs half a second a password; tests do not need it."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",  # still checks demo passwords
    ]
