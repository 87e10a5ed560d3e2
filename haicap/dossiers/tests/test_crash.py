"""A crash loses nothing that was acknowledged, and leaves nothing half-stored (issue 5 point 9:
acknowledge only after commit).

A real server process (gunicorn, as `make serve`) on its own database, killed with SIGKILL:
- right after it answered 201, it is started again and the dossier is there, with its event
  and its outbox message;
- inside the submission's transaction (after its INSERTs, before COMMIT — where the
  submission writes its audit entry), through a gunicorn config file of this test that makes
  the worker `os._exit`: no answer was sent, nothing of the dossier is stored, and the
  client's retry with the same Idempotency-Key, served by the worker gunicorn starts in its
  place, makes exactly one dossier.

The served database (a SQLite file, or a PostgreSQL database when the tests run on one) starts
as a copy of the test database (migrated, units and calendar loaded) with the catalogue, the
competent commune's office and a partner token added by a management shell, so no test waits
for a full `migrate`.
"""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.request
from contextlib import closing, contextmanager
from dataclasses import dataclass
from http.client import HTTPException
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.db import connection

from haicap.dossiers.testing import HAI_CHAU_ADDRESS
from haicap.portal.tests.test_e2e import free_port, wait_until_served

SETUP = """
from haicap.catalog.services import load_catalog
from haicap.core.tests import factories
from haicap.core.tokens import ensure_partner, issue_token
from haicap.units.models import Commune

load_catalog()
factories.commune_office(Commune.objects.get(province_id="48", name="Phường Hải Châu"))
print("TOKEN", issue_token(ensure_partner(code="hospital", name="Bệnh viện"))[1])
"""
# A gunicorn config whose worker dies inside the first submission's transaction: the
# submission's audit entry is its last write before COMMIT. The master starts a new worker
# (forked from the preloaded app at once), which lets the retry through.
DIE_ONCE_BEFORE_COMMIT = """
import os

preload_app = True


def post_worker_init(worker):
    from haicap.core import audit

    record = audit.record

    def record_or_die(action, *args, **kwargs):
        if action == "dossier.submit" and os.path.exists(os.environ["HAICAP_TEST_DIE_ONCE"]):
            os.remove(os.environ["HAICAP_TEST_DIE_ONCE"])
            os._exit(1)
        return record(action, *args, **kwargs)

    audit.record = record_or_die
"""


@dataclass
class Served:
    """The server's own database (a SQLite file or a PostgreSQL database, a copy of the test
    database), its folder and the partner token."""

    folder: Path
    database: str
    token: str = ""

    @property
    def env(self) -> dict:
        return {**os.environ, "DATABASE_URL": _url(self.database),
                "HAICAP_VAR_DIR": str(self.folder), "HAICAP_SANDBOX_LATENCY_MS": "0",
                "HAICAP_TEST_DIE_ONCE": str(self.folder / "die-once")}

    def rows(self, table: str) -> int:
        with closing(_connect(self.database)) as db:
            return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def _url(database: str) -> str:
    if connection.vendor == "sqlite":
        return f"sqlite:///{database}"
    db = connection.settings_dict
    return (f"postgres://{quote(db['USER'])}:{quote(db['PASSWORD'] or '')}@"
            f"{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{database}")


def _connect(database: str):
    if connection.vendor == "sqlite":
        return sqlite3.connect(database)
    return psycopg.connect(_url(database), autocommit=True)


def _copy(source: str, target: str) -> None:
    """A copy of a database that nobody is connected to."""
    if connection.vendor == "sqlite":
        with closing(sqlite3.connect(source)) as old, closing(sqlite3.connect(target)) as new:
            old.backup(new)
    else:
        with closing(_connect("postgres")) as admin:
            admin.execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')


def _drop(database: str) -> None:
    if connection.vendor == "postgresql":
        with closing(_connect("postgres")) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def _name(folder: Path, what: str) -> str:
    if connection.vendor == "sqlite":
        return str(folder / f"{what}.sqlite3")
    return f"{connection.settings_dict['NAME']}_{what}"


