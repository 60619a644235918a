# Made by scripts/squash_migrations.py for new databases: 7 operations instead of 17.
import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [('register', '0001_initial'), ('register', '0002_processingactivity_recorded_customer_fields'), ('register', '0003_register_versions_and_recording_policy'), ('register', '0004_published_organisation_and_period_set_by_organisation'), ('register', '0005_purpose_short_label')]

    initial = True

    dependencies = [
        ('organisations', '0001_initial'),
        ('organisations', '0004_retention_rights'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ProcessingActivity',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reference', models.CharField(max_length=50, verbose_name='reference')),
                ('name', models.CharField(max_length=300, verbose_name='name')),
                ('description', models.TextField(blank=True, verbose_name='description')),
                ('controller_name', models.TextField(blank=True, verbose_name='controller')),
                ('controller_visiting_address', models.TextField(blank=True, verbose_name='visiting address')),
                ('controller_postal_address', models.TextField(blank=True, verbose_name='postal address')),
                ('automated_decision_making', models.TextField(blank=True, verbose_name='automated decision-making')),
                ('transfer_outside_eu', models.TextField(blank=True, verbose_name='transfer outside the EU')),
                ('related_processing', models.TextField(blank=True, verbose_name='related processing activities')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='processing_activities', to='organisations.organisation')),
                ('recorded_customer_fields', models.JSONField(blank=True, default=list, help_text='Which customer fields a recording may carry (register.CustomerField).', verbose_name='customer identification recorded with calls')),
                ('published_organisation', models.TextField(blank=True, help_text='The organisation as the published register names it, one line each.', verbose_name='organisation')),
            ],
            options={
                'verbose_name': 'processing activity',
                'verbose_name_plural': 'processing activities',
                'ordering': ['reference'],
                'indexes': [],
                'constraints': [models.UniqueConstraint(fields=('organisation', 'reference'), name='activity_reference_unique_in_org')],
            },
        ),
        migrations.CreateModel(
            name='DataSubjectEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('retention_value', models.PositiveIntegerField(validators=[django.core.validators.MinValueValidator(1)], verbose_name='retention period')),
                ('retention_unit', models.CharField(choices=[('days', 'days'), ('months', 'months'), ('years', 'years')], default='days', max_length=10, verbose_name='unit')),
                ('retention_text', models.TextField(blank=True, verbose_name='retention as worded in the register')),
                ('position', models.PositiveSmallIntegerField(default=0)),
                ('subject_category', models.TextField(verbose_name='data subjects')),
                ('personal_data', models.TextField(verbose_name='personal data')),
                ('collection_purpose', models.TextField(verbose_name='collection purpose')),
                ('data_category', models.CharField(choices=[('recording', 'Recording audio and call metadata'), ('evaluation', 'QM forms and evaluations'), ('calibration', 'Calibration results'), ('case', 'Requests, cases and disclosures'), ('other', 'Other')], max_length=32, verbose_name='data category')),
                ('source', models.TextField(blank=True, verbose_name='source')),
                ('mandatory_supply', models.BooleanField(default=False, verbose_name='mandatory supply')),
                ('mandatory_supply_text', models.TextField(blank=True, verbose_name='mandatory supply as worded')),
                ('activity', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='data_subject_entries', to='register.processingactivity')),
                ('period_set_by_organisation', models.BooleanField(default=False, help_text="The number is the organisation's own, not in the published register (which only gives the words).", verbose_name='period set by the organisation')),
            ],
            options={
                'verbose_name': 'data subject entry',
                'verbose_name_plural': 'data subject entries',
                'ordering': ['activity', 'position'],
                'indexes': [],
                'constraints': [],
            },
        ),
        migrations.CreateModel(
            name='Purpose',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(help_text='Stable name that requests and listens refer to.', max_length=64, verbose_name='code')),
                ('description', models.TextField(verbose_name='purpose')),
                ('legal_basis', models.CharField(choices=[('consent', 'Consent'), ('contract', 'Performance of a contract'), ('legal_obligation', 'Legal obligation'), ('vital_interests', 'Vital interests'), ('public_task', 'Public task'), ('legitimate_interest', 'Legitimate interest')], max_length=32, verbose_name='legal basis')),
                ('legal_basis_note', models.TextField(blank=True, verbose_name='explanation of the legal basis')),
                ('position', models.PositiveSmallIntegerField(default=0)),
                ('activity', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='purposes', to='register.processingactivity')),
                ('short_label', models.CharField(blank=True, help_text='A few words shown in the player, the request form and the timeline, beside the full wording of the register.', max_length=60, verbose_name='short name')),
            ],
            options={
                'verbose_name': 'purpose',
                'verbose_name_plural': 'purposes',
                'ordering': ['activity', 'position'],
                'indexes': [],
                'constraints': [models.UniqueConstraint(fields=('activity', 'code'), name='purpose_code_unique'), models.CheckConstraint(condition=models.Q(('legal_basis__in', ['consent', 'contract', 'legal_obligation', 'vital_interests', 'public_task', 'legitimate_interest'])), name='purpose_legal_basis_is_known')],
            },
        ),
        migrations.CreateModel(
            name='Recipient',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('position', models.PositiveSmallIntegerField(default=0)),
                ('name', models.TextField(verbose_name='recipient')),
                ('kind', models.CharField(choices=[('internal_role', 'Role within the organisation'), ('processor', 'Processor'), ('outside_party', 'Outside party')], max_length=32, verbose_name='kind')),
                ('role', models.CharField(blank=True, choices=[('employee', 'Employee'), ('coach', 'Coach'), ('team_leader', 'Team leader'), ('manager', 'Manager'), ('privacy_officer', 'Privacy officer'), ('administrator', 'Administrator'), ('auditor', 'Auditor')], help_text='For recipients inside the organisation: the role that receives.', max_length=32, verbose_name='role')),
                ('activity', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='recipients', to='register.processingactivity')),
            ],
            options={
                'verbose_name': 'recipient',
                'verbose_name_plural': 'recipients',
                'ordering': ['activity', 'position'],
                'indexes': [],
                'constraints': [],
            },
        ),
        migrations.CreateModel(
            name='RecordingPolicy',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField(verbose_name='version')),
                ('title_nl', models.CharField(max_length=200, verbose_name='title (Dutch)')),
                ('title_en', models.CharField(max_length=200, verbose_name='title (English)')),
                ('text_nl', models.TextField(verbose_name='text (Dutch)')),
                ('text_en', models.TextField(verbose_name='text (English)')),
                ('published_at', models.DateTimeField(auto_now_add=True, verbose_name='published at')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='recording_policies', to='organisations.organisation')),
                ('published_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='published by')),
            ],
            options={
                'verbose_name': 'recording policy',
                'verbose_name_plural': 'recording policies',
                'ordering': ['organisation', '-version'],
                'indexes': [],
                'constraints': [models.UniqueConstraint(fields=('organisation', 'version'), name='recording_policy_version_unique')],
            },
        ),
        migrations.CreateModel(
            name='PolicyAcknowledgement',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('acknowledged_at', models.DateTimeField(auto_now_add=True, verbose_name='acknowledged at')),
                ('language', models.CharField(max_length=8, verbose_name='language read')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='policy_acknowledgements', to=settings.AUTH_USER_MODEL)),
                ('policy', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='acknowledgements', to='register.recordingpolicy')),
            ],
            options={
                'verbose_name': 'policy acknowledgement',
                'verbose_name_plural': 'policy acknowledgements',
                'indexes': [],
                'constraints': [models.UniqueConstraint(fields=('policy', 'user'), name='one_acknowledgement_each')],
            },
        ),
        migrations.CreateModel(
            name='RegisterVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveIntegerField(verbose_name='version')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='saved at')),
                ('summary', models.CharField(max_length=500, verbose_name='what changed')),
                ('snapshot', models.JSONField()),
                ('activity', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='versions', to='register.processingactivity')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='saved by')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='register_versions', to='organisations.organisation')),
            ],
            options={
                'verbose_name': 'register version',
                'verbose_name_plural': 'register versions',
                'ordering': ['activity', '-number'],
                'indexes': [],
                'constraints': [models.UniqueConstraint(fields=('activity', 'number'), name='register_version_number_unique')],
            },
        ),
    ]
