# The sealing migration (issue 19): objects still to delete, and the work list of plaintext calls.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0001_squashed_0014_organisation_name_single_line"),
        ("recordings", "0011_audio_keys"),
    ]

    operations = [
        migrations.CreateModel(
            name="PlaintextLeftover",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("storage_key", models.CharField(max_length=200, unique=True)),
                (
                    "kind",
                    models.CharField(
                        choices=[("plaintext", "plaintext"), ("sealed", "sealed")], max_length=16
                    ),
                ),
                ("recorded_at", models.DateTimeField(auto_now_add=True)),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="plaintext_leftovers",
                        to="organisations.organisation",
                    ),
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="recording",
            index=models.Index(
                condition=models.Q(models.Q(("status", "purged"), _negated=True), ("sealing", "")),
                fields=["organisation", "id"],
                name="rec_org_plaintext",
            ),
        ),
    ]