@pytest.fixture(scope="module")
def template(django_db_setup, django_db_blocker, tmp_path_factory):
    """The server's database as it starts: the test database's committed tables (migrated,
    units and calendar loaded), then the catalogue, the Hải Châu office and a partner token."""
    folder = tmp_path_factory.mktemp("served")
    template = Served(folder, _name(folder, "served_template"))
    with django_db_blocker.unblock():
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            with closing(sqlite3.connect(template.database)) as copy:
                connection.connection.backup(copy)
        else:
            connection.close()  # PostgreSQL copies only a database nobody is connected to
            _copy(connection.settings_dict["NAME"], template.database)
    done = subprocess.run([sys.executable, "-m", "haicap.manage", "shell", "-c", SETUP],
                          env=template.env, check=True, capture_output=True, text=True)
    template.token = done.stdout.split("TOKEN ")[1].strip()
    yield template
    _drop(template.database)


@pytest.fixture
def served(transactional_db, template, tmp_path):
    """A fresh copy of the template for one test."""
    served = Served(tmp_path, _name(tmp_path, "served"), template.token)
    _copy(template.database, served.database)
    yield served
    _drop(served.database)


@contextmanager
def server(served: Served, *options: str):
    """gunicorn on its own port; on leaving, the whole process group gets SIGKILL (a crash,
    not a shutdown)."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "haicap.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", "1", *options], env=served.env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_served(url)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def submit(url: str, served: Served, key: str) -> tuple[int, dict]:
    """The procedure's example body (from the server), as a partner system sends it."""
    with urllib.request.urlopen(f"{url}/api/v1/procedures/1.001193/example") as response:
        example = json.load(response)
    body = {**example, "channel": "api",
            "applicant": {"id_number": "048192000123", "full_name": "Nguyễn Thị Mai",
                          "phone": "0905123456", "address": HAI_CHAU_ADDRESS}}
    request = urllib.request.Request(
        f"{url}/api/v1/dossiers", data=json.dumps(body).encode(), method="POST",
        headers={"Content-Type": "application/json", "Idempotency-Key": key,
                 "Authorization": f"Bearer {served.token}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def read(url: str, served: Served, code: str) -> dict:
    request = urllib.request.Request(f"{url}/api/v1/dossiers/{code}",
                                     headers={"Authorization": f"Bearer {served.token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def test_a_dossier_acknowledged_with_201_survives_a_kill_9_of_the_server(served):
    with server(served) as url:
        status, created = submit(url, served, key="birth-1")
    # the server was killed the moment it answered

    assert status == 201, created
    with server(served) as url:
        again = read(url, served, created["code"])
    assert again["code"] == created["code"]
    assert [event["action"] for event in again["events"]] == ["submit"]
    assert again["documents"]
    assert served.rows("dossiers_outboxmessage") == 1


def test_a_submission_killed_inside_its_transaction_stores_nothing_and_its_retry_one_dossier(
        served):
    (served.folder / "die.py").write_text(DIE_ONCE_BEFORE_COMMIT)
    (served.folder / "die-once").touch()

    with server(served, "--config", str(served.folder / "die.py")) as url:
        with pytest.raises((urllib.error.URLError, HTTPException, ConnectionError)):
            submit(url, served, key="birth-2")  # no answer: the worker died
        assert not (served.folder / "die-once").exists()
        for table in ("dossiers_dossier", "dossiers_dossierdocument", "dossiers_dossierevent",
                      "dossiers_outboxmessage", "dossiers_sequencecounter"):
            assert served.rows(table) == 0, table

        first = submit(url, served, key="birth-2")
        retry = submit(url, served, key="birth-2")

    assert (first[0], retry[0]) == (201, 200), first
    assert first[1]["code"] == retry[1]["code"]
    assert served.rows("dossiers_dossier") == 1
