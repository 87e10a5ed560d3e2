"""A published procedure version is never updated: dossiers keep the version they started with.

The model refuses too; the trigger also stops a queryset .update() or raw SQL. Deletion is
refused by the model and by the PROTECT foreign keys that point at versions (not by a trigger,
so a test database can still be flushed).
"""

from django.db import migrations

SQLITE = [
    "CREATE TRIGGER catalog_version_published_immutable BEFORE UPDATE ON "
    "catalog_procedureversion WHEN OLD.status = 'published' "
    "BEGIN SELECT RAISE(ABORT, 'a published procedure version cannot be changed'); END;",
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS catalog_version_published_immutable;"]
POSTGRES = [
    "CREATE OR REPLACE FUNCTION catalog_version_published_immutable() RETURNS trigger AS $$ "
    "BEGIN IF OLD.status = 'published' THEN "
    "RAISE EXCEPTION 'a published procedure version cannot be changed'; END IF; "
    "RETURN NEW; END; $$ LANGUAGE plpgsql;",
    "CREATE TRIGGER catalog_version_published_immutable BEFORE UPDATE ON "
    "catalog_procedureversion FOR EACH ROW "
    "EXECUTE FUNCTION catalog_version_published_immutable();",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS catalog_version_published_immutable ON catalog_procedureversion;",
    "DROP FUNCTION IF EXISTS catalog_version_published_immutable();",
]


def run(statements_by_vendor):
    def apply(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        )
    ]
