# Made by scripts/squash_migrations.py for new databases: 8 operations instead of 21.
import django.db.models.deletion
from importlib import import_module

from django.db import migrations, models


# Functions from the following migrations need manual copying.
# Move them and any dependencies into this file, then update the
# RunPython operations to refer to the local versions:
# audit.migrations.0003_append_only_triggers
# audit.migrations.0007_checkpoints_prune_triggers

_0003 = import_module("audit.migrations.0003_append_only_triggers")
_0007 = import_module("audit.migrations.0007_checkpoints_prune_triggers")


class Migration(migrations.Migration):

    replaces = [('audit', '0001_initial'), ('audit', '0002_initial'), ('audit', '0003_append_only_triggers'), ('audit', '0004_daily_action_counts'), ('audit', '0005_fewer_event_indexes'), ('audit', '0006_calls_out_of_target_index'), ('audit', '0007_checkpoints_prune_triggers'), ('audit', '0008_listens_index'), ('audit', '0009_chain_verification_requested')]

    initial = True

    dependencies = [
        ('organisations', '0001_initial'),
        ('organisations', '0004_retention_rights'),
        ('organisations', '0006_reports'),
        ('organisations', '0013_subject_request_rights'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditChain',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(max_length=64, unique=True)),
                ('last_sequence', models.BigIntegerField(default=0)),
                ('last_hash', models.CharField(default='0000000000000000000000000000000000000000000000000000000000000000', max_length=64)),
                ('last_verified_at', models.DateTimeField(blank=True, null=True)),
                ('last_verified_ok', models.BooleanField(null=True)),
                ('last_verified_checkpoint_at', models.DateTimeField(blank=True, null=True)),
                ('last_verified_checkpoint_sequence', models.BigIntegerField(blank=True, null=True)),
                ('last_verified_problem', models.TextField(blank=True)),
                ('verification_requested_at', models.DateTimeField(blank=True, null=True)),
            ],
            options={
                'indexes': [],
                'constraints': [],
            },
        ),
        migrations.CreateModel(
            name='AuditEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('chain', models.CharField(max_length=64)),
                ('sequence', models.BigIntegerField()),
                ('created_at', models.DateTimeField()),
                ('actor_id', models.BigIntegerField(null=True)),
                ('actor_label', models.CharField(blank=True, max_length=150)),
                ('action', models.CharField(max_length=100)),
                ('target_type', models.CharField(blank=True, max_length=100)),
                ('target_id', models.CharField(blank=True, max_length=64)),
                ('purpose', models.CharField(blank=True, max_length=100)),
                ('detail', models.JSONField(default=dict)),
                ('ip_address', models.GenericIPAddressField(null=True)),
                ('previous_hash', models.CharField(max_length=64)),
                ('hash', models.CharField(max_length=64)),
                ('organisation', models.ForeignKey(db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='organisations.organisation')),
            ],
            options={
                'verbose_name': 'audit event',
                'verbose_name_plural': 'audit events',
                'ordering': ['chain', 'sequence'],
                'indexes': [models.Index(fields=['organisation', '-created_at'], name='audit_org_time'), models.Index(condition=models.Q(('target_type', 'recordings.recording'), _negated=True), fields=['target_type', 'target_id'], name='audit_target'), models.Index(condition=models.Q(('action', 'access.recording.listened'), ('target_type', 'recordings.recording')), fields=['organisation', 'target_id'], name='audit_listens')],
                'constraints': [models.UniqueConstraint(fields=('chain', 'sequence'), name='audit_sequence_per_chain')],
            },
        ),
        migrations.CreateModel(
            name='DailyCountsDone',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('through_day', models.DateField()),
                ('counted_at', models.DateTimeField(auto_now=True)),
                ('organisation', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='organisations.organisation')),
            ],
            options={
                'indexes': [],
                'constraints': [],
            },
        ),
        migrations.CreateModel(
            name='DailyActionCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField()),
                ('action', models.CharField(max_length=100)),
                ('purpose', models.CharField(blank=True, max_length=100)),
                ('count', models.PositiveIntegerField()),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='organisations.organisation')),
            ],
            options={
                'indexes': [models.Index(fields=['organisation', 'action', 'day'], name='daily_org_action')],
                'constraints': [models.UniqueConstraint(fields=('organisation', 'day', 'action', 'purpose'), name='one_count_per_day')],
            },
        ),
        migrations.CreateModel(
            name='AuditPrune',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('chain', models.CharField(max_length=64)),
                ('first_retained_sequence', models.BigIntegerField()),
                ('hash_before', models.CharField(max_length=64)),
                ('removed', models.BigIntegerField()),
                ('pruned_at', models.DateTimeField()),
            ],
            options={
                'indexes': [models.Index(fields=['chain', 'first_retained_sequence'], name='audit_prune')],
                'constraints': [],
            },
        ),
        migrations.CreateModel(
            name='AuditCheckpoint',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('chain', models.CharField(max_length=64)),
                ('kind', models.CharField(max_length=20)),
                ('last_sequence', models.BigIntegerField()),
                ('last_hash', models.CharField(max_length=64)),
                ('first_retained_sequence', models.BigIntegerField(blank=True, null=True)),
                ('signed_at', models.DateTimeField()),
                ('key_id', models.CharField(max_length=32)),
                ('line', models.TextField()),
                ('organisation', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='organisations.organisation')),
            ],
            options={
                'indexes': [models.Index(fields=['chain', '-signed_at'], name='audit_checkpoint_chain')],
                'constraints': [],
            },
        ),
        migrations.RunPython(
            code=_0003.forward,
            reverse_code=_0003.backward,
        ),
        migrations.RunPython(
            code=_0007.install_triggers,
            reverse_code=_0007.remove_prune_exception,
        ),
    ]
