# Made by scripts/squash_migrations.py for new databases: 4 operations instead of 52.
import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [('recordings', '0001_initial'), ('recordings', '0002_purge_fields'), ('recordings', '0003_register_evidence_indexes'), ('recordings', '0004_fewer_recording_indexes'), ('recordings', '0005_live_only_indexes'), ('recordings', '0006_ingest_token_lifecycle'), ('recordings', '0007_customer_identifier_digests'), ('recordings', '0008_customer_number'), ('recordings', '0009_archive_import')]

    initial = True

    dependencies = [
        ('organisations', '0002_alter_organisation_options'),
        ('organisations', '0004_retention_rights'),
        ('organisations', '0006_reports'),
        ('organisations', '0013_subject_request_rights'),
        ('organisations', '0014_organisation_name_single_line'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='IngestToken',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, verbose_name='name')),
                ('token_hash', models.CharField(max_length=64, unique=True)),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('last_used_at', models.DateTimeField(blank=True, null=True, verbose_name='last used')),
                ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='revoked')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='ingest_tokens', to='organisations.organisation')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                ('expires_at', models.DateTimeField(blank=True, null=True, verbose_name='expires')),
                ('revoked_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='revoked by')),
            ],
            options={
                'verbose_name': 'ingest token',
                'verbose_name_plural': 'ingest tokens',
                'indexes': [],
                'constraints': [],
            },
        ),
        migrations.CreateModel(
            name='Recording',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('call_id', models.CharField(max_length=128, verbose_name='call id')),
                ('started_at', models.DateTimeField(verbose_name='start')),
                ('duration_seconds', models.FloatField(verbose_name='duration (s)')),
                ('direction', models.CharField(choices=[('inbound', 'Inbound'), ('outbound', 'Outbound'), ('internal', 'Internal')], max_length=16, verbose_name='direction')),
                ('queue', models.CharField(blank=True, max_length=100, verbose_name='queue / line')),
                ('customer_phone', models.CharField(blank=True, max_length=20, verbose_name='customer phone number')),
                ('customer_name', models.CharField(blank=True, max_length=200, verbose_name='customer name')),
                ('customer_address', models.CharField(blank=True, max_length=300, verbose_name='customer address')),
                ('customer_postcode', models.CharField(blank=True, max_length=10, verbose_name='customer postcode')),
                ('customer_bsn', models.CharField(blank=True, max_length=9, verbose_name='customer BSN')),
                ('customer_gender', models.CharField(blank=True, max_length=20, verbose_name='customer gender')),
                ('customer_date_of_birth', models.DateField(blank=True, null=True, verbose_name='customer date of birth')),
                ('announcement', models.CharField(blank=True, max_length=100, verbose_name='recording announcement')),
                ('storage_key', models.CharField(max_length=200)),
                ('size_bytes', models.BigIntegerField(verbose_name='size (bytes)')),
                ('sha256', models.CharField(max_length=64, verbose_name='SHA-256')),
                ('container', models.CharField(max_length=20, verbose_name='container')),
                ('codec', models.CharField(max_length=40, verbose_name='codec')),
                ('channels', models.PositiveSmallIntegerField(verbose_name='channels')),
                ('sample_rate', models.PositiveIntegerField(verbose_name='sample rate')),
                ('audio_duration_seconds', models.FloatField(verbose_name='audio duration (s)')),
                ('purge_deadline', models.DateTimeField(verbose_name='erased at the latest')),
                ('retention_days', models.PositiveIntegerField(verbose_name='retention applied (days)')),
                ('status', models.CharField(choices=[('incoming', 'Being stored'), ('active', 'Active'), ('held', 'Under legal hold'), ('purged', 'Purged')], default='incoming', max_length=16, verbose_name='status')),
                ('ingested_at', models.DateTimeField(auto_now_add=True, verbose_name='ingested')),
                ('ingested_via', models.CharField(choices=[('upload', 'Browser upload'), ('api', 'HTTP API'), ('drop_folder', 'Drop folder'), ('archive', 'Archive import')], max_length=16, verbose_name='ingested via')),
                ('employee', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='recordings', to='organisations.employee', verbose_name='employee')),
                ('organisation', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='recordings', to='organisations.organisation')),
                ('purge_error', models.CharField(blank=True, max_length=300)),
                ('purge_failed_at', models.DateTimeField(blank=True, null=True)),
                ('purged_at', models.DateTimeField(blank=True, null=True, verbose_name='purged')),
                ('customer_bsn_digest', models.CharField(blank=True, editable=False, max_length=64, null=True)),
                ('customer_name_digest', models.CharField(blank=True, editable=False, max_length=64, null=True)),
                ('customer_phone_digest', models.CharField(blank=True, editable=False, max_length=64, null=True)),
                ('customer_number', models.CharField(blank=True, db_default='', default='', max_length=100, verbose_name='customer number')),
                ('customer_number_digest', models.CharField(blank=True, editable=False, max_length=64, null=True)),
            ],
            options={
                'verbose_name': 'recording',
                'verbose_name_plural': 'recordings',
                'indexes': [models.Index(condition=models.Q(('status', 'purged'), _negated=True), fields=['organisation', '-started_at', '-id'], name='rec_org_start'), models.Index(condition=models.Q(('status', 'purged'), _negated=True), fields=['organisation', 'employee', '-started_at', '-id'], name='rec_org_employee_start'), models.Index(condition=models.Q(('status', 'purged'), _negated=True), fields=['organisation', 'queue', '-started_at', '-id'], name='rec_org_queue_start'), models.Index(condition=models.Q(('status', 'purged'), _negated=True), fields=['organisation', 'customer_phone', '-started_at', '-id'], name='rec_org_phone_start'), models.Index(condition=models.Q(('status', 'purged'), _negated=True), fields=['status', 'purge_deadline'], name='rec_status_deadline'), models.Index(condition=models.Q(('status', 'purged'), _negated=True), fields=['organisation', 'status', 'started_at'], name='rec_org_status_start'), models.Index(condition=models.Q(('status', 'purged'), _negated=True), fields=['organisation', 'status', 'retention_days'], name='rec_org_status_period'), models.Index(condition=models.Q(('employee__isnull', False)), fields=['employee'], name='rec_employee'), models.Index(condition=models.Q(models.Q(('status', 'purged'), _negated=True), ('customer_phone_digest__isnull', False)), fields=['organisation', 'customer_phone_digest'], name='rec_org_phone_digest'), models.Index(condition=models.Q(models.Q(('status', 'purged'), _negated=True), ('customer_bsn_digest__isnull', False)), fields=['organisation', 'customer_bsn_digest'], name='rec_org_bsn_digest'), models.Index(condition=models.Q(models.Q(('status', 'purged'), _negated=True), ('customer_name_digest__isnull', False)), fields=['organisation', 'customer_name_digest'], name='rec_org_name_digest'), models.Index(condition=models.Q(models.Q(('status', 'purged'), _negated=True), ('customer_number_digest__isnull', False)), fields=['organisation', 'customer_number_digest'], name='rec_org_number_digest')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('status', 'purged'), _negated=True), fields=('organisation', 'sha256'), name='recording_audio_unique_in_org'), models.CheckConstraint(condition=models.Q(('status__in', ['incoming', 'active', 'held', 'purged'])), name='recording_status_is_known'), models.UniqueConstraint(condition=models.Q(('status', 'purged'), _negated=True), fields=('organisation', 'call_id'), name='recording_call_id_unique_in_org'), models.UniqueConstraint(condition=models.Q(('status', 'purged'), _negated=True), fields=('storage_key',), name='recording_storage_key_unique')],
            },
        ),
        migrations.CreateModel(
            name='ArchiveImport',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('root', models.TextField(verbose_name='folder')),
                ('started_at', models.DateTimeField(auto_now_add=True, verbose_name='started')),
                ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished')),
                ('files', models.PositiveIntegerField(default=0, verbose_name='files')),
                ('imported', models.PositiveIntegerField(default=0, verbose_name='imported')),
                ('refused', models.PositiveIntegerField(default=0, verbose_name='refused')),
                ('already_imported', models.PositiveIntegerField(default=0, verbose_name='already imported')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='archive_imports', to='organisations.organisation')),
            ],
            options={
                'verbose_name': 'archive import',
                'verbose_name_plural': 'archive imports',
                'indexes': [],
                'constraints': [models.UniqueConstraint(condition=models.Q(('finished_at__isnull', True)), fields=('organisation', 'root'), name='archive_import_one_open_run')],
            },
        ),
        migrations.CreateModel(
            name='ArchiveImportFile',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('path', models.TextField()),
                ('outcome', models.CharField(choices=[('imported', 'Imported'), ('already', 'Already imported'), ('refused', 'Refused')], max_length=16)),
                ('code', models.CharField(blank=True, max_length=40)),
                ('message', models.TextField(blank=True)),
                ('recording', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='recordings.recording')),
                ('run', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='entries', to='recordings.archiveimport')),
            ],
            options={
                'indexes': [models.Index(condition=models.Q(('recording__isnull', False)), fields=['recording'], name='archive_file_recording')],
                'constraints': [models.UniqueConstraint(fields=('run', 'path'), name='archive_import_file_once')],
            },
        ),
    ]
