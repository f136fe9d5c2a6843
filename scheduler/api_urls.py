"""Every app's API under /api/v1/, on one router so the root lists them all."""

from rest_framework.routers import DefaultRouter

from activities import api as activities_api
from heroes import api as heroes_api
from schools import api as schools_api

router = DefaultRouter()
schools_api.register(router)
activities_api.register(router)
heroes_api.register(router)

urlpatterns = router.urls
