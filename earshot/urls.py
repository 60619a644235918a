from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from earshot import views
from organisations import views as organisation_views
from organisations.twofactor import two_factor

# Everything under o/<org_slug>/ is tenant data and is resolved through
# organisations.decorators.organisation_view; the tenancy test walks these patterns.
tenant_patterns = [
    path("", include("organisations.urls")),
    path("audit/", include("audit.urls")),
    path("register/", include("register.urls")),
]

urlpatterns = [
    path("", organisation_views.home, name="home"),
    path("account/login/", auth_views.LoginView.as_view(), name="login"),
    path("account/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/two-factor/", two_factor, name="two_factor"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("healthz", views.healthz, name="healthz"),
    path("o/<slug:org_slug>/", include(tenant_patterns)),
]
