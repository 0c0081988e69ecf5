from django.contrib import admin
from django.http import JsonResponse
from django.urls import include, path

from hireloop.api import api
from hireloop.core.errors import error_body

admin.site.site_header = "Hireloop back office"
admin.site.site_title = "Hireloop"

urlpatterns = [
    path("api/v2/", api.urls),
    path("admin/", admin.site.urls),
    path("", include("hireloop.web.urls")),
]


def handler404(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse(error_body(404, "The requested URL was not found on this server."), status=404)
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


def handler500(request):
    if request.path.startswith("/api/"):
        return JsonResponse(error_body(500, "Internal server error."), status=500)
    from django.views.defaults import server_error

    return server_error(request)
