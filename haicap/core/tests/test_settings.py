"""Rule: production refuses the demo secret; production settings pass `check --deploy`; collected
static files are served with their compressed copies."""

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


def test_static_files_are_served_compressed_once_collected(tmp_path):
    # The web server's settings are read when it starts: a fresh process, as after `make serve`.
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith("HAICAP_")}
    environment["HAICAP_VAR_DIR"] = str(tmp_path)
    subprocess.run([sys.executable, "-m", "haicap.manage", "collectstatic", "--noinput",
                    "--verbosity", "0"], env=environment, check=True, timeout=300)
    served = subprocess.run([sys.executable, "-c", (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'haicap.settings'); "
        "django.setup(); from django.test import Client; "
        "r = Client().get('/static/vendor/plotly.min.js', HTTP_ACCEPT_ENCODING='gzip'); "
        "print(r.status_code, r.headers.get('Content-Encoding'))")],
        env=environment, capture_output=True, text=True, timeout=120)
    assert served.stdout.split()[-2:] == ["200", "gzip"], served.stderr[-2000:]
