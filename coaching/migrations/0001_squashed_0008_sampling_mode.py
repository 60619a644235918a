# Made by scripts/squash_migrations.py for new databases: 27 operations instead of 34.
import django.core.validators
import django.db.models.deletion
import uuid
from django.conf import settings
from importlib import import_module

from django.db import migrations, models


# Functions from the following migrations need manual copying.
# Move them and any dependencies into this file, then update the
# RunPython operations to refer to the local versions:
# coaching.migrations.0002_used_versions_are_frozen

_0002 = import_module("coaching.migrations.0002_used_versions_are_frozen")


class Migration(migrations.Migration):

    replaces = [('coaching', '0001_initial'), ('coaching', '0002_used_versions_are_frozen'), ('coaching', '0003_consent_and_calibration'), ('coaching', '0004_random_samples'), ('coaching', '0005_disputes'), ('coaching', '0006_reports'), ('coaching', '0007_report_rollups'), ('coaching', '0008_sampling_mode')]

    initial = True

    dependencies = [
        ('organisations', '0004_retention_rights'),
        ('organisations', '0005_coaching_rights'),
        ('organisations', '0006_reports'),
        ('recordings', '0003_register_evidence_indexes'),
        ('register', '0003_register_versions_and_recording_policy'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='FormSection',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('position', models.PositiveSmallIntegerField(default=0)),
                ('title', models.CharField(max_length=200, verbose_name='section')),
            ],
            options={
                'verbose_name': 'section',
                'verbose_name_plural': 'sections',
                'ordering': ['version', 'position'],
            },
        ),
        migrations.CreateModel(
            name='Criterion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('position', models.PositiveSmallIntegerField(default=0)),
                ('text', models.CharField(max_length=300, verbose_name='criterion')),
                ('guidance', models.TextField(blank=True, verbose_name='guidance')),
                ('answer_type', models.CharField(choices=[('yes_no', 'Yes / no / not applicable'), ('scale_1_5', '1 to 5'), ('scale_0_10', '0 to 10')], default='yes_no', max_length=16, verbose_name='answer')),
                ('weight', models.PositiveSmallIntegerField(default=1, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(100)], verbose_name='weight')),
                ('kind', models.CharField(choices=[('normal', 'Counts in the score'), ('critical', 'Critical: scored separately'), ('fatal', 'Fatal: failing it fails the evaluation')], default='normal', max_length=16, verbose_name='counts as')),
                ('not_applicable_allowed', models.BooleanField(default=True, verbose_name='may be answered not applicable')),
                ('section', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='criteria', to='coaching.formsection')),
            ],
            options={
                'verbose_name': 'criterion',
                'verbose_name_plural': 'criteria',
                'ordering': ['section', 'position'],
                'indexes': [],
                'constraints': [],
            },
        ),
        migrations.CreateModel(
            name='FormVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveIntegerField(verbose_name='version')),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('published', 'In use'), ('retired', 'Replaced by a newer version')], default='draft', max_length=16, verbose_name='status')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('published_at', models.DateTimeField(blank=True, null=True)),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'QM form version',
                'verbose_name_plural': 'QM form versions',
                'ordering': ['form', '-number'],
            },
        ),
        migrations.AddField(
            model_name='formsection',
            name='version',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='sections', to='coaching.formversion'),
        ),
        migrations.CreateModel(
            name='Evaluation',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('call_started_at', models.DateTimeField(verbose_name='call')),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('released', 'Released to the employee'), ('acknowledged', 'Acknowledged'), ('disputed', 'Disputed'), ('retracted', 'Retracted')], default='draft', max_length=16, verbose_name='status')),
                ('score', models.DecimalField(decimal_places=2, max_digits=5, null=True, verbose_name='score')),
                ('critical_score', models.DecimalField(decimal_places=2, max_digits=5, null=True, verbose_name='critical score')),
                ('fatal_failed', models.BooleanField(default=False, verbose_name='failed on a fatal criterion')),
                ('summary', models.TextField(blank=True, verbose_name='summary for the employee')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('released_at', models.DateTimeField(blank=True, null=True)),
                ('acknowledged_at', models.DateTimeField(blank=True, null=True)),
                ('retracted_reason', models.TextField(blank=True, verbose_name='reason for retracting')),
                ('coach', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='evaluations_given', to=settings.AUTH_USER_MODEL)),
                ('employee', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='evaluations', to='organisations.employee')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='evaluations', to='organisations.organisation')),
                ('purpose', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='register.purpose')),
                ('recording', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='recordings.recording')),
                ('form_version', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='evaluations', to='coaching.formversion')),
            ],
            options={
                'verbose_name': 'evaluation',
                'verbose_name_plural': 'evaluations',
                'ordering': ['-created_at'],
            },
        ),
        migrations.CreateModel(
            name='QMForm',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200, verbose_name='name')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='qm_forms', to='organisations.organisation')),
            ],
            options={
                'verbose_name': 'QM form',
                'verbose_name_plural': 'QM forms',
                'ordering': ['organisation', 'name'],
                'indexes': [],
                'constraints': [models.UniqueConstraint(fields=('organisation', 'name'), name='qm_form_name_unique')],
            },
        ),
        migrations.AddField(
            model_name='formversion',
            name='form',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='versions', to='coaching.qmform'),
        ),
        migrations.AddConstraint(
            model_name='formversion',
            constraint=models.UniqueConstraint(fields=('form', 'number'), name='qm_version_number_unique'),
        ),
        migrations.CreateModel(
            name='TimedComment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('second', models.DecimalField(decimal_places=1, max_digits=8)),
                ('text', models.TextField()),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('evaluation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='timed_comments', to='coaching.evaluation')),
            ],
            options={
                'ordering': ['evaluation', 'second'],
                'indexes': [],
                'constraints': [],
            },
        ),
        migrations.CreateModel(
            name='Answer',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('value', models.SmallIntegerField(blank=True, null=True)),
                ('not_applicable', models.BooleanField(default=False)),
                ('comment', models.TextField(blank=True)),
                ('criterion', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='coaching.criterion')),
                ('evaluation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='answers', to='coaching.evaluation')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('evaluation', 'criterion'), name='one_answer_per_criterion'), models.CheckConstraint(condition=models.Q(('not_applicable', True), ('value__isnull', False), _negated=True), name='not_applicable_has_no_value')],
                'indexes': [],
            },
        ),
        migrations.CreateModel(
            name='CalibrationSession',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('hide_employee', models.BooleanField(default=True, verbose_name="hide the employee's name until closed")),
                ('closes_by', models.DateField(verbose_name='to be closed by')),
                ('status', models.CharField(choices=[('open', 'Open: scoring blind'), ('closed', 'Closed: compared')], default='open', max_length=16, verbose_name='status')),
                ('call_started_at', models.DateTimeField(verbose_name='call')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('closed_at', models.DateTimeField(blank=True, null=True)),
                ('expert', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='expert (the reference)')),
                ('form_version', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='coaching.formversion')),
                ('lead', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='calibration_sessions', to='organisations.organisation')),
                ('participants', models.ManyToManyField(related_name='+', to=settings.AUTH_USER_MODEL)),
                ('purpose', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='register.purpose')),
                ('recording', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='recordings.recording')),
            ],
            options={
                'verbose_name': 'calibration session',
                'verbose_name_plural': 'calibration sessions',
                'ordering': ['-created_at'],
            },
        ),
        migrations.AddField(
            model_name='evaluation',
            name='calibration',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='scores', to='coaching.calibrationsession'),
        ),
        migrations.AddIndex(
            model_name='evaluation',
            index=models.Index(fields=['organisation', 'status', '-created_at'], name='eval_org_status'),
        ),
        migrations.AddIndex(
            model_name='evaluation',
            index=models.Index(fields=['organisation', 'employee', '-created_at'], name='eval_org_emp'),
        ),
        migrations.AddIndex(
            model_name='evaluation',
            index=models.Index(fields=['organisation', 'released_at'], name='eval_org_released'),
        ),
        migrations.CreateModel(
            name='Consent',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('use', models.CharField(choices=[('calibration', 'as a calibration case'), ('training', 'as training material')], max_length=16, verbose_name='use')),
                ('status', models.CharField(choices=[('pending', 'Asked, not yet answered'), ('granted', 'Granted'), ('refused', 'Refused'), ('withdrawn', 'Withdrawn')], default='pending', max_length=16, verbose_name='status')),
                ('note', models.TextField(blank=True, verbose_name='why the coach asks')),
                ('asked_at', models.DateTimeField(auto_now_add=True)),
                ('answered_at', models.DateTimeField(blank=True, null=True)),
                ('asked_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('employee', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='consents', to='organisations.employee')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='organisations.organisation')),
                ('recording', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='recordings.recording')),
            ],
            options={
                'verbose_name': 'consent',
                'verbose_name_plural': 'consents',
                'ordering': ['-asked_at'],
                'indexes': [],
                'constraints': [models.UniqueConstraint(condition=models.Q(('status__in', ['pending', 'granted'])), fields=('recording', 'use'), name='one_live_consent_per_call_and_use')],
            },
        ),
        migrations.AddField(
            model_name='calibrationsession',
            name='consent',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='coaching.consent'),
        ),
        migrations.AddField(
            model_name='calibrationsession',
            name='alpha',
            field=models.FloatField(blank=True, null=True),
        ),
        migrations.CreateModel(
            name='SampleDraw',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('quarter', models.CharField(max_length=7, verbose_name='quarter')),
                ('slot', models.PositiveSmallIntegerField(verbose_name='draw of the quarter')),
                ('window_start', models.DateTimeField()),
                ('window_end', models.DateTimeField()),
                ('seed', models.CharField(max_length=64)),
                ('population', models.JSONField()),
                ('drawn_at', models.DateTimeField(auto_now_add=True)),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='sample_draws', to='organisations.organisation')),
            ],
            options={
                'ordering': ['-drawn_at'],
                'indexes': [],
                'constraints': [models.UniqueConstraint(fields=('organisation', 'quarter', 'slot'), name='one_draw_per_slot')],
            },
        ),
        migrations.CreateModel(
            name='SampleItem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('employee_present', models.BooleanField(default=False, verbose_name='the employee listened along')),
                ('done_at', models.DateTimeField(blank=True, null=True)),
                ('draw', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='items', to='coaching.sampledraw')),
                ('employee', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisations.employee')),
                ('evaluation', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='sample_item', to='coaching.evaluation')),
                ('recording', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='recordings.recording')),
            ],
            options={
                'ordering': ['draw', 'employee'],
                'indexes': [],
                'constraints': [models.UniqueConstraint(fields=('draw', 'employee'), name='one_sample_per_draw')],
            },
        ),
        migrations.CreateModel(
            name='SamplingPolicy',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('per_quarter', models.PositiveSmallIntegerField(validators=[django.core.validators.MaxValueValidator(12)], verbose_name='calls per employee per quarter')),
                ('organisation', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='sampling_policy', to='organisations.organisation')),
                ('purpose', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='register.purpose', verbose_name='purpose the sample serves')),
                ('mode', models.CharField(choices=[('spread', 'Spread over the quarter: one call per employee as each part ends'), ('at_once', 'At once: all calls per employee together when the quarter ends')], default='spread', max_length=10, verbose_name='when the sample is drawn')),
            ],
            options={
                'indexes': [],
                'constraints': [],
            },
        ),
        migrations.CreateModel(
            name='CoachingSettings',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('dispute_days', models.PositiveSmallIntegerField(default=14, verbose_name='days to dispute')),
                ('max_disputes', models.PositiveSmallIntegerField(default=2, validators=[django.core.validators.MaxValueValidator(20)], verbose_name='disputes per evaluation')),
                ('arbiter', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='arbiter')),
                ('organisation', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='coaching_settings', to='organisations.organisation')),
            ],
            options={
                'indexes': [],
                'constraints': [],
            },
        ),
        migrations.CreateModel(
            name='Dispute',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reason', models.TextField(verbose_name='reason')),
                ('raised_at', models.DateTimeField(auto_now_add=True)),
                ('status', models.CharField(choices=[('open', 'Open'), ('upheld', 'Upheld: re-scored'), ('rejected', 'Rejected')], default='open', max_length=16, verbose_name='status')),
                ('answer', models.TextField(blank=True, verbose_name='answer')),
                ('answered_at', models.DateTimeField(blank=True, null=True)),
                ('answered_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('criterion', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='coaching.criterion')),
                ('evaluation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='disputes', to='coaching.evaluation')),
                ('raised_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['evaluation', 'raised_at'],
                'indexes': [],
                'constraints': [models.UniqueConstraint(condition=models.Q(('status', 'open')), fields=('evaluation', 'criterion'), name='one_open_dispute_per_answer')],
            },
        ),
        migrations.CreateModel(
            name='EvaluationRevision',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveSmallIntegerField()),
                ('answers', models.JSONField()),
                ('score', models.DecimalField(decimal_places=2, max_digits=5, null=True)),
                ('critical_score', models.DecimalField(decimal_places=2, max_digits=5, null=True)),
                ('fatal_failed', models.BooleanField()),
                ('replaced_at', models.DateTimeField(auto_now_add=True)),
                ('dispute', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='coaching.dispute')),
                ('evaluation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='revisions', to='coaching.evaluation')),
            ],
            options={
                'ordering': ['evaluation', 'number'],
                'indexes': [],
                'constraints': [models.UniqueConstraint(fields=('evaluation', 'number'), name='revision_number_unique')],
            },
        ),
        migrations.CreateModel(
            name='CriterionMonth',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField()),
                ('criterion_text', models.CharField(max_length=300)),
                ('answers', models.PositiveIntegerField()),
                ('normalised_sum', models.FloatField()),
                ('coach', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('employee', models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='organisations.employee')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='organisations.organisation')),
            ],
            options={
                'indexes': [models.Index(fields=['organisation', 'month'], name='critmonth_org_month')],
                'constraints': [],
            },
        ),
        migrations.CreateModel(
            name='EvaluationMonth',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField()),
                ('evaluations', models.PositiveIntegerField()),
                ('scored', models.PositiveIntegerField()),
                ('score_sum', models.DecimalField(decimal_places=2, max_digits=12)),
                ('failed', models.PositiveIntegerField()),
                ('coach', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('employee', models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='organisations.employee')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='organisations.organisation')),
            ],
            options={
                'indexes': [models.Index(fields=['organisation', 'month'], name='evalmonth_org_month')],
                'constraints': [],
            },
        ),
        migrations.RunPython(
            code=_0002.forward,
            reverse_code=_0002.backward,
        ),
    ]
