# Made by scripts/squash_migrations.py for new databases: 9 operations instead of 35.
import django.db.models.deletion
import django.utils.timezone
import organisations.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [('organisations', '0001_initial'), ('organisations', '0002_alter_organisation_options'), ('organisations', '0003_access_rights'), ('organisations', '0004_retention_rights'), ('organisations', '0005_coaching_rights'), ('organisations', '0006_reports'), ('organisations', '0007_ingest_token_rights'), ('organisations', '0008_installation_invitations'), ('organisations', '0009_two_factor_resets'), ('organisations', '0010_people'), ('organisations', '0011_invitation_approval'), ('organisations', '0012_invitation_denied'), ('organisations', '0013_subject_request_rights'), ('organisations', '0014_organisation_name_single_line')]

    initial = True

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Organisation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('slug', models.SlugField(unique=True, verbose_name='short name')),
                ('name', models.CharField(max_length=200, validators=[organisations.models.validate_single_line], verbose_name='name')),
                ('timezone', models.CharField(default='Europe/Amsterdam', max_length=64, validators=[organisations.models.validate_timezone], verbose_name='time zone')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'verbose_name': 'organisation',
                'verbose_name_plural': 'organisations',
                'ordering': ['name'],
                'permissions': [('view_dashboard', "Can open the organisation's dashboard"), ('view_audit_trail', "Can read the organisation's audit trail"), ('view_register', "Can read the organisation's processing register"), ('change_register', "Can edit the organisation's processing register"), ('manage_members', 'Can manage members and their roles'), ('view_recordings', 'Can open the recordings list (what it shows is decided by access/)'), ('upload_recordings', 'Can upload recordings in the browser'), ('view_requests', 'Can open the requests page (what one may ask is decided by the policy)'), ('approve_requests', 'Can approve requests where the policy names the role as approver'), ('view_cases', 'Can open the case register (which kinds is decided by the policy)'), ('view_access_policy', 'Can read the access policy'), ('change_access_policy', 'Can change the access policy'), ('view_retention', 'Can read purge reports, overdue calls and legal holds'), ('place_legal_hold', 'Can ask for a legal hold or its release'), ('approve_legal_hold', "Can approve another person's legal hold or release"), ('change_retention', "Can propose or approve applying the register's retention to existing calls"), ('erase_early', "Can erase calls before their deadline on a data subject's request"), ('evaluate_calls', 'Can evaluate calls they may hear with a QM form'), ('manage_qm_forms', 'Can build and publish QM forms'), ('view_coaching_reports', 'Can read coaching reports (management information)'), ('manage_ingest_tokens', 'Can create, expire and revoke the ingest API tokens of recorders'), ('approve_two_factor_reset', "Can see resets of members' lost two-factor devices and approve another's"), ('handle_subject_requests', 'Can register, search, answer and close data subject requests (GDPR art. 15-21)')],
                'default_permissions': (),
                'indexes': [],
                'constraints': [],
            },
        ),
        migrations.CreateModel(
            name='Team',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200, verbose_name='name')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='teams', to='organisations.organisation')),
            ],
            options={
                'verbose_name': 'team',
                'verbose_name_plural': 'teams',
                'ordering': ['name'],
                'indexes': [],
                'constraints': [models.UniqueConstraint(fields=('organisation', 'name'), name='team_name_unique_in_org')],
            },
        ),
        migrations.CreateModel(
            name='Membership',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('role', models.CharField(choices=[('employee', 'Employee'), ('coach', 'Coach'), ('team_leader', 'Team leader'), ('manager', 'Manager'), ('privacy_officer', 'Privacy officer'), ('administrator', 'Administrator'), ('auditor', 'Auditor')], max_length=32, verbose_name='role')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to=settings.AUTH_USER_MODEL)),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='organisations.organisation')),
                ('teams', models.ManyToManyField(blank=True, help_text='For coaches and team leaders: the teams they work with.', related_name='memberships', to='organisations.team', verbose_name='teams')),
                ('active', models.BooleanField(default=True, verbose_name='active')),
                ('deactivated_at', models.DateTimeField(blank=True, null=True)),
            ],
            options={
                'verbose_name': 'membership',
                'verbose_name_plural': 'memberships',
                'ordering': ['organisation__name'],
                'indexes': [],
                'constraints': [models.UniqueConstraint(fields=('user', 'organisation'), name='one_membership_per_user_and_org'), models.CheckConstraint(condition=models.Q(('role__in', ['employee', 'coach', 'team_leader', 'manager', 'privacy_officer', 'administrator', 'auditor'])), name='membership_role_is_known')],
            },
        ),
        migrations.CreateModel(
            name='Employee',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200, verbose_name='name')),
                ('pbx_agent_id', models.CharField(blank=True, max_length=64, verbose_name='PBX agent id')),
                ('active', models.BooleanField(default=True, verbose_name='active')),
                ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='employee_records', to=settings.AUTH_USER_MODEL)),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='employees', to='organisations.organisation')),
                ('team', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='employees', to='organisations.team')),
            ],
            options={
                'verbose_name': 'employee',
                'verbose_name_plural': 'employees',
                'ordering': ['name'],
                'indexes': [],
                'constraints': [models.UniqueConstraint(condition=models.Q(('user__isnull', False)), fields=('organisation', 'user'), name='employee_user_unique_in_org'), models.UniqueConstraint(condition=models.Q(models.Q(('pbx_agent_id', ''), _negated=True), ('active', True)), fields=('organisation', 'pbx_agent_id'), name='employee_active_agent_id_unique_in_org')],
            },
        ),
        migrations.CreateModel(
            name='OrganisationUserObjectPermission',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('content_object', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='organisations.organisation')),
                ('permission', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='auth.permission')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'abstract': False,
                'unique_together': {('user', 'permission', 'content_object')},
                'indexes': [],
                'constraints': [],
            },
        ),
        migrations.CreateModel(
            name='InstallationAdministrator',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='installation_administrator', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'installation administrator',
                'verbose_name_plural': 'installation administrators',
                'indexes': [],
                'constraints': [],
            },
        ),
        migrations.CreateModel(
            name='Invitation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('email', models.EmailField(max_length=254, verbose_name='e-mail address')),
                ('role', models.CharField(choices=[('employee', 'Employee'), ('coach', 'Coach'), ('team_leader', 'Team leader'), ('manager', 'Manager'), ('privacy_officer', 'Privacy officer'), ('administrator', 'Administrator'), ('auditor', 'Auditor')], max_length=32, verbose_name='role')),
                ('token_hash', models.CharField(editable=False, max_length=64, unique=True)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('expires_at', models.DateTimeField()),
                ('accepted_at', models.DateTimeField(blank=True, null=True)),
                ('revoked_at', models.DateTimeField(blank=True, null=True)),
                ('accepted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('invited_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='invitations', to='organisations.organisation')),
                ('revoked_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('approved_at', models.DateTimeField(blank=True, null=True)),
                ('approved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('needs_approval', models.BooleanField(default=False)),
                ('denied_at', models.DateTimeField(blank=True, null=True)),
                ('denied_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'invitation',
                'verbose_name_plural': 'invitations',
                'ordering': ['-created_at'],
                'constraints': [models.CheckConstraint(condition=models.Q(('accepted_at__isnull', True), ('revoked_at__isnull', True), _connector='OR'), name='invitation_not_both_accepted_and_revoked'), models.CheckConstraint(condition=models.Q(('role__in', ['employee', 'coach', 'team_leader', 'manager', 'privacy_officer', 'administrator', 'auditor'])), name='invitation_role_is_known'), models.CheckConstraint(condition=models.Q(('approved_by__isnull', True), models.Q(('approved_by', models.F('invited_by')), _negated=True), _connector='OR'), name='invitation_approved_by_another_person'), models.CheckConstraint(condition=models.Q(('denied_by__isnull', True), models.Q(('denied_by', models.F('invited_by')), _negated=True), _connector='OR'), name='invitation_denied_by_another_person'), models.CheckConstraint(condition=models.Q(('approved_at__isnull', True), ('denied_at__isnull', True), _connector='OR'), name='invitation_not_both_approved_and_denied')],
                'indexes': [],
            },
        ),
        migrations.CreateModel(
            name='TwoFactorReset',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('motivation', models.TextField(verbose_name='motivation')),
                ('status', models.CharField(choices=[('pending', 'Waiting for approval'), ('approved', "Approved, waiting for the member's other organisations"), ('completed', 'Device removed'), ('denied', 'Denied')], default='pending', max_length=16, verbose_name='status')),
                ('requested_at', models.DateTimeField(auto_now_add=True)),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
                ('completed_at', models.DateTimeField(blank=True, null=True)),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('member', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='two_factor_resets', to=settings.AUTH_USER_MODEL)),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='two_factor_resets', to='organisations.organisation')),
                ('requested_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'two-factor reset',
                'verbose_name_plural': 'two-factor resets',
                'ordering': ['-requested_at'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('status__in', ['pending', 'approved'])), fields=('organisation', 'member'), name='one_open_two_factor_reset_per_member'), models.CheckConstraint(condition=models.Q(('decided_by__isnull', True), models.Q(models.Q(('decided_by', models.F('requested_by')), _negated=True), models.Q(('decided_by', models.F('member')), _negated=True)), _connector='OR'), name='two_factor_reset_decided_by_another_person'), models.CheckConstraint(condition=models.Q(('status', 'pending'), ('decided_by__isnull', False), _connector='OR'), name='two_factor_reset_decision_names_its_decider')],
                'indexes': [],
            },
        ),
        migrations.CreateModel(
            name='RoleChangeRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('old_role', models.CharField(choices=[('employee', 'Employee'), ('coach', 'Coach'), ('team_leader', 'Team leader'), ('manager', 'Manager'), ('privacy_officer', 'Privacy officer'), ('administrator', 'Administrator'), ('auditor', 'Auditor')], max_length=32, verbose_name='current role')),
                ('new_role', models.CharField(choices=[('employee', 'Employee'), ('coach', 'Coach'), ('team_leader', 'Team leader'), ('manager', 'Manager'), ('privacy_officer', 'Privacy officer'), ('administrator', 'Administrator'), ('auditor', 'Auditor')], max_length=32, verbose_name='new role')),
                ('status', models.CharField(choices=[('pending', 'Waiting for approval'), ('approved', 'Approved'), ('denied', 'Denied')], default='pending', max_length=16)),
                ('requested_at', models.DateTimeField(auto_now_add=True)),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('membership', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='role_change_requests', to='organisations.membership')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='role_change_requests', to='organisations.organisation')),
                ('requested_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'role change request',
                'verbose_name_plural': 'role change requests',
                'ordering': ['-requested_at'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('status', 'pending')), fields=('membership',), name='one_pending_role_change_per_member'), models.CheckConstraint(condition=models.Q(('decided_by__isnull', True), models.Q(('decided_by', models.F('requested_by')), _negated=True), _connector='OR'), name='role_change_decided_by_another_person')],
                'indexes': [],
            },
        ),
    ]
