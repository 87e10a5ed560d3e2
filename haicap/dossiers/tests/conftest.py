"""Fixtures of the dossier tests (builders in `haicap.dossiers.testing`)."""

import pytest
from django.apps import apps
from django.db import connection, transaction

from haicap.dossiers.testing import province  # noqa: F401 (the fixture)


@pytest.fixture
def transactional_db(django_db_setup, django_db_blocker):
    """pytest-django's `transactional_db` (by its name, so the test database is set up and
    these tests run after the others), cleaning up differently: instead of flushing every
    table — which would empty the units and calendar loaded for the session, and which the
    audit log's append-only triggers refuse on SQLite — it deletes the rows the test added."""
    with django_db_blocker.unblock():
        tables = set(connection.introspection.table_names())
        models = [model for model in apps.get_models(include_auto_created=True)
                  if model._meta.db_table in tables]
        before = {model: _keys(model) for model in models}
        yield
        added = {model: _keys(model) - keys for model, keys in before.items()}
        _delete({model: keys for model, keys in added.items() if keys})


def _keys(model) -> set:
    return set(model.objects.values_list("pk", flat=True))


def _delete(added: dict) -> None:
    """Delete rows whatever their foreign keys and triggers say (PostgreSQL's
    `session_replication_role = replica` turns both off for this transaction only)."""
    if not added:
        return
    if connection.vendor != "postgresql":
        tables = sorted(model._meta.db_table for model in added)
        raise RuntimeError(f"Cleaning up committed rows needs PostgreSQL (the audit log's "
                           f"triggers refuse DELETE on SQLite): {tables}")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        for model, keys in added.items():
            table, column = (connection.ops.quote_name(name) for name in
                             (model._meta.db_table, model._meta.pk.column))
            cursor.execute(f"DELETE FROM {table} WHERE {column} = ANY(%s)", [list(keys)])
