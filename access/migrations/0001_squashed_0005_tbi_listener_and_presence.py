# Made by scripts/squash_migrations.py for new databases: 8 operations instead of 25.
import access.models
import django.core.validators
import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [('access', '0001_initial'), ('access', '0002_four_eyes'), ('access', '0003_case_closed_at'), ('access', '0004_disclosures_without_request'), ('access', '0005_tbi_listener_and_presence')]

    initial = True

    dependencies = [
        ('audit', '0001_initial'),
        ('organisations', '0002_alter_organisation_options'),
        ('organisations', '0003_access_rights'),
        ('recordings', '0001_initial'),
        ('register', '0002_processingactivity_recorded_customer_fields'),
        ('register', '0004_published_organisation_and_period_set_by_organisation'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='StandingRight',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('role', models.CharField(choices=[('employee', 'Employee'), ('coach', 'Coach'), ('team_leader', 'Team leader'), ('manager', 'Manager'), ('privacy_officer', 'Privacy officer'), ('administrator', 'Administrator'), ('auditor', 'Auditor')], max_length=32, verbose_name='role')),
                ('scope', models.CharField(choices=[('own_calls', 'Calls the person handled'), ('coached_teams', 'Calls of the teams the person works with'), ('organisation', 'All calls of the organisation')], max_length=32, verbose_name='scope')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='standing_rights', to='organisations.organisation')),
                ('purpose', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='register.purpose', verbose_name='purpose')),
            ],
            options={
                'verbose_name': 'standing right',
                'verbose_name_plural': 'standing rights',
                'constraints': [models.UniqueConstraint(fields=('organisation', 'purpose', 'role'), name='one_standing_right_per_purpose_and_role')],
                'indexes': [],
            },
        ),
        migrations.CreateModel(
            name='Case',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('kind', models.CharField(choices=[('complaint', 'Complaint'), ('misconduct', 'Suspected misconduct'), ('threat', 'Threat')], max_length=32, verbose_name='kind')),
                ('reference', models.CharField(max_length=50, verbose_name='reference')),
                ('received_via', models.CharField(choices=[('phone', 'Phone'), ('email', 'E-mail'), ('letter', 'Letter'), ('in_person', 'In person'), ('internal', 'Internal report')], max_length=32, verbose_name='received via')),
                ('received_on', models.DateField(verbose_name='received on')),
                ('customer_contact', models.CharField(blank=True, help_text='How to reach the customer about this case, if it concerns a customer.', max_length=200, verbose_name='customer contact')),
                ('description', models.TextField(verbose_name='description')),
                ('status', models.CharField(choices=[('open', 'Open'), ('closed', 'Closed')], default='open', max_length=16, verbose_name='status')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='cases', to='organisations.organisation')),
                ('recordings', models.ManyToManyField(blank=True, related_name='cases', to='recordings.recording', verbose_name='recordings')),
                ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='closed at')),
            ],
            options={
                'verbose_name': 'case',
                'verbose_name_plural': 'cases',
                'ordering': ['-received_on', '-created_at'],
                'indexes': [],
                'constraints': [models.UniqueConstraint(fields=('organisation', 'reference'), name='case_reference_unique_in_org')],
            },
        ),
        migrations.CreateModel(
            name='AccessRequest',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('kind', models.CharField(choices=[('playback', 'Playback'), ('disclosure', 'Disclosure to an outside recipient')], default='playback', max_length=16, verbose_name='kind')),
                ('motivation', models.TextField(verbose_name='motivation')),
                ('recipient_email', models.EmailField(blank=True, max_length=254, verbose_name="recipient's e-mail address")),
                ('status', models.CharField(choices=[('pending', 'Pending'), ('approved', 'Approved'), ('denied', 'Denied'), ('withdrawn', 'Withdrawn'), ('expired', 'Expired'), ('revoked', 'Revoked')], default='pending', max_length=16, verbose_name='status')),
                ('approvals_required', models.PositiveSmallIntegerField(default=1)),
                ('policy_version', models.PositiveIntegerField(default=0)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('expires_at', models.DateTimeField(verbose_name='unanswered until')),
                ('closed_at', models.DateTimeField(blank=True, null=True)),
                ('escalated_to', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='access_requests', to='organisations.organisation')),
                ('purpose', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='register.purpose', verbose_name='purpose')),
                ('recipient', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='register.recipient', verbose_name='recipient')),
                ('recordings', models.ManyToManyField(related_name='access_requests', to='recordings.recording', verbose_name='recordings')),
                ('requester', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='access_requests', to=settings.AUTH_USER_MODEL)),
                ('case', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='requests', to='access.case', verbose_name='case')),
                ('listener', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='listener')),
            ],
            options={
                'verbose_name': 'request',
                'verbose_name_plural': 'requests',
                'ordering': ['-created_at'],
                'indexes': [models.Index(fields=['organisation', 'status'], name='request_org_status')],
                'constraints': [models.CheckConstraint(condition=models.Q(('listener', models.F('requester')), _negated=True), name='listener_is_not_requester')],
            },
        ),
        migrations.CreateModel(
            name='Disclosure',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('recipient_email', models.EmailField(max_length=254)),
                ('token_hash', models.CharField(max_length=64, unique=True)),
                ('code_hash', models.CharField(max_length=128)),
                ('failed_code_attempts', models.PositiveSmallIntegerField(default=0)),
                ('storage_key', models.CharField(blank=True, max_length=200)),
                ('sha256', models.CharField(max_length=64)),
                ('size_bytes', models.BigIntegerField()),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('expires_at', models.DateTimeField()),
                ('cancelled_at', models.DateTimeField(blank=True, null=True)),
                ('copy_deleted_at', models.DateTimeField(blank=True, null=True)),
                ('downloads', models.PositiveIntegerField(default=0)),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='disclosures', to='organisations.organisation')),
                ('recipient', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='register.recipient')),
                ('request', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='disclosure', to='access.accessrequest')),
                ('contents', models.CharField(choices=[('recordings', 'Call recordings'), ('transcript', 'An anonymised transcript of a call'), ('subject_copy', 'A copy of the personal data held about you')], default='recordings', max_length=20)),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('purpose_code', models.CharField(blank=True, max_length=100)),
                ('recipient_label', models.CharField(default='', max_length=200)),
            ],
            options={
                'ordering': ['-created_at'],
                'indexes': [],
                'constraints': [],
            },
        ),
        migrations.CreateModel(
            name='Grant',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('starts_at', models.DateTimeField()),
                ('expires_at', models.DateTimeField()),
                ('max_plays', models.PositiveIntegerField(blank=True, null=True)),
                ('plays', models.PositiveIntegerField(default=0)),
                ('revoked_at', models.DateTimeField(blank=True, null=True)),
                ('request', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='grant', to='access.accessrequest')),
                ('revoked_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-starts_at'],
                'indexes': [],
                'constraints': [],
            },
        ),
        migrations.CreateModel(
            name='PolicyVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveIntegerField()),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('summary', models.CharField(blank=True, max_length=300)),
                ('snapshot', models.JSONField()),
                ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='policy_versions', to='organisations.organisation')),
            ],
            options={
                'ordering': ['organisation', '-number'],
                'indexes': [],
                'constraints': [models.UniqueConstraint(fields=('organisation', 'number'), name='policy_version_unique_in_org')],
            },
        ),
        migrations.CreateModel(
            name='PurposeRule',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('requester_roles', models.JSONField(blank=True, default=list, validators=[access.models._validate_roles], verbose_name='who may ask')),
                ('approver_roles', models.JSONField(blank=True, default=list, validators=[access.models._validate_roles], verbose_name='who may approve')),
                ('approvals_required', models.PositiveSmallIntegerField(default=1, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(3)], verbose_name='approvals needed')),
                ('grant_hours', models.PositiveIntegerField(default=72, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(1488)], verbose_name='grant lasts (hours)')),
                ('max_plays', models.PositiveIntegerField(blank=True, help_text="Empty: no limit within the grant's time.", null=True, validators=[django.core.validators.MinValueValidator(1)], verbose_name='plays per grant')),
                ('case_required', models.BooleanField(default=False, verbose_name='a case must be linked')),
                ('case_kind', models.CharField(blank=True, choices=[('complaint', 'Complaint'), ('misconduct', 'Suspected misconduct'), ('threat', 'Threat')], help_text='Cases of this kind are visible to the roles named in this rule.', max_length=32, verbose_name='kind of case')),
                ('request_expiry_hours', models.PositiveIntegerField(default=168, validators=[django.core.validators.MinValueValidator(1)], verbose_name='an unanswered request expires after (hours)')),
                ('disclosure_link_days', models.PositiveSmallIntegerField(default=7, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(30)], verbose_name='a disclosure link works for (days)')),
                ('disclosure_recipients', models.ManyToManyField(blank=True, related_name='+', to='register.recipient', verbose_name='outside recipients who may receive a copy')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='purpose_rules', to='organisations.organisation')),
                ('purpose', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='access_rule', to='register.purpose', verbose_name='purpose')),
                ('employee_present', models.BooleanField(default=False, help_text='Before the first second of audio the listener confirms that the employee who handled the call is with them; the listen is recorded as heard with the employee.', verbose_name='played only with the employee present')),
                ('employee_request_listener', models.BooleanField(default=False, help_text='An employee who asks names who will listen (a member whose role may ask under this rule, not an employee); the grant goes to that person, the employee must be present, and the approver is a third person.', verbose_name="an employee's request is heard by someone else together with the employee")),
            ],
            options={
                'verbose_name': 'access rule',
                'verbose_name_plural': 'access rules',
                'ordering': ['purpose__position'],
                'indexes': [],
                'constraints': [],
            },
        ),
        migrations.CreateModel(
            name='RequestDecision',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('outcome', models.CharField(choices=[('approve', 'Approved'), ('deny', 'Denied'), ('escalate', 'Escalated')], max_length=16)),
                ('comment', models.TextField(blank=True, verbose_name='comment')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('approver', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('request', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='decisions', to='access.accessrequest')),
            ],
            options={
                'ordering': ['created_at'],
                'indexes': [],
                'constraints': [models.UniqueConstraint(condition=models.Q(('outcome', 'approve')), fields=('request', 'approver'), name='one_approval_per_person')],
            },
        ),
    ]
