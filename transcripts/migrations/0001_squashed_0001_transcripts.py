# Made by scripts/squash_migrations.py for new databases: 6 operations instead of 15.
import django.core.validators
import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [('transcripts', '0001_transcripts')]

    initial = True

    dependencies = [
        ('access', '0003_case_closed_at'),
        ('organisations', '0013_subject_request_rights'),
        ('recordings', '0006_ingest_token_lifecycle'),
        ('register', '0004_published_organisation_and_period_set_by_organisation'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Transcript',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('submitted', 'Waiting for approval'), ('approved', 'Approved'), ('sent_back', 'Sent back'), ('exported', 'Exported')], default='draft', max_length=16, verbose_name='status')),
                ('language', models.CharField(choices=[('nl', 'Dutch'), ('en', 'English')], default='nl', max_length=2, verbose_name='language of the call')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('proposed_at', models.DateTimeField(blank=True, null=True)),
                ('submitted_at', models.DateTimeField(blank=True, null=True)),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
                ('exported_at', models.DateTimeField(blank=True, null=True)),
                ('author', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('disclosure', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='access.disclosure')),
                ('grant', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='access.grant')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='transcripts', to='organisations.organisation')),
                ('purpose', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='register.purpose')),
                ('recording', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='transcripts', to='recordings.recording')),
                ('request', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='access.accessrequest')),
            ],
            options={
                'verbose_name': 'transcript',
                'verbose_name_plural': 'transcripts',
                'ordering': ['-created_at'],
                'indexes': [models.Index(fields=['organisation', 'status'], name='transcript_org_status')],
                'constraints': [models.UniqueConstraint(fields=('recording', 'request'), name='one_transcript_per_call_and_request'), models.CheckConstraint(condition=models.Q(('status__in', ['draft', 'submitted', 'approved', 'sent_back', 'exported'])), name='transcript_status_is_known')],
            },
        ),
        migrations.CreateModel(
            name='TranscriptCaseRecord',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('language', models.CharField(choices=[('nl', 'Dutch'), ('en', 'English')], max_length=2)),
                ('anonymised_text', models.TextField()),
                ('sha256', models.CharField(max_length=64)),
                ('call_started_at', models.DateTimeField()),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='transcript_records', to='access.case')),
                ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='transcript_case_records', to='organisations.organisation')),
                ('transcript', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='case_records', to='transcripts.transcript')),
            ],
            options={
                'verbose_name': 'kept anonymised transcript',
                'verbose_name_plural': 'kept anonymised transcripts',
                'ordering': ['-created_at'],
                'indexes': [],
                'constraints': [],
            },
        ),
        migrations.CreateModel(
            name='TranscriptDecision',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('outcome', models.CharField(choices=[('approved', 'Approved'), ('sent_back', 'Sent back')], max_length=16)),
                ('comment', models.TextField(blank=True, verbose_name='comment')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('approver', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('author', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('transcript', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='decisions', to='transcripts.transcript')),
            ],
            options={
                'ordering': ['created_at'],
                'indexes': [],
                'constraints': [models.CheckConstraint(condition=models.Q(('approver', models.F('author')), _negated=True), name='transcript_approved_by_another_person'), models.UniqueConstraint(condition=models.Q(('outcome', 'approved')), fields=('transcript',), name='one_approval_per_transcript')],
            },
        ),
        migrations.CreateModel(
            name='TranscriptPurpose',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('switched_on_at', models.DateTimeField(auto_now_add=True)),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='transcript_purposes', to='organisations.organisation')),
                ('purpose', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='transcript_setting', to='register.purpose')),
                ('switched_on_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'transcript purpose',
                'verbose_name_plural': 'transcript purposes',
                'indexes': [],
                'constraints': [],
            },
        ),
        migrations.CreateModel(
            name='Utterance',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('position', models.PositiveIntegerField()),
                ('start_seconds', models.FloatField(validators=[django.core.validators.MinValueValidator(0)], verbose_name='start (s)')),
                ('end_seconds', models.FloatField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(0)], verbose_name='end (s)')),
                ('speaker', models.CharField(max_length=50, verbose_name='speaker')),
                ('text', models.TextField(validators=[django.core.validators.MaxLengthValidator(10000)], verbose_name='text')),
                ('transcript', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='utterances', to='transcripts.transcript')),
            ],
            options={
                'ordering': ['start_seconds', 'position'],
                'indexes': [],
                'constraints': [models.UniqueConstraint(fields=('transcript', 'position'), name='utterance_position_unique'), models.CheckConstraint(condition=models.Q(('start_seconds__gte', 0)), name='utterance_start_not_negative'), models.CheckConstraint(condition=models.Q(('end_seconds__isnull', True), ('end_seconds__gte', models.F('start_seconds')), _connector='OR'), name='utterance_end_not_before_start')],
            },
        ),
        migrations.CreateModel(
            name='Redaction',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('start', models.PositiveIntegerField()),
                ('end', models.PositiveIntegerField()),
                ('kind', models.CharField(choices=[('name', 'Name'), ('address', 'Address'), ('postcode', 'Postcode'), ('phone', 'Phone number'), ('email', 'E-mail address'), ('bsn', 'BSN'), ('iban', 'Bank account (IBAN)'), ('date_of_birth', 'Date of birth'), ('other', 'Other personal data')], max_length=32, verbose_name='kind')),
                ('detector', models.CharField(max_length=40)),
                ('state', models.CharField(choices=[('proposed', 'Proposed'), ('accepted', 'Accepted'), ('removed', 'Removed')], default='proposed', max_length=16)),
                ('changed_at', models.DateTimeField(auto_now=True)),
                ('changed_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('utterance', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='redactions', to='transcripts.utterance')),
            ],
            options={
                'ordering': ['start', 'end'],
                'indexes': [],
                'constraints': [models.CheckConstraint(condition=models.Q(('end__gt', models.F('start'))), name='redaction_not_empty')],
            },
        ),
    ]
