# Made by scripts/squash_migrations.py for new databases: 7 operations instead of 19.
import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [('subjects', '0001_initial'), ('subjects', '0002_answers'), ('subjects', '0003_answer_being_carried_out')]

    initial = True

    dependencies = [
        ('access', '0003_case_closed_at'),
        ('access', '0005_tbi_listener_and_presence'),
        ('organisations', '0013_subject_request_rights'),
        ('recordings', '0006_ingest_token_lifecycle'),
        ('recordings', '0008_customer_number'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='PublicRequestForm',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('enabled', models.BooleanField(default=False, verbose_name='published')),
                ('changed_at', models.DateTimeField(auto_now=True)),
                ('changed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('organisation', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='public_request_form', to='organisations.organisation')),
            ],
            options={
                'verbose_name': 'public request form',
                'verbose_name_plural': 'public request forms',
                'indexes': [],
                'constraints': [],
            },
        ),
        migrations.CreateModel(
            name='SubjectRequest',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('reference', models.CharField(blank=True, max_length=50, verbose_name='reference')),
                ('right', models.CharField(choices=[('access', 'Access (art. 15)'), ('erasure', 'Erasure (art. 17)'), ('restriction', 'Restriction (art. 18)'), ('objection', 'Objection (art. 21)')], max_length=16, verbose_name='right')),
                ('status', models.CharField(choices=[('unconfirmed', 'Not yet confirmed by e-mail'), ('open', 'Open'), ('answered', 'Answered'), ('withdrawn', 'Withdrawn')], default='open', max_length=16, verbose_name='status')),
                ('received_on', models.DateField(verbose_name='received on')),
                ('received_via', models.CharField(choices=[('public_form', 'The public request form'), ('email', 'E-mail'), ('letter', 'Letter'), ('phone', 'Phone'), ('in_person', 'In person')], max_length=16, verbose_name='received via')),
                ('requester_name', models.CharField(max_length=200, verbose_name="requester's name")),
                ('requester_email', models.EmailField(blank=True, max_length=254, verbose_name="requester's e-mail address")),
                ('description', models.TextField(blank=True, verbose_name='description')),
                ('deadline', models.DateField(verbose_name='deadline')),
                ('extended_deadline', models.DateField(blank=True, null=True, verbose_name='extended deadline')),
                ('extension_reason', models.TextField(blank=True, verbose_name='reason for the extension')),
                ('extended_at', models.DateTimeField(blank=True, null=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('confirmed_at', models.DateTimeField(blank=True, null=True, verbose_name='confirmed')),
                ('confirmation_token_hash', models.CharField(blank=True, max_length=64, null=True, unique=True)),
                ('confirmation_expires_at', models.DateTimeField(blank=True, null=True)),
                ('decision', models.CharField(blank=True, choices=[('granted', 'Granted'), ('partly_granted', 'Partly granted'), ('refused', 'Refused'), ('nothing_found', 'Nothing found about the person')], max_length=16, verbose_name='decision')),
                ('decision_reason', models.TextField(blank=True, verbose_name='reason for the decision')),
                ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='decided')),
                ('answer_language', models.CharField(choices=[('nl', 'Dutch'), ('en', 'English')], default='nl', max_length=2, verbose_name='language of the answer')),
                ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='closed')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('extended_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='subject_requests', to='organisations.organisation')),
            ],
            options={
                'verbose_name': 'data subject request',
                'verbose_name_plural': 'data subject requests',
                'ordering': ['deadline', 'created_at'],
                'indexes': [models.Index(fields=['organisation', 'status', 'deadline'], name='subj_org_status_dl'), models.Index(fields=['status', 'deadline'], name='subj_status_deadline')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('reference', ''), _negated=True), fields=('organisation', 'reference'), name='subject_request_reference_unique_in_org'), models.CheckConstraint(condition=models.Q(('status__in', ['unconfirmed', 'open', 'answered', 'withdrawn'])), name='subject_request_status_is_known'), models.CheckConstraint(condition=models.Q(('right__in', ['access', 'erasure', 'restriction', 'objection'])), name='subject_request_right_is_known'), models.CheckConstraint(condition=models.Q(('extended_deadline__isnull', True), models.Q(('extension_reason', ''), _negated=True), _connector='OR'), name='subject_request_extension_has_reason')],
            },
        ),
        migrations.CreateModel(
            name='SubjectIdentifier',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('phone', 'Phone number'), ('name', 'Name'), ('customer_number', 'Customer number'), ('bsn', 'BSN'), ('email', 'E-mail address')], max_length=16, verbose_name='kind')),
                ('digest', models.CharField(max_length=64)),
                ('display', models.CharField(max_length=200, verbose_name='identifier')),
                ('request', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='identifiers', to='subjects.subjectrequest')),
            ],
            options={
                'verbose_name': 'identifier',
                'verbose_name_plural': 'identifiers',
                'ordering': ['kind', 'id'],
                'indexes': [models.Index(fields=['kind', 'digest'], name='subj_ident_kind_digest')],
                'constraints': [models.UniqueConstraint(fields=('request', 'kind', 'digest'), name='subject_identifier_once_per_request')],
            },
        ),
        migrations.CreateModel(
            name='SubjectDeadlineWarning',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('days_before', models.PositiveSmallIntegerField()),
                ('deadline', models.DateField()),
                ('sent_at', models.DateTimeField(auto_now_add=True)),
                ('recipients', models.PositiveSmallIntegerField(default=0)),
                ('request', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='deadline_warnings', to='subjects.subjectrequest')),
            ],
            options={
                'indexes': [],
                'constraints': [models.UniqueConstraint(fields=('request', 'deadline', 'days_before'), name='subject_warning_once')],
            },
        ),
        migrations.CreateModel(
            name='PublicSubmission',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('client_digest', models.CharField(max_length=64)),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='organisations.organisation')),
            ],
            options={
                'indexes': [models.Index(fields=['client_digest', 'created_at'], name='subj_sub_client'), models.Index(fields=['organisation', 'created_at'], name='subj_sub_org')],
                'constraints': [],
            },
        ),
        migrations.CreateModel(
            name='SubjectReferenceCounter',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField()),
                ('last_number', models.PositiveIntegerField(default=0)),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='organisations.organisation')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('organisation', 'year'), name='subject_reference_counter_unique')],
                'indexes': [],
            },
        ),
        migrations.CreateModel(
            name='SubjectAnswer',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('action', models.CharField(choices=[('copy', 'Send a copy of the data'), ('erasure', 'Erase the calls'), ('decision_only', 'Record the decision only')], max_length=16, verbose_name='action')),
                ('media', models.CharField(blank=True, choices=[('audio', 'The audio of each call'), ('transcript', 'An approved anonymised transcript where there is one'), ('metadata', 'Metadata and listens only, no audio')], max_length=16, verbose_name='what the copy holds of each call')),
                ('decision', models.CharField(choices=[('granted', 'Granted'), ('partly_granted', 'Partly granted'), ('refused', 'Refused'), ('nothing_found', 'Nothing found about the person')], max_length=16, verbose_name='decision')),
                ('reason', models.TextField(verbose_name='reason for the decision')),
                ('language', models.CharField(choices=[('nl', 'Dutch'), ('en', 'English')], max_length=2, verbose_name='language of the answer')),
                ('status', models.CharField(choices=[('proposed', "Waiting for a second person's approval"), ('approved', 'Approved, being carried out'), ('carried_out', 'Approved and carried out'), ('rejected', 'Rejected by the second person')], default='proposed', max_length=16, verbose_name='status')),
                ('prepared_at', models.DateTimeField(auto_now_add=True)),
                ('approved_at', models.DateTimeField(blank=True, null=True)),
                ('rejected_at', models.DateTimeField(blank=True, null=True)),
                ('rejection_reason', models.TextField(blank=True, verbose_name='reason for the rejection')),
                ('outcome', models.JSONField(blank=True, default=dict)),
                ('approved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('disclosure', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='access.disclosure')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='organisations.organisation')),
                ('prepared_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('recordings', models.ManyToManyField(blank=True, related_name='+', to='recordings.recording')),
                ('rejected_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('subject_request', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='answers', to='subjects.subjectrequest')),
            ],
            options={
                'verbose_name': 'answer to a data subject request',
                'verbose_name_plural': 'answers to data subject requests',
                'ordering': ['-prepared_at'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('status', 'rejected'), _negated=True), fields=('subject_request',), name='subject_answer_one_in_play'), models.CheckConstraint(condition=models.Q(('approved_by__isnull', True), models.Q(('approved_by', models.F('prepared_by')), _negated=True), _connector='OR'), name='subject_answer_four_eyes'), models.CheckConstraint(condition=models.Q(('status__in', ['proposed', 'approved', 'carried_out', 'rejected'])), name='subject_answer_status_is_known')],
                'indexes': [],
            },
        ),
    ]
