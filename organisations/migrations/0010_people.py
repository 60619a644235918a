import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

ROLES = [
    ("employee", "Employee"),
    ("coach", "Coach"),
    ("team_leader", "Team leader"),
    ("manager", "Manager"),
    ("privacy_officer", "Privacy officer"),
    ("administrator", "Administrator"),
    ("auditor", "Auditor"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0009_two_factor_resets"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="membership",
            name="active",
            field=models.BooleanField(default=True, verbose_name="active"),
        ),
        migrations.AddField(
            model_name="membership",
            name="deactivated_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RemoveConstraint(
            model_name="employee",
            name="employee_agent_id_unique_in_org",
        ),
        migrations.AddConstraint(
            model_name="employee",
            constraint=models.UniqueConstraint(
                condition=models.Q(models.Q(("pbx_agent_id", ""), _negated=True), ("active", True)),
                fields=("organisation", "pbx_agent_id"),
                name="employee_active_agent_id_unique_in_org",
            ),
        ),
        migrations.CreateModel(
            name="RoleChangeRequest",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "old_role",
                    models.CharField(choices=ROLES, max_length=32, verbose_name="current role"),
                ),
                (
                    "new_role",
                    models.CharField(choices=ROLES, max_length=32, verbose_name="new role"),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Waiting for approval"),
                            ("approved", "Approved"),
                            ("denied", "Denied"),
                        ],
                        default="pending",
                        max_length=16,
                    ),
                ),
                ("requested_at", models.DateTimeField(auto_now_add=True)),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "membership",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="role_change_requests",
                        to="organisations.membership",
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="role_change_requests",
                        to="organisations.organisation",
                    ),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "role change request",
                "verbose_name_plural": "role change requests",
                "ordering": ["-requested_at"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("status", "pending")),
                        fields=("membership",),
                        name="one_pending_role_change_per_member",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("decided_by__isnull", True),
                            models.Q(("decided_by", models.F("requested_by")), _negated=True),
                            _connector="OR",
                        ),
                        name="role_change_decided_by_another_person",
                    ),
                ],
            },
        ),
    ]
