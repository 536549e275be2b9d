from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from clinicdesk.api import api
from clinicdesk.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
urlpatterns += i18n_patterns(
    path("", include("clinicdesk.core.urls")),
    path("programs/", include("clinicdesk.scheduling.urls")),
    path("manage/", include("clinicdesk.scheduling.manage_urls")),
    path("", include("clinicdesk.registration.urls")),
    path("", include("clinicdesk.digests.urls")),
    path("", include("clinicdesk.planning.urls")),
    path("", include("clinicdesk.publishing.urls")),
    path("", include("clinicdesk.consultations.urls")),
    path("", include("clinicdesk.newsletters.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    prefix_default_language=False,
)
