"""The REST API under /api/v1/: every app's endpoints, the OpenAPI schema and its docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from xinxi.accounts.api.views import MeView, TokenView
from xinxi.assignments.api import priorities as assignments_priorities
from xinxi.instructions.api import views as instructions
from xinxi.items.api import views as items
from xinxi.network.api import views as network
from xinxi.notifications.api.views import NotificationViewSet
from xinxi.publications.api import views as publications
from xinxi.scoring.api import routes as scoring
from xinxi.urgent.api import routes as urgent


class Router(DefaultRouter):
    # No ``.json`` format-suffix routes: the API speaks JSON by its Accept header, and the
    # suffix variants crashed the custom actions (they take no ``format`` argument).
    include_format_suffixes = False


router = Router()
router.register("units", network.UnitViewSet, basename="unit")
router.register("desks", network.DeskViewSet, basename="desk")
router.register("points", network.PointViewSet, basename="point")
router.register("staff", network.StaffViewSet, basename="staff")
router.register("quotas", network.QuotaViewSet, basename="quota")
router.register("calendar/days", network.CalendarDayViewSet, basename="calendar-day")
router.register("items", items.ItemViewSet, basename="item")
router.register("entries", items.EntryViewSet, basename="entry")
router.register("adoptions", items.AdoptionViewSet, basename="adoption")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("instructions", instructions.InstructionViewSet, basename="instruction")
router.register("supervision-tasks", instructions.SupervisionTaskViewSet, basename="supervision-task")
router.register("periodicals", publications.PeriodicalViewSet, basename="periodical")
router.register("issues", publications.IssueViewSet, basename="issue")
for prefix, viewset, basename in [*scoring.ROUTES, *urgent.ROUTES, *assignments_priorities.ROUTES]:
    router.register(prefix, viewset, basename=basename)

urlpatterns = [
    path("", include(router.urls)),
    path("auth/token/", TokenView.as_view(), name="api_token"),
    path("me/", MeView.as_view(), name="api_me"),
    path("calendar/working-days/", network.WorkingDaysView.as_view(), name="api_working_days"),
    path("search/", items.SearchView.as_view(), name="api_search"),
    *scoring.PATHS,
    *urgent.PATHS,
    *assignments_priorities.PATHS,
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    # The split view serves its start-up script as a file, so the page needs no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
]
