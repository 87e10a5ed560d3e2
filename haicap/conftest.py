"""Shared test set-up: every test database holds the real administrative units and calendar."""

import os

import pytest

# The demo's master data (generated people matched into golden records) at test size.
os.environ.setdefault("HAICAP_MDM_DEMO_PEOPLE", "100")


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


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Files a test stores go to its own folder, never var/; the sandbox adapters (virus
    scanner, SMS gateway, VNeID) answer at once and never fail unless a test says so."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.HAICAP_SANDBOX_LATENCY_MS = 0
    settings.HAICAP_SANDBOX_FAILURE_RATE = 0.0
    settings.HAICAP_SCANNER = "sandbox"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def fresh_reference_data():
    """Each test builds its own offices, partners and procedures: no worker keeps those of the
    test before (`core.reference`)."""
    from haicap.core import reference

    reference.forget_all()
