# Made by scripts/squash_migrations.py for new databases: 4 operations instead of 11.
import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [('retention', '0001_initial'), ('retention', '0002_destruction_lists'), ('retention', '0003_purgerun_case_records'), ('retention', '0004_purgerun_others_erased'), ('retention', '0005_purge_run_requested_trigger'), ('retention', '0006_purge_run_schedule_label')]

    initial = True

    dependencies = [
        ('access', '0002_four_eyes'),
        ('organisations', '0003_access_rights'),
        ('organisations', '0006_reports'),
        ('recordings', '0002_purge_fields'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='LegalHold',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('motivation', models.TextField(verbose_name='motivation')),
                ('review_on', models.DateField(verbose_name='review on')),
                ('status', models.CharField(choices=[('pending', 'Waiting for approval'), ('active', 'Active'), ('release_pending', 'Release waiting for approval'), ('released', 'Released'), ('denied', 'Denied')], default='pending', max_length=16, verbose_name='status')),
                ('release_reason', models.TextField(blank=True, verbose_name='reason for release')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('approved_at', models.DateTimeField(blank=True, null=True)),
                ('released_at', models.DateTimeField(blank=True, null=True)),
                ('approved_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('case', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='legal_holds', to='access.case', verbose_name='case')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='legal_holds', to='organisations.organisation')),
                ('placed_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('recordings', models.ManyToManyField(related_name='legal_holds', to='recordings.recording', verbose_name='recordings')),
                ('release_requested_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('released_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'legal hold',
                'verbose_name_plural': 'legal holds',
                'ordering': ['-created_at'],
                'indexes': [],
                'constraints': [],
            },
        ),
        migrations.CreateModel(
            name='RetentionChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('retention_days', models.PositiveIntegerField()),
                ('affected', models.PositiveIntegerField(default=0)),
                ('status', models.CharField(choices=[('pending', 'Waiting for approval'), ('applied', 'Applied'), ('denied', 'Denied')], default='pending', max_length=16)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
                ('decided_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='retention_changes', to='organisations.organisation')),
                ('proposed_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-created_at'],
                'indexes': [],
                'constraints': [],
            },
        ),
        migrations.CreateModel(
            name='PurgeRun',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('trigger', models.CharField(choices=[('schedule', 'Schedule'), ('command', 'Command line'), ('early_erasure', 'Early erasure'), ('requested', 'Started from the retention page')], max_length=16)),
                ('started_at', models.DateTimeField()),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('horizon', models.DateTimeField(help_text='Everything whose deadline falls before this moment is erased by this run.')),
                ('status', models.CharField(choices=[('running', 'Running'), ('finished', 'Finished'), ('failed', 'Failed')], default='running', max_length=16)),
                ('purged', models.PositiveIntegerField(default=0)),
                ('bytes_freed', models.BigIntegerField(default=0)),
                ('held', models.PositiveIntegerField(default=0)),
                ('failed', models.PositiveIntegerField(default=0)),
                ('overdue', models.PositiveIntegerField(default=0, help_text='Calls past their deadline and not erased when the run ended.')),
                ('error', models.TextField(blank=True)),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='purge_runs', to='organisations.organisation')),
                ('cases_erased', models.PositiveIntegerField(default=0)),
                ('disclosures_erased', models.PositiveIntegerField(default=0)),
                ('records_failed', models.PositiveIntegerField(default=0, help_text='Cases or requests kept because a disclosure copy would not go.')),
                ('requests_erased', models.PositiveIntegerField(default=0)),
                ('others_erased', models.JSONField(blank=True, default=dict)),
            ],
            options={
                'ordering': ['-started_at'],
                'indexes': [models.Index(fields=['organisation', '-started_at'], name='purgerun_org_time')],
                'constraints': [],
            },
        ),
        migrations.CreateModel(
            name='DestructionList',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('number', models.PositiveIntegerField()),
                ('status', models.CharField(choices=[('proposed', 'Proposed, waiting for approval'), ('destroyed', 'Approved and destroyed'), ('rejected', 'Rejected')], default='proposed', max_length=16)),
                ('items', models.JSONField()),
                ('grounds', models.JSONField()),
                ('proposed_at', models.DateTimeField(auto_now_add=True)),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
                ('destroyed_at', models.DateTimeField(blank=True, null=True)),
                ('decided_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='destruction_lists', to='organisations.organisation')),
                ('proposed_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-proposed_at'],
                'constraints': [models.UniqueConstraint(fields=('organisation', 'number'), name='destruction_list_number_unique')],
                'indexes': [],
            },
        ),
    ]
