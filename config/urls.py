from django.urls import include, path

from partyorg.core.views import healthz

urlpatterns = [
    path("", include("partyorg.core.urls")),
    path("accounts/", include("partyorg.accounts.urls")),
    path("org/", include("partyorg.organizations.urls")),
    path("members/", include("partyorg.members.urls")),
    path("imports/", include("partyorg.imports.urls")),
    path("ballots/", include("partyorg.ballots.urls")),
    path("confidence/", include("partyorg.confidence.urls")),
    path("appraisal/", include("partyorg.appraisal.urls")),
    path("elections/", include("partyorg.elections.urls")),
    path("directives/", include("partyorg.directives.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("partyorg.api.urls")),
    path("healthz", healthz),
]
