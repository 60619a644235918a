from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView

from access import views_disclosures
from earshot import views
from organisations import views as organisation_views
from organisations.twofactor import backup_codes as two_factor_backup_codes
from organisations.twofactor import two_factor
from organisations.views_invitations import invitation_accept_view
from recordings.api import RecordingIngestView

# Everything under o/<org_slug>/ is tenant data and is resolved through
# organisations.decorators.organisation_view; the tenancy test walks these patterns.
tenant_patterns = [
    path("", include("organisations.urls")),
    path("audit/", include("audit.urls")),
    path("register/", include("register.urls")),
    path("recordings/", include("access.urls")),
    path("upload/", include("recordings.urls")),
    path("tokens/", include("recordings.urls_tokens")),
    path("requests/", include("access.urls_requests")),
    path("cases/", include("access.urls_cases")),
    path("policy/", include("access.urls_policy")),
    path("coaching/", include("coaching.urls")),
    path("retention/", include("retention.urls")),
    path("transcripts/", include("transcripts.urls")),
    path("subject-requests/", include("subjects.urls")),
    path("two-factor-resets/", include("organisations.urls_twofactor")),
    path("invitations/", include("organisations.urls_invitations")),
]

urlpatterns = [
    path("", organisation_views.home, name="home"),
    path("account/login/", auth_views.LoginView.as_view(), name="login"),
    path("account/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/two-factor/", two_factor, name="two_factor"),
    path(
        "account/two-factor/backup-codes/", two_factor_backup_codes, name="two_factor_backup_codes"
    ),
    path("i18n/setlang/", set_language, name="set_language"),
    path("healthz", views.healthz, name="healthz"),
    path("o/<slug:org_slug>/", include(tenant_patterns)),
    # For the ICT staff who run the installation (organisations.views_installation).
    path("installation/", include("organisations.urls_installation")),
    # The link of an invitation e-mail: a secret token, single use, expiring.
    path("invitation/<str:token>/", invitation_accept_view, name="invitation_accept"),
    # For recorders and PBXs: a per-organisation token, no session.
    path("api/v1/recordings", RecordingIngestView.as_view(), name="api_recording_ingest"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    # For data subjects: the organisation's public request form (where it publishes one).
    path("rights/<slug:slug>/", include("subjects.urls_public")),
    # For outside recipients of an approved disclosure: a secret link plus a separate code.
    path("d/<str:token>/", views_disclosures.disclosure_open, name="disclosure_open"),
    path(
        "d/<str:token>/download",
        views_disclosures.disclosure_download,
        name="disclosure_download",
    ),
]
