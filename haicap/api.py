"""The public REST API, /api/v1/ (django-ninja). Each domain app contributes a router."""

from ninja import NinjaAPI

from haicap.catalog.api import router as catalog_router
from haicap.core.api import router as core_router
from haicap.core.errors import install_error_handlers
from haicap.documents.api import router as documents_router
from haicap.dossiers.api import router as dossiers_router
from haicap.feedback.api import router as feedback_router
from haicap.ioc.api import router as ioc_router
from haicap.mdm.api import router as mdm_router
from haicap.national_portal.api import router as national_portal_router
from haicap.notifications.api import router as notifications_router
from haicap.opendata.api import router as opendata_router
from haicap.tickets.api import router as tickets_router
from haicap.units.api import router as units_router
from haicap.worktime.api import router as worktime_router

api = NinjaAPI(
    title="haicap API",
    version="1",
    description=(
        "Public-service platform of a Vietnamese province under two-tier local government. "
        "Errors are JSON objects with a stable `code` and a Vietnamese `message`."
    ),
    urls_namespace="api",
)
install_error_handlers(api)

api.add_router("/", core_router)
api.add_router("/", units_router)
api.add_router("/", worktime_router)
api.add_router("/", catalog_router)
api.add_router("/", dossiers_router)
api.add_router("/", documents_router)
api.add_router("/", notifications_router)
api.add_router("/", feedback_router)
api.add_router("/", tickets_router)
api.add_router("/", ioc_router)
api.add_router("/", national_portal_router)
api.add_router("/", opendata_router)
api.add_router("/", mdm_router)
