from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("recordings", "0011_audio_keys"),
        ("retention", "0006_purge_run_schedule_label"),
    ]

    operations = [
        migrations.AddField(
            model_name="purgerun",
            name="keys_destroyed",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="purgerun",
            name="keys_failed",
            field=models.PositiveIntegerField(default=0),
        ),
    ]
