from django.contrib import admin
from django.urls import include, path

from xinxi.accounts import views as account_views

admin.site.site_header = "Xinxi 信息报送与采编系统 · 后台管理"
admin.site.site_title = "Xinxi 后台"
admin.site.index_title = "规则与基础数据"
admin.site.login_form = account_views.AdminLoginForm

urlpatterns = [
    path("", include("xinxi.core.urls")),
    path("accounts/", include("xinxi.accounts.urls")),
    path("network/", include("xinxi.network.urls")),
    path("items/", include("xinxi.items.urls_unit")),
    path("desk/", include("xinxi.items.urls_desk")),
    path("archive/", include("xinxi.archive.urls")),
    path("publications/", include("xinxi.publications.urls")),
    path("supervision/", include("xinxi.instructions.urls")),
    path("notifications/", include("xinxi.notifications.urls")),
    path("audit/", include("xinxi.audit.urls")),
    path("scoring/", include("xinxi.scoring.urls")),
    path("urgent/", include("xinxi.urgent.urls")),
    path("intake/", include("xinxi.intake.urls")),
    path("assignments/", include("xinxi.assignments.urls")),
    path("api/v1/", include("xinxi.core.api.urls")),
    path("admin/", admin.site.urls),
]

# Under /api/ Django's own refusals answer JSON, like the API's (xinxi.lib.api).
handler400 = "xinxi.lib.api.bad_request"
handler403 = "xinxi.lib.api.permission_denied"
handler404 = "xinxi.lib.api.page_not_found"
handler500 = "xinxi.lib.api.server_error"
