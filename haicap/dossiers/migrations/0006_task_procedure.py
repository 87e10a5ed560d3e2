"""Tasks carry their dossier's procedure: a queue lists and filters its procedures from the
task_active_queue index alone. Existing tasks take it from their dossier."""

import django.db.models.deletion
from django.db import migrations, models

BACKFILL = ("UPDATE dossiers_task SET procedure_id = (SELECT d.procedure_id FROM "
            "dossiers_dossier d WHERE d.id = dossiers_task.dossier_id)")


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0003_deadline_in_calendar_days"),
        ("dossiers", "0005_queue_procedures_index_only"),
    ]

    operations = [
        migrations.AddField(
            model_name="task",
            name="procedure",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="catalog.procedure",
                                    verbose_name="procedure"),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="task",
            name="procedure",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="catalog.procedure",
                                    verbose_name="procedure"),
        ),
        migrations.RemoveIndex(model_name="dossier", name="dossier_procedure_by_id"),
        migrations.RemoveIndex(model_name="task", name="task_active_queue"),
        migrations.AddIndex(
            model_name="task",
            index=models.Index(condition=models.Q(("status__in", ("open", "claimed"))),
                               fields=["office", "role", "due_at", "id", "dossier", "procedure"],
                               name="task_active_queue"),
        ),
    ]
