"""Cases learn when they were closed: the retention of requests, cases and disclosures counts
from there. Cases already closed take the time of their last "closed" audit event; a case closed
without one (none should exist) counts from the migration, so it is never erased early."""

from django.db import migrations, models
from django.utils import timezone


def closed_at_from_audit(apps, schema_editor):
    Case = apps.get_model("access", "Case")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    for case in Case.objects.filter(status="closed", closed_at__isnull=True):
        event = (
            AuditEvent.objects.filter(
                target_type="access.case", target_id=str(case.pk), action="access.case.closed"
            )
            .order_by("-created_at")
            .first()
        )
        case.closed_at = event.created_at if event else timezone.now()
        case.save(update_fields=["closed_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0002_four_eyes"),
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="closed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="closed at"),
        ),
        # Elidable: fills existing rows; a squash for new databases leaves it out.
        migrations.RunPython(closed_at_from_audit, migrations.RunPython.noop, elidable=True),
    ]
