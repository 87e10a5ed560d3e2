"""Rule: production refuses the demo secret; production settings pass `check --deploy`."""

import os
import secrets
import subprocess
import sys

import pytest


def run_check(**env):
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith("HAICAP_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "haicap.manage", "check", "--deploy"],
        env=environment, capture_output=True, text=True, timeout=120,
    )


@pytest.mark.parametrize("debug", ["false"])
def test_check_deploy_fails_loudly_with_the_demo_secret_key(debug):
    result = run_check(HAICAP_DEBUG=debug)

    assert result.returncode != 0
    assert "haicap.E001" in result.stderr


def test_check_deploy_passes_with_production_settings():
    result = run_check(
        HAICAP_SECRET_KEY=secrets.token_urlsafe(50),
        HAICAP_ALLOWED_HOSTS="dichvucong.danang.gov.vn",
        HAICAP_DEBUG="false",
        HAICAP_FEEDBACK_SMS_SECRET=secrets.token_urlsafe(30),
    )

    assert result.returncode == 0, result.stderr
    assert "haicap.E001" not in result.stderr + result.stdout


def test_check_deploy_refuses_the_demo_sms_gateway_secret():
    result = run_check(
        HAICAP_SECRET_KEY=secrets.token_urlsafe(50),
        HAICAP_ALLOWED_HOSTS="dichvucong.danang.gov.vn",
        HAICAP_DEBUG="false",
    )

    assert result.returncode != 0
    assert "haicap.E002" in result.stderr
