from django.urls import include, path

from hireloop.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("r/", include("hireloop.references.urls")),
]
