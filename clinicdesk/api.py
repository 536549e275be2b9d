"""The JSON API: one NinjaAPI, each app adding its own router. Schema at /api/openapi.json."""

from ninja import NinjaAPI

from clinicdesk.consultations.api import router as consultations_router
from clinicdesk.digests.api import router as digests_router
from clinicdesk.newsletters.api import router as newsletters_router
from clinicdesk.planning.api import router as planning_router
from clinicdesk.publishing.api import router as publishing_router
from clinicdesk.registration.api import router as registration_router
from clinicdesk.scheduling.api import router as scheduling_router

api = NinjaAPI(
    title="clinicdesk API",
    version="1",
    description="Programs and their numbered sessions, with times in UTC and in their own zone.",
    docs_url=None,
    urls_namespace="api",
)
api.add_router("/", scheduling_router)
api.add_router("/", registration_router)
api.add_router("/", digests_router)
api.add_router("/", planning_router)
api.add_router("/", publishing_router)
api.add_router("/", consultations_router)
api.add_router("/", newsletters_router)
