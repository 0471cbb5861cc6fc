from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from accounts import urls as accounts_urls
from common import views as common_views
from config.api import api
from registration import urls as registration_urls
from workbench import urls as workbench_urls

# One "accounts" namespace for the home, sign-in and registration pages, as before they split.
accounts_pages = (
    workbench_urls.urlpatterns + accounts_urls.urlpatterns + registration_urls.urlpatterns,
    "accounts",
)

urlpatterns = [
    path("favicon.ico", common_views.favicon),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("maps/", include("maps.urls")),
    path("tiles/", include("maps.tile_urls")),
    path("open311/v2/", include("feedback.open311.urls")),
    path("cases/", include("feedback.urls")),
    path("inbox/", include("notifications.urls")),
    path("notices/", include("notices.urls")),
    path("voting/", include("voting.urls")),
    path("topics/", include("consultation.urls")),
    path("opinions/", include("opinions.urls")),
    path("", include(accounts_pages)),
]
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Chinese error pages; problem+json under /api/ and /open311/ (common/views.py); a busy
# database answers 503 (infra/busy.py)
handler400 = "common.views.bad_request"
handler403 = "common.views.permission_denied"
handler404 = "common.views.page_not_found"
handler500 = "infra.busy.server_error"
